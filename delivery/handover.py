"""What delivery contributes to handing over a person's work (see accounts.handover).

The open actions they own and the actions they are a delegate on, moved through the delivery
services, so the one validator of actions holds: the new owner is never also a delegate.
"""

from accounts.handover import HandOverKind
from accounts.models import Partnership, User
from core.conflicts import version_of
from delivery.models import Action
from delivery.services.actions import action_update


def owned_actions(partnership: Partnership, user: User):
    # Completed and cancelled actions keep their owner: the record of who delivered them.
    return (
        Action.objects.for_partnership(partnership)
        .active()
        .filter(owner=user)
        .select_related("ambition__priority__strategy")
        .in_order()
    )


def delegated_actions(partnership: Partnership, user: User):
    return (
        Action.objects.for_partnership(partnership)
        .filter(delegates=user)
        .select_related("ambition__priority__strategy")
        .in_order()
    )


def owned_actions_move(*, partnership: Partnership, from_user: User, to_user: User, reason: str) -> list:
    """Make the new person the owner; they stop being a delegate on an action they now own.

    Owner and delegates change in one `action_update`, so each action's history gains one record.
    """
    actions = list(
        owned_actions(partnership, from_user).prefetch_related("delegates").select_for_update(of=("self",))
    )
    moved = []
    for action in actions:
        delegates = [person for person in action.delegates.all() if person.pk != to_user.pk]
        data = {"owner": to_user}
        if len(delegates) < len(action.delegates.all()):
            data["delegates"] = delegates
        moved.append(action_update(action=action, data=data, version=version_of(action), reason=reason))
    return moved


def delegated_actions_move(*, partnership: Partnership, from_user: User, to_user: User, reason: str) -> list:
    """The new person becomes a delegate in the old one's place, unless they already own or help with it.

    One `action_update` per action, so its history gains one record, not one for leaving and one for joining.
    """
    actions = list(
        delegated_actions(partnership, from_user)
        .prefetch_related("delegates")
        .select_for_update(of=("self",))
    )
    moved = []
    for action in actions:
        delegates = [person for person in action.delegates.all() if person.pk != from_user.pk]
        if action.owner_id != to_user.pk and all(person.pk != to_user.pk for person in delegates):
            delegates.append(to_user)
        data = {"delegates": delegates}
        moved.append(action_update(action=action, data=data, version=version_of(action), reason=reason))
    return moved


ACTIONS = HandOverKind(
    key="actions",
    one="action",
    many="actions",
    order=20,
    template="delivery/includes/_hand_over_actions.html",
    held=owned_actions,
    move=owned_actions_move,
)
DELEGATIONS = HandOverKind(
    key="delegations",
    one="delegation",
    many="delegations",
    order=30,
    template="delivery/includes/_hand_over_delegations.html",
    held=delegated_actions,
    move=delegated_actions_move,
)
