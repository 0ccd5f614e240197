"""What priorities contribute to handing over a person's work (see accounts.handover): the priorities they lead."""

from accounts.handover import HandOverKind
from accounts.models import Partnership, User
from core.history import change_reason
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
    priorities = list(led_priorities(partnership, from_user).select_for_update(of=("self",)))
    for priority in priorities:
        priority.lead = to_user
        priority._change_reason = change_reason(reason)
        priority.full_clean()
        priority.save()
    return priorities


PRIORITIES = HandOverKind(
    key="priorities",
    one="priority",
    many="priorities",
    order=10,
    template="priorities/includes/_hand_over_priorities.html",
    held=led_priorities,
    move=led_priorities_move,
)
