"""Every write of an action: adding, changing, reopening, delegates, moving, and carrying unfinished work into the next strategy.

Each goes through the one validator of actions (delivery/action_validation.py)."""

from collections.abc import Iterable
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from accounts.models import Membership, Organisation, Partnership, User
from core.conflicts import lock_unchanged
from core.history import change_reason
from core.ordering import move_in_order
from core.text import in_sentence
from core.timescales import Timescale
from delivery.action_validation import action_check, lead_organisation_default
from delivery.models import Action, Milestone, Tag
from priorities.models import Priority, StrategicAmbition, Strategy


@transaction.atomic
def action_reopen(*, action: Action, reason: str) -> Action:
    """Reopen a completed action, recording why in its history."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status != Action.Status.COMPLETED:
        raise ValidationError("Only a completed action can be reopened.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the action is being reopened."})
    action.status = Action.Status.IN_PROGRESS
    action.completed_on = None
    action._change_reason = change_reason(f"Reopened: {reason}")
    action.full_clean()
    action.save()
    return action


def action_delegate_add(*, action: Action, delegate: User, reason: str = "") -> None:
    """Let a member of the action's partnership update its progress on the owner's behalf.

    Checked by the one validator of actions; its problems are raised under "delegate".
    """
    delegates = [*action.delegates.all(), delegate]
    try:
        action_check(
            action,
            delegates=delegates,
            partner_organisations=action.partner_organisations.all(),
            kept=_people_on(action),
        )
    except ValidationError as error:
        raise ValidationError({"delegate": error.message_dict.get("delegates", error.messages)}) from error
    if reason:
        action._change_reason = change_reason(reason)
    action.delegates.add(delegate)


def action_delegate_remove(*, action: Action, delegate: User, reason: str = "") -> None:
    """Stop a delegate updating the action (removing someone never breaks the validator's rules)."""
    if reason:
        action._change_reason = change_reason(reason)
    action.delegates.remove(delegate)


ACTION_RELATED = ("delegates", "partner_organisations", "lead_partners", "tags")
SET_APART = (*ACTION_RELATED, "due_on", "due_timescale", "due_revision_reason", "tag_names")


def action_fields_set(action: Action, data: dict, *, today: date, timescale_agreed: bool = False) -> None:
    """Set the action's own fields from `data` (in memory). The due timescale is `due_on` (its last
    day, None for "Ongoing") with `due_timescale` (as written, empty for a date); a new due date with
    the reason for it revises the timescale, unless it is `timescale_agreed` (`Action.due_timescale_set`)."""
    for field, value in data.items():
        if field not in SET_APART:
            setattr(action, field, value)
    if "due_on" in data:
        action.due_timescale_set(
            Timescale(data.get("due_timescale", ""), data["due_on"]),
            reason=data.get("due_revision_reason", ""),
            today=today,
            agreed=timescale_agreed,
        )


def _action_save(
    action: Action,
    data: dict,
    *,
    kept: set[int],
    reason: str,
    by: User | None,
    timescale_agreed: bool = False,
) -> Action:
    """Set the data on the action, check it with the one validator, then save it with its people.

    `kept` are the people already on the action (or on the one it carries over), who may stay on
    it when no longer active members (see `delivery.action_validation`).
    """
    if "tag_names" in data:  # themes and places by name, as typed: new ones are made with the action
        partnership = action.ambition.priority.strategy.partnership
        data = {**data, "tags": tags_named(partnership=partnership, names=data["tag_names"])}
    action_fields_set(action, data, today=timezone.localdate(), timescale_agreed=timescale_agreed)
    existing = action.pk is not None
    lead_organisation_default(action, partial(_organisation_of, action.ambition.priority.strategy))
    related = {
        name: list(data[name] if name in data else getattr(action, name).all() if existing else [])
        for name in ACTION_RELATED
    }
    action_check(action, **related, kept=kept)
    if reason:
        action._change_reason = change_reason(reason)
    if by is not None:
        action._history_user = by
    action.full_clean()
    if not existing:
        action.save()  # it needs its key before it can have people; they follow in their own record
        _action_related_set(action, data, related)
        return action
    # The people first, unrecorded, so that the save writes one history record with everything in it.
    action.skip_history_when_saving = True
    try:
        _action_related_set(action, data, related)
    finally:
        del action.skip_history_when_saving
    action.save()
    return action


def _action_related_set(action: Action, data: dict, related: dict[str, list]) -> None:
    for name in ACTION_RELATED:
        if name in data:
            getattr(action, name).set(related[name])


def tags_named(*, partnership: Partnership, names: Iterable[str]) -> list[Tag]:
    """The partnership's themes and places with these names, made when new: one per name, whatever
    its case or spacing ("vawg" is the "VAWG" already there)."""
    wanted = {" ".join(name.split())[: Tag._meta.get_field("name").max_length] for name in names}
    wanted.discard("")
    existing = {tag.name.casefold(): tag for tag in Tag.objects.filter(partnership=partnership)}
    tags = {}
    for name in sorted(wanted):
        key = name.casefold()
        if key not in existing:  # made at once by someone else too: theirs is the one
            existing[key], _ = Tag.objects.get_or_create(partnership=partnership, name=name)
        tags[key] = existing[key]
    return list(tags.values())


def _organisation_of(strategy: Strategy, person_id: int) -> Organisation | None:
    membership = (
        Membership.objects.for_partnership(strategy.partnership_id)
        .filter(user_id=person_id)
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


def _people_on(action: Action | None) -> set[int]:
    """The owner and delegates of an action (none for no action)."""
    if action is None:
        return set()
    return {action.owner_id, *(person.pk for person in action.delegates.all())}


@transaction.atomic
def action_create(
    *,
    ambition: StrategicAmbition,
    data: dict,
    order: int | None = None,
    reason: str = "",
    by: User | None = None,
) -> Action:
    """Add an action to its strategic ambition, with its delegates and partners, if the validator agrees.

    `data` holds the action's fields by name; `delegates` and `partner_organisations` are lists.
    The action goes at the end of the ambition, or at `order` (the plan import's reference). `reason`
    and `by` are recorded in its history (a page's request records who by itself).
    """
    # Lock the ambition so that two actions added at once cannot take the same number.
    ambition = (
        StrategicAmbition.objects.select_for_update().select_related("priority__strategy").get(pk=ambition.pk)
    )
    if order is None:
        order = (ambition.actions.aggregate(last=Max("order"))["last"] or 0) + 1
    action = Action(ambition=ambition, order=order)
    kept = _people_on(data.get("carried_over_from"))
    return _action_save(action, data, kept=kept, reason=reason, by=by)


@transaction.atomic
def action_update(
    *,
    action: Action,
    data: dict,
    version: str,
    reason: str = "",
    by: User | None = None,
    timescale_agreed: bool = False,
) -> Action:
    """Change an action's details if the validator agrees, refusing a form opened before someone else's save.

    `version` is `core.conflicts.version_of` the action as the form showed it: EditConflict if
    someone saved it since. Fields not in `data` stay as they are. `reason` and `by` are recorded in
    its history. A new due date revises the timescale and needs `data["due_revision_reason"]`,
    unless `timescale_agreed` makes it the new baseline (only the demo, laid out as of another day).
    """
    saved = lock_unchanged(
        Action.objects.select_related("ambition__priority__strategy").filter(pk=action.pk), version=version
    )
    return _action_save(
        saved, data, kept=_people_on(saved), reason=reason, by=by, timescale_agreed=timescale_agreed
    )


@transaction.atomic
def action_move(*, action: Action, direction: str) -> Action:
    """Move an action up or down its strategic ambition; references such as 2.1.3 follow the new order."""
    items = list(
        Action.objects.select_for_update()
        .filter(ambition_id=action.ambition_id)
        .select_related("ambition__priority__strategy")
        .order_by("order")
    )
    noun = in_sentence(action.ambition.priority.strategy.action_word)
    return move_in_order(items=items, moving=action, direction=direction, noun=noun)


@transaction.atomic
def strategy_start_next(
    *, strategy: Strategy, title: str, starts_on: date, ends_on: date, by: User
) -> Strategy:
    """Start the draft strategy that follows this one, carrying over its structure and unfinished work.

    Copies the plan's shape and words, the priorities (with their leads and outcomes) and strategic
    ambitions, and carries every action that is not completed or cancelled into the copied ambition,
    linked to the action it continues, with its people, partners, themes, status and open milestones
    (renumbered, so without a published reference). A carried action starts
    with the new strategy and keeps its due date unless that falls before the new start; that date
    is the new plan's agreed one (the old action's record keeps any revision of it).
    """
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    followed_by = strategy.next_strategies.order_by("starts_on").first()
    if followed_by is not None:
        raise ValidationError(f"{strategy} has already been followed by {followed_by}.")
    reason = f"Started as the strategy after {strategy.title}"
    new = Strategy(
        partnership_id=strategy.partnership_id,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        status=Strategy.Status.DRAFT,
        previous_strategy=strategy,
        local_definitions=strategy.local_definitions,
        levels=strategy.levels,
        priority_word=strategy.priority_word,
        ambition_word=strategy.ambition_word,
        action_word=strategy.action_word,
        # Its own chosen periods, if it has any, are the new strategy's to choose.
        reporting_rhythm=strategy.reporting_rhythm
        if strategy.reporting_rhythm != Strategy.ReportingRhythm.CHOSEN
        else Strategy.ReportingRhythm.QUARTERLY,
    )
    _created(new, by=by, reason=reason)

    ambitions: dict[int, StrategicAmbition] = {}
    for priority in strategy.priorities.order_by("order").prefetch_related("ambitions"):
        new_priority = Priority(
            strategy=new,
            order=priority.order,
            title=priority.title,
            description=priority.description,
            outcomes=priority.outcomes,
            published_reference=priority.published_reference,
            lead_id=priority.lead_id,
            lead_organisation_id=priority.lead_organisation_id,
        )
        _created(new_priority, by=by, reason=reason)
        for ambition in priority.ambitions.all():
            ambitions[ambition.pk] = StrategicAmbition(
                priority=new_priority,
                order=ambition.order,
                title=ambition.title,
                strategic_plan=ambition.strategic_plan,
                published_reference=ambition.published_reference,
            )
            _created(ambitions[ambition.pk], by=by, reason=reason)

    unfinished = (
        Action.objects.filter(ambition__priority__strategy=strategy)
        .active()
        .select_related("ambition__priority__strategy")
        .prefetch_related(
            "delegates",
            "partner_organisations",
            "lead_partners",
            "tags",
            Prefetch(
                "milestones",
                queryset=Milestone.objects.filter(completed_on__isnull=True),
                to_attr="open_milestones",
            ),
        )
        .in_order()
    )
    numbers: dict[int, int] = {}
    for old in unfinished:
        ambition = ambitions[old.ambition_id]
        numbers[ambition.pk] = numbers.get(ambition.pk, 0) + 1
        carried = action_create(
            ambition=ambition,
            order=numbers[ambition.pk],  # renumbered 1, 2, 3 … without the finished actions
            data={
                "title": old.title,
                "description": old.description,
                "owner_id": old.owner_id,
                "lead_organisation_id": old.lead_organisation_id,
                "lead_partners": list(old.lead_partners.all()),
                "delegates": list(old.delegates.all()),
                "partner_organisations": list(old.partner_organisations.all()),
                "other_partners": old.other_partners,
                "tags": list(old.tags.all()),
                "starts_on": starts_on,
                **_carried_timescale(old, starts_on),
                "status": old.status,
                "resources": old.resources,
                "success_measure": old.success_measure,
                "carried_over_from": old,
            },
            reason=f"Carried over from {old.reference} in {strategy.title}",
            by=by,
        )
        for milestone in old.open_milestones:
            _created(
                Milestone(action=carried, title=milestone.title, due_on=milestone.due_on),
                by=by,
                reason=f"Carried over from {old.reference} in {strategy.title}",
            )
    return new


def _carried_timescale(old: Action, starts_on: date) -> dict:
    """The carried action's due timescale: the old one, or the new start if that has passed it."""
    if old.due_on is not None and old.due_on < starts_on:
        return {"due_on": starts_on}
    return {"due_on": old.due_on, "due_timescale": old.due_timescale}


def _created(instance, *, by: User, reason: str) -> None:
    """Validate and save a new row, recording who made it and why in its history."""
    instance._history_user = by
    instance._change_reason = change_reason(reason)
    instance.full_clean()
    instance.save()
