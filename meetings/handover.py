"""What meetings contribute to handing over a person's work (see accounts.handover): their open board actions."""

from accounts.handover import HandOverKind, reassign
from accounts.models import Partnership, User
from meetings.models import BoardAction


def open_board_actions(partnership: Partnership, user: User):
    # Board actions that are done or no longer needed keep their owner.
    return (
        BoardAction.objects.filter(
            meeting__partnership=partnership, owner=user, status=BoardAction.Status.OPEN
        )
        .select_related("meeting")
        .order_by("meeting__held_on", "due_on", "pk")
    )


def open_board_actions_move(*, partnership: Partnership, from_user: User, to_user: User, reason: str) -> list:
    return reassign(
        open_board_actions(partnership, from_user).select_for_update(of=("self",)),
        field="owner",
        person=to_user,
        reason=reason,
    )


BOARD_ACTIONS = HandOverKind(
    key="board_actions",
    one="board action",
    many="board actions",
    order=40,
    template="meetings/includes/_hand_over_board_actions.html",
    held=open_board_actions,
    move=open_board_actions_move,
)
