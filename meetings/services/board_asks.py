"""From report to agenda: the board asks of the exception reports published to a meeting, as its page
lists them; and a board ask becomes an agenda item of the meeting, or a board action raised at it, in
one step and once.

Both go through the only creators of those records (`agenda_item_add`, `board_action_create`), which
keep the progress update as `board_ask`, so the agenda item and the board action link back to the ask
and the meeting page can say the ask has been dealt with.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from delivery.models import ProgressUpdate
from meetings.models import AgendaItem, BoardAction, Meeting
from meetings.services.agenda import agenda_item_add
from meetings.services.board_actions import board_action_create

TITLE_MAX_LENGTH = AgendaItem._meta.get_field("title").max_length
PRESENTER_MAX_LENGTH = AgendaItem._meta.get_field("presenter").max_length


@dataclass
class BoardAsk:
    """A board ask as a published report froze it, and what the meeting has made of it so far."""

    reference: str
    title: str
    text: str
    update_pk: int | None  # None for reports published before the content kept the update's id
    agenda_item: AgendaItem | None = None
    board_action: BoardAction | None = None


@dataclass
class ReportWithAsks:
    report: object  # an exception report published to the meeting (meeting.exception_reports)
    asks: list[BoardAsk]


def _asks_in(report) -> list[BoardAsk]:
    return [
        BoardAsk(
            reference=item.get("reference") or "",
            title=item.get("title") or "",
            text=item["board_ask"],
            update_pk=item.get("update_pk"),
        )
        for item in report.items()
        if (item.get("board_ask") or "").strip()
    ]


def reports_with_board_asks(meeting: Meeting) -> list[ReportWithAsks]:
    """The exception reports published to the meeting, newest first, each with its board asks and, for
    each ask, the meeting's agenda item for it and the board action raised from it (at any meeting).

    Reads the meeting's prefetched `exception_reports` and `agenda_items`; one query more for the
    board actions, however many reports and asks there are."""
    reports = [ReportWithAsks(report=r, asks=_asks_in(r)) for r in meeting.exception_reports.all()]
    update_pks = {ask.update_pk for r in reports for ask in r.asks if ask.update_pk}
    if not update_pks:
        return reports
    items = {}
    for item in meeting.agenda_items.all():
        if item.board_ask_id in update_pks:
            items.setdefault(item.board_ask_id, item)
    actions = {}
    for board_action in (
        BoardAction.objects.filter(
            board_ask_id__in=update_pks, meeting__partnership_id=meeting.partnership_id
        )
        .select_related("meeting__partnership")
        .order_by("pk")
    ):
        actions.setdefault(board_action.board_ask_id, board_action)
    for report in reports:
        for ask in report.asks:
            ask.agenda_item = items.get(ask.update_pk)
            ask.board_action = actions.get(ask.update_pk)
    return reports


def _shorten(text: str, limit: int) -> str:
    """Text cut to `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def asked_at(meeting: Meeting) -> set[int]:
    """The progress updates whose board asks are in the exception reports published to the meeting."""
    return {ask.update_pk for report in meeting.exception_reports.all() for ask in _asks_in(report)}


def _lock_and_check(meeting: Meeting, update: ProgressUpdate) -> None:
    """Lock the progress update (one conversion of its ask at a time, at any meeting), then refuse an
    update of another partnership, one whose ask no report published to the meeting carries, and one
    that asks for nothing."""
    ProgressUpdate.objects.select_for_update().filter(pk=update.pk).first()
    if update.action.ambition.priority.strategy.partnership_id != meeting.partnership_id:
        raise ValidationError({"board_ask": "Choose a progress update of this partnership."})
    if update.pk not in asked_at(meeting):
        raise ValidationError(
            {"board_ask": "This board ask is not in an exception report published to this meeting."}
        )
    if not update.board_ask.strip():
        raise ValidationError({"board_ask": "This progress update asks the board for nothing."})


def board_ask_agenda_item(*, meeting: Meeting, update: ProgressUpdate) -> AgendaItem | None:
    """The meeting's agenda item that takes the board ask, if it has one."""
    return AgendaItem.objects.filter(meeting=meeting, board_ask=update).order_by("order").first()


@transaction.atomic
def board_ask_to_agenda(*, meeting: Meeting, update: ProgressUpdate, by: User) -> AgendaItem:
    """Put the board ask on the meeting's agenda as its last item, unless it is already there."""
    _lock_and_check(meeting, update)
    existing = board_ask_agenda_item(meeting=meeting, update=update)
    if existing is not None:
        raise ValidationError(f"This board ask is already on the agenda as item {existing.order}.")
    action = update.action
    return agenda_item_add(
        meeting=meeting,
        data={
            "title": _shorten(f"Board ask: {action.reference} {action.title}", TITLE_MAX_LENGTH),
            "presenter": _shorten(str(action.owner or ""), PRESENTER_MAX_LENGTH),
            "action": action,
            "board_ask": update,
        },
        by=by,
    )


@transaction.atomic
def board_ask_to_board_action(*, meeting: Meeting, update: ProgressUpdate, by: User) -> BoardAction:
    """Raise a board action at the meeting from the board ask, unless one was raised from it already
    (at this meeting or another: the action log holds one entry an ask). It arises from the meeting's
    agenda item for the ask when there is one."""
    _lock_and_check(meeting, update)
    existing = (
        BoardAction.objects.filter(board_ask=update, meeting__partnership_id=meeting.partnership_id)
        .select_related("meeting")
        .first()
    )
    if existing is not None:
        where = "at this meeting" if existing.meeting_id == meeting.pk else f"at {existing.meeting}"
        raise ValidationError(f"A board action was already raised from this board ask {where}.")
    return board_action_create(
        meeting=meeting,
        data={
            "description": update.board_ask,
            "board_ask": update,
            "action": update.action,
            "agenda_item": board_ask_agenda_item(meeting=meeting, update=update),
        },
        by=by,
    )
