"""The one set of rules every write of an action keeps, whoever writes it.

An action is written by its administrators' form, the plan import, "Start next strategy", the
hand-over and the delegates page, all through `delivery.services`, and every one of those writes is
checked here first:

- its owner and delegates are active members of the partnership. Only the people a write puts on
  the action are checked: someone already on it (or on the action it carries over) keeps their
  place when they leave, as the record of who did the work, until their work is handed over;
- its owner is never also a delegate (the owner can already update it);
- someone answers for its returns: its owner (the lead officer), else its lead organisation's
  nominated contact;
- it has a lead organisation, and its lead and partner organisations are the partnership's own (a
  lead partner is not the lead organisation again);
- its dates are coherent: due on or after the start, and a completion date, not in the future,
  only when it is completed (an imported plan may not say when; the form asks for it);
- a revised due date has its reason (`Action.due_timescale_set` keeps the date first agreed and when it was revised);
- its reference follows its order: a number from 1 within its strategic ambition (no two actions
  of an ambition share one: the model's unique constraint, checked by `full_clean`), and no other
  action of the strategy shows the same reference, published or derived (`action_check` only: it
  reads the strategy's other actions).

`action_problems` checks values in memory against the partnership's active members given to it, so
the plan import checks thousands of rows against the members it loaded once; `action_check` looks
the members up and raises the problems as a ValidationError keyed by the action's field names.
"""

from collections.abc import Callable, Collection, Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from delivery.models import Action, Tag

OWNER_IS_DELEGATE = "The owner can already update the action: do not make them a delegate too"


def action_problems(
    action: Action,
    *,
    delegates: Iterable[User],
    partner_organisations: Iterable[Organisation],
    lead_partners: Iterable[Organisation] = (),
    tags: Iterable[Tag] = (),
    partnership_id: int,
    members: Collection[int],
    kept: Collection[int] = (),
) -> dict[str, str]:
    """What is wrong with the action as it would be saved, by field name; empty when nothing is.

    `members` holds the ids of the active members of the partnership (`partnership_id`) and `kept`
    those of the people already on the action. A field left empty (None) is not checked here:
    `full_clean` asks for it.
    """
    problems = {}
    if action.order is None or action.order < 1:
        problems["order"] = "An action's number within its strategic ambition starts at 1"
    if action.owner_id is not None and action.owner_id not in members and action.owner_id not in kept:
        problems["owner"] = "Choose an active member of this partnership"
    elif (
        action.owner_id is None
        and action.lead_organisation is not None
        and action.lead_organisation.nominated_contact_id is None
    ):
        problems["owner"] = (
            f"Name a lead officer, or first give {action.lead_organisation.name} a nominated contact "
            "on the Organisations page: someone must answer for the returns"
        )
    delegate_ids = [person.pk for person in delegates]
    if any(pk not in members and pk not in kept for pk in delegate_ids):
        problems["delegates"] = "Choose active members of this partnership"
    elif action.owner_id is not None and action.owner_id in delegate_ids:
        problems["delegates"] = OWNER_IS_DELEGATE
    if any(o.partnership_id != partnership_id for o in partner_organisations):
        problems["partner_organisations"] = "Choose organisations of this partnership"
    lead = action.lead_organisation
    if lead is None:
        problems["lead_organisation"] = "Choose the organisation that leads the action"
    elif lead.partnership_id != partnership_id:
        problems["lead_organisation"] = "Choose an organisation of this partnership"
    lead_partners = list(lead_partners)
    if any(o.partnership_id != partnership_id for o in lead_partners):
        problems["lead_partners"] = "Choose organisations of this partnership"
    elif lead is not None and any(o.pk == lead.pk for o in lead_partners):
        problems["lead_partners"] = "The lead organisation is already a lead: do not choose it again"
    if any(tag.partnership_id != partnership_id for tag in tags):
        problems["tags"] = "Choose themes and places of this partnership"
    if action.starts_on and action.due_on and action.due_on < action.starts_on:
        problems["due_on"] = "The due date must be on or after the start date"
    if action.due_revised_on is not None and not action.due_revision_reason.strip():
        problems["due_revision_reason"] = "Say why the due date is changing"
    if action.status == Action.Status.COMPLETED:
        if action.completed_on is not None and action.completed_on > timezone.localdate():
            problems["completed_on"] = "The date completed must be today or in the past"
    elif action.completed_on is not None:
        problems["completed_on"] = "Only a completed action has a date completed"
    return problems


def lead_organisation_default(action: Action, organisation_of: Callable[[int], Organisation | None]) -> None:
    """A plan that names no lead agency is led by the lead officer's organisation in the partnership
    (`organisation_of` a person's id), as every writer of an action agrees."""
    if action.lead_organisation_id is None and action.owner_id is not None:
        action.lead_organisation = organisation_of(action.owner_id)


def action_check(
    action: Action,
    *,
    delegates: Iterable[User],
    partner_organisations: Iterable[Organisation],
    lead_partners: Iterable[Organisation] = (),
    tags: Iterable[Tag] = (),
    kept: Collection[int] = (),
) -> None:
    """Raise the action's problems (see `action_problems`) as one ValidationError, if it has any."""
    delegates, partner_organisations = list(delegates), list(partner_organisations)
    partnership_id = action.ambition.priority.strategy.partnership_id
    people = {pk for pk in [action.owner_id, *(d.pk for d in delegates)] if pk is not None}
    members = set(
        Membership.objects.active()
        .for_partnership(partnership_id)
        .filter(user__in=people - set(kept))
        .values_list("user", flat=True)
    )
    problems = action_problems(
        action,
        delegates=delegates,
        partner_organisations=partner_organisations,
        lead_partners=lead_partners,
        tags=tags,
        partnership_id=partnership_id,
        members=members,
        kept=kept,
    )
    if "order" not in problems and reference_shown_elsewhere(action):
        problems["published_reference"] = (
            f"Another action of this strategy is already numbered {action.reference}: give a "
            "published reference of its own"
        )
    if problems:
        raise ValidationError(problems)


def reference_shown_elsewhere(action: Action) -> bool:
    """Whether another action of the strategy already shows the reference this one would show: its
    published reference, or the number its order gives when it has none (two queries at most)."""
    strategy = action.ambition.priority.strategy
    others = Action.objects.filter(ambition__priority__strategy=strategy).exclude(pk=action.pk)
    if others.filter(published_reference=action.reference).exists():
        return True
    numbers = action.published_reference.split(".")
    if not all(n.isascii() and n.isdigit() for n in numbers) or len(numbers) != strategy.levels:
        return False  # not in the strategy's own numbering: no derived reference can be the same
    orders = {"ambition__priority__order": int(numbers[0]), "order": int(numbers[-1])}
    if strategy.has_ambitions:
        orders["ambition__order"] = int(numbers[1])
    return others.filter(published_reference="", **orders).exists()
