"""Writes that reach across priorities, the delivery plan and meetings."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Membership, Partnership, User
from delivery.models import Action
from meetings.models import BoardAction
from priorities.models import Priority, Strategy


@dataclass(frozen=True)
class HandOverSummary:
    """What a person leads and owns in a partnership, moved (or to be moved) to someone else."""

    priorities: list[Priority]
    actions: list[Action]
    delegations: list[Action]
    board_actions: list[BoardAction]

    @property
    def is_empty(self) -> bool:
        return not (self.priorities or self.actions or self.delegations or self.board_actions)

    def describe(self) -> str:
        """The counts in words, such as "1 priority, 3 actions, no delegations and 1 board action"."""
        parts = [
            _count(len(self.priorities), "priority", "priorities"),
            _count(len(self.actions), "action", "actions"),
            _count(len(self.delegations), "delegation", "delegations"),
            _count(len(self.board_actions), "board action", "board actions"),
        ]
        return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _count(n: int, one: str, many: str) -> str:
    if n == 0:
        return f"no {many}"
    return f"{n} {one if n == 1 else many}"


def _led_priorities(partnership, user):
    # A closed strategy's priorities keep the lead they had: that is the record of who led them.
    return (
        Priority.objects.filter(strategy__partnership=partnership, lead=user)
        .exclude(strategy__status=Strategy.Status.CLOSED)
        .select_related("strategy")
        .order_by("-strategy__starts_on", "order")
    )


def _owned_actions(partnership, user):
    # Completed and cancelled actions keep their owner: the record of who delivered them.
    return (
        Action.objects.for_partnership(partnership)
        .active()
        .filter(owner=user)
        .select_related("ambition__priority")
        .in_order()
    )


def _delegated_actions(partnership, user):
    return (
        Action.objects.for_partnership(partnership)
        .filter(delegates=user)
        .select_related("ambition__priority")
        .in_order()
    )


def _open_board_actions(partnership, user):
    return (
        BoardAction.objects.filter(
            meeting__partnership=partnership, owner=user, status=BoardAction.Status.OPEN
        )
        .select_related("meeting")
        .order_by("meeting__held_on", "due_on", "pk")
    )


def person_hand_over_items(*, partnership: Partnership, from_user: User) -> HandOverSummary:
    """What a hand-over would move: the person's led priorities, open actions, delegations and open board actions."""
    return HandOverSummary(
        priorities=list(_led_priorities(partnership, from_user)),
        actions=list(_owned_actions(partnership, from_user)),
        delegations=list(_delegated_actions(partnership, from_user)),
        board_actions=list(_open_board_actions(partnership, from_user)),
    )


@transaction.atomic
def person_hand_over(
    *, partnership: Partnership, from_user: User, to_user: User, by: User
) -> HandOverSummary:
    """Move everything a person leads or owns in the partnership to another active member, in one go.

    Each changed priority, action and board action records the hand-over as its history's change
    reason. Delegations move too, unless the new person already owns the action or is a delegate.
    """
    if not Membership.objects.filter(user=from_user, partnership=partnership).exists():
        raise ValidationError(f"{from_user} is not a member of this partnership.")
    if to_user.pk == from_user.pk:
        raise ValidationError({"to_user": "Choose someone other than the person handing over."})
    if not Membership.objects.filter(user=to_user, partnership=partnership, is_active=True).exists():
        raise ValidationError({"to_user": "Choose an active member of this partnership."})
    reason = f"Handed over from {from_user} to {to_user} by {by}"

    priorities = list(_led_priorities(partnership, from_user).select_for_update(of=("self",)))
    for priority in priorities:
        priority.lead = to_user
        priority._change_reason = reason
        priority.full_clean()
        priority.save()

    actions = list(
        _owned_actions(partnership, from_user).prefetch_related("delegates").select_for_update(of=("self",))
    )
    for action in actions:
        action.owner = to_user
        action._change_reason = reason
        action.full_clean()
        action.save()
        if any(delegate.pk == to_user.pk for delegate in action.delegates.all()):
            action.delegates.remove(to_user)  # an owner is never also a delegate

    delegations = list(
        _delegated_actions(partnership, from_user)
        .prefetch_related("delegates")
        .select_for_update(of=("self",))
    )
    for action in delegations:
        action._change_reason = reason
        action.delegates.remove(from_user)
        already = action.owner_id == to_user.pk or any(d.pk == to_user.pk for d in action.delegates.all())
        if not already:
            action.delegates.add(to_user)

    board_actions = list(_open_board_actions(partnership, from_user).select_for_update(of=("self",)))
    for board_action in board_actions:
        board_action.owner = to_user
        board_action._change_reason = reason
        board_action.full_clean()
        board_action.save()

    return HandOverSummary(
        priorities=priorities, actions=actions, delegations=delegations, board_actions=board_actions
    )
