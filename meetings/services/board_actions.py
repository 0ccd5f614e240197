"""Writing the board's action log: board actions raised at a meeting and their owners' progress."""

from django.db import transaction

from accounts.models import User
from meetings.models import BoardAction, Meeting


@transaction.atomic
def board_action_create(*, meeting: Meeting, data: dict, by: User) -> BoardAction:
    """Raise a board action at the meeting; `data` holds its fields (description required; owner,
    owner_organisation, due_on, agenda_item, action, priority and board_ask optional)."""
    board_action = BoardAction(meeting=meeting, **data)
    board_action.full_clean()
    board_action._change_reason = "Raised at the meeting"
    board_action.save()
    return board_action
