"""Writing the board's action log: board actions raised at a meeting and their owners' progress.

Every board action belongs to its meeting's partnership, and so must everything it names: its owner
(an active member), its owning organisation, the agenda item it arose from (an item of the same
meeting), the delivery-plan action, priority or board ask it relates to. A name from anywhere else is
refused as an error on its field, whoever builds the request.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core.conflicts import lock_unchanged
from core.history import change_reason
from meetings.models import AgendaItem, BoardAction, BoardActionNote, Meeting
from meetings.services import coherence
from meetings.services.coherence import refuse_outside

FIELDS = (
    "description",
    "owner",
    "owner_organisation",
    "due_on",
    "agenda_item",
    "action",
    "priority",
    "board_ask",
)
STATUS_REASONS = {
    BoardAction.Status.DONE: "Marked done",
    BoardAction.Status.DROPPED: "Marked no longer needed",
    BoardAction.Status.OPEN: "Reopened",
}


def _check_coherence(board_action: BoardAction, *, kept_owner_id: int | None = None) -> None:
    """Refuse, field by field, anything the board action names from outside its meeting's partnership.

    `kept_owner_id` is the owner the record already had: they may stay its owner after their membership
    ends (an edit of something else must not fail), but no one else who is not an active member may."""
    meeting = board_action.meeting
    partnership_id = meeting.partnership_id
    owner_id = None if board_action.owner_id == kept_owner_id else board_action.owner_id
    refuse_outside(
        [
            (
                "owner",
                owner_id,
                coherence.active_members(partnership_id),
                "Choose an active member of this partnership as the owner",
            ),
            (
                "owner_organisation",
                board_action.owner_organisation_id,
                coherence.organisations(partnership_id),
                "Choose an organisation of this partnership",
            ),
            (
                "agenda_item",
                board_action.agenda_item_id,
                AgendaItem.objects.filter(meeting_id=meeting.pk),
                "Choose an item on this meeting's agenda",
            ),
            (
                "action",
                board_action.action_id,
                coherence.actions(partnership_id),
                "Choose a delivery-plan action of this partnership",
            ),
            (
                "priority",
                board_action.priority_id,
                coherence.priorities(partnership_id),
                "Choose a priority of this partnership",
            ),
            (
                "board_ask",
                board_action.board_ask_id,
                coherence.board_asks(partnership_id),
                "Choose a board ask of this partnership",
            ),
        ]
    )


@transaction.atomic
def board_action_create(*, meeting: Meeting, data: dict, by: User) -> BoardAction:
    """Raise a board action at the meeting; `data` holds its fields (description required; owner,
    owner_organisation, due_on, agenda_item, action, priority and board_ask optional)."""
    board_action = BoardAction(meeting=meeting, **data)
    board_action.full_clean()
    _check_coherence(board_action)
    board_action._change_reason = "Raised at the meeting"
    board_action._history_user = by
    board_action.save()
    return board_action


@transaction.atomic
def board_action_update(*, board_action: BoardAction, data: dict, version: str, by: User) -> BoardAction:
    """Change a board action's details (any of FIELDS in `data`; the others stay as they are), refusing
    a form opened before someone else's save (`version`, see core.conflicts) with EditConflict."""
    saved = lock_unchanged(
        BoardAction.objects.select_related("meeting").filter(pk=board_action.pk), version=version
    )
    kept_owner_id = saved.owner_id
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not fields of a board action's details: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(saved, name, value)
    saved.full_clean()
    _check_coherence(saved, kept_owner_id=kept_owner_id)
    saved._history_user = by
    saved.save()
    return saved


@transaction.atomic
def board_action_progress_add(
    *, board_action: BoardAction, text: str, status: str | None, by: User
) -> BoardActionNote:
    """Add a progress note to the board action and, when `status` is given and differs, make it open,
    done or no longer needed; the status change is kept in the board action's history."""
    saved = BoardAction.objects.select_for_update().select_related("meeting").get(pk=board_action.pk)
    text = (text or "").strip()
    note = BoardActionNote(board_action=saved, text=text, author=by)
    errors = {}
    try:
        note.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
        if not text:
            errors["text"] = ["Enter the progress"]
    if status and status not in BoardAction.Status.values:
        errors["status"] = ["Choose open, done or no longer needed"]
    if errors:
        raise ValidationError(errors)
    note.save()
    if status and status != saved.status:
        saved.status = status
        saved._history_user = by
        saved._change_reason = change_reason(STATUS_REASONS[status])
        saved.save()
    board_action.status = saved.status
    return note
