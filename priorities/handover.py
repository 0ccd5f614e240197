"""What priorities contribute to handing over a person's work (see accounts.handover): the priorities they lead."""

from accounts.handover import HandOverKind, reassign
from accounts.models import Partnership, User
from priorities.models import Priority, Strategy


def led_priorities(partnership: Partnership, user: User):
    # A closed strategy's priorities keep the lead they had: that is the record of who led them.
    return (
        Priority.objects.filter(strategy__partnership=partnership, lead=user)
        .exclude(strategy__status=Strategy.Status.CLOSED)
        .select_related("strategy")
        .order_by("-strategy__starts_on", "order")
    )


def led_priorities_move(*, partnership: Partnership, from_user: User, to_user: User, reason: str) -> list:
    """Make the new person the lead of each priority; each priority's lead organisation stays."""
    return reassign(
        led_priorities(partnership, from_user).select_for_update(of=("self",)),
        field="lead",
        person=to_user,
        reason=reason,
    )


PRIORITIES = HandOverKind(
    key="priorities",
    one="priority",
    many="priorities",
    order=10,
    template="priorities/includes/_hand_over_priorities.html",
    held=led_priorities,
    move=led_priorities_move,
)
