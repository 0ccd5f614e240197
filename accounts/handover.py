"""Handing over a person's work in a partnership to another member: what each app contributes.

Handing over is people administration, so it lives here; but the work itself (priorities led,
actions owned and helped with, board actions) belongs to apps that depend on accounts, never the
other way round (decision record 0014). So each of those apps registers the kinds of work it hands
over from its AppConfig.ready(), and the hand-over page and service ask this registry:

- `HandOverKind.held(partnership, user)` lists what the person holds of that kind (a queryset);
- `HandOverKind.move(partnership, from_user, to_user, reason)` moves it, through the app's own
  services, inside the hand-over's one transaction, and returns what it moved;
- `HandOverKind.template` shows the kind's part of the page, given `held` and `partnership`.

Kinds are shown and handed over in `order`; an app that is not installed simply contributes nothing.
Accounts contributes one kind itself: the organisations the person is the nominated contact for.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Membership, Organisation, Partnership, User
from core.history import change_reason
from core.text import count_of


@dataclass(frozen=True)
class HandOverKind:
    """One kind of work a person can hold in a partnership, contributed by the app that owns it."""

    key: str  # such as "actions"; also the name the page's template knows the list by
    one: str  # "action", in the summary's words
    many: str  # "actions"
    order: int
    template: str
    held: Callable[[Partnership, User], object]
    move: Callable[..., list]


_kinds: dict[str, HandOverKind] = {}


def hand_over_register(kind: HandOverKind) -> None:
    """Add a kind of work to the hand-over (from an AppConfig.ready(); registering again replaces it)."""
    _kinds[kind.key] = kind


def hand_over_kinds() -> list[HandOverKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.order)


@dataclass(frozen=True)
class HandOverPart:
    kind: HandOverKind
    items: list


@dataclass(frozen=True)
class HandOverSummary:
    """What a person holds in a partnership, moved (or to be moved) to someone else, kind by kind."""

    parts: list[HandOverPart]

    def __getitem__(self, key: str) -> list:
        """The items of one kind, such as `summary["actions"]`."""
        for part in self.parts:
            if part.kind.key == key:
                return part.items
        raise KeyError(key)

    @property
    def is_empty(self) -> bool:
        return not any(part.items for part in self.parts)

    def describe(self) -> str:
        """The counts in words, such as "1 priority, 3 actions, no delegations and 1 board action"."""
        counts = [
            count_of(len(part.items), part.kind.one, part.kind.many, none_as_no=True) for part in self.parts
        ]
        if len(counts) < 2:
            return "".join(counts) or "nothing"
        return f"{', '.join(counts[:-1])} and {counts[-1]}"


def reassign(records, *, field: str, person: User, reason: str) -> list:
    """Give each record (locked by the caller's query) to the person, recording the hand-over as its
    change reason; for the kinds whose app has no service of its own for the change."""
    records = list(records)
    for record in records:
        setattr(record, field, person)
        record._change_reason = change_reason(reason)
        record.full_clean()
        record.save()
    return records


def person_hand_over_items(*, partnership: Partnership, from_user: User) -> HandOverSummary:
    """What a hand-over would move: everything the person holds, of every registered kind."""
    return HandOverSummary(
        [HandOverPart(kind, list(kind.held(partnership, from_user))) for kind in hand_over_kinds()]
    )


@transaction.atomic
def person_hand_over(
    *, partnership: Partnership, from_user: User, to_user: User, by: User
) -> HandOverSummary:
    """Move everything a person holds in the partnership to another active member, in one go.

    Each changed record gives the hand-over as its history's change reason.
    """
    if not Membership.objects.for_partnership(partnership).filter(user=from_user).exists():
        raise ValidationError(f"{from_user} is not a member of this partnership.")
    if to_user.pk == from_user.pk:
        raise ValidationError({"to_user": "Choose someone other than the person handing over."})
    if not Membership.objects.active().for_partnership(partnership).filter(user=to_user).exists():
        raise ValidationError({"to_user": "Choose an active member of this partnership."})
    reason = f"Handed over from {from_user} to {to_user} by {by}"
    return HandOverSummary(
        [
            HandOverPart(
                kind,
                kind.move(partnership=partnership, from_user=from_user, to_user=to_user, reason=reason),
            )
            for kind in hand_over_kinds()
        ]
    )


def nominations_held(partnership: Partnership, user: User):
    return Organisation.objects.filter(partnership=partnership, nominated_contact=user)


def nominations_move(*, partnership: Partnership, from_user: User, to_user: User, reason: str) -> list:
    """Make the new person the nominated contact of each organisation the leaver answered for."""
    return reassign(
        nominations_held(partnership, from_user).select_for_update(),
        field="nominated_contact",
        person=to_user,
        reason=reason,
    )


NOMINATIONS = HandOverKind(
    key="nominations",
    one="nominated contact",
    many="nominated contacts",
    order=50,
    template="accounts/includes/_hand_over_nominations.html",
    held=nominations_held,
    move=nominations_move,
)
