"""Writes to strategies, their priorities, strategic ambitions and sign-off that touch several rows."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max

from accounts.models import Organisation, User
from core.conflicts import lock_unchanged
from core.history import change_reason
from core.ordering import move_in_order
from core.text import in_sentence
from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy

Status = Strategy.Status

TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.CONSULTATION,),
    Status.CONSULTATION: (Status.AWAITING_SIGN_OFF, Status.DRAFT),
    Status.AWAITING_SIGN_OFF: (Status.ADOPTED, Status.CONSULTATION),
    Status.ADOPTED: (Status.CLOSED,),
    Status.CLOSED: (),
}
"""The statuses a strategy may move to from each status: one step on, or one step back before adoption."""

SIGN_OFF_STATUSES = (Status.AWAITING_SIGN_OFF, Status.ADOPTED)
"""Sign-off is recorded once the strategy is awaiting it, and late agreement after adoption."""


class AdoptionRefused(ValidationError):
    """Adoption without every responsible authority's agreement, and without a reason to override."""

    def __init__(self, not_agreed: list["SignOffRow"]):
        self.not_agreed = not_agreed
        names = ", ".join(f"{row.organisation.name} ({row.decision_label.lower()})" for row in not_agreed)
        super().__init__(
            "The strategy cannot be adopted until every responsible authority has agreed it. "
            f"Not agreed yet: {names}. Record their agreement, or give the reason for adopting it "
            "without their agreement."
        )


@dataclass(frozen=True)
class SignOffRow:
    """A responsible authority (or an organisation that once signed off) and its decision on a strategy."""

    organisation: Organisation
    sign_off: SignOff | None

    @property
    def decision(self) -> str:
        return self.sign_off.decision if self.sign_off else SignOff.Decision.PENDING

    @property
    def decision_label(self) -> str:
        return self.sign_off.get_decision_display() if self.sign_off else "No decision recorded"

    @property
    def is_agreed(self) -> bool:
        return self.decision == SignOff.Decision.AGREED


@transaction.atomic
def strategy_create(
    *,
    partnership,
    title: str,
    starts_on: date,
    ends_on: date,
    summary: str = "",
    strategic_assessment: str = "",
    local_definitions: str = "",
    reporting_rhythm: str = Strategy.ReportingRhythm.QUARTERLY,
    reporting_periods=(),
    levels: int = Strategy.Levels.THREE,
    priority_word: str = "Priority",
    ambition_word: str = "Strategic ambition",
    action_word: str = "Action",
) -> Strategy:
    """Start a strategy for a partnership as a draft, with its plan shape (levels and their words)
    and the reporting periods it reports in when its rhythm is chosen periods."""
    _check_periods_of(partnership.pk, reporting_periods)
    strategy = Strategy(
        partnership=partnership,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        status=Status.DRAFT,
        summary=summary,
        strategic_assessment=strategic_assessment,
        local_definitions=local_definitions,
        reporting_rhythm=reporting_rhythm,
        levels=levels,
        priority_word=priority_word,
        ambition_word=ambition_word,
        action_word=action_word,
    )
    strategy.full_clean()
    strategy._change_reason = "Created as a draft"
    strategy.save()
    strategy.reporting_periods.set(reporting_periods)
    return strategy


STRATEGY_DETAILS = (
    "title",
    "starts_on",
    "ends_on",
    "summary",
    "strategic_assessment",
    "local_definitions",
    "reporting_rhythm",
    "levels",
    "priority_word",
    "ambition_word",
    "action_word",
)
"""What `strategy_update` changes: the details an administrator edits, besides the chosen periods."""


@transaction.atomic
def strategy_update(
    *, strategy: Strategy, data: dict, reporting_periods, version: str, by: User | None = None
) -> Strategy:
    """Change a strategy's details (`STRATEGY_DETAILS` in `data`, others left as they are) and the
    reporting periods it reports in, recording the change in its history.

    `version` is `core.conflicts.version_of` the strategy as the form showed it: EditConflict if
    someone saved it since. A strategy becomes two-level only when no priority has more than one
    strategic ambition (a two-level plan keeps its actions under one unseen ambition per priority);
    otherwise ValidationError, and nothing changes.
    """
    saved = lock_unchanged(
        Strategy.objects.select_related("partnership").filter(pk=strategy.pk), version=version
    )
    _check_periods_of(saved.partnership_id, reporting_periods)
    was_words = saved.words
    for name in STRATEGY_DETAILS:
        if name in data:
            setattr(saved, name, data[name])
    if not saved.has_ambitions:
        _check_two_levels_fit(saved, words=was_words)
    saved.full_clean()
    periods_before = set(saved.reporting_periods.values_list("pk", flat=True))
    periods_now = {period.pk for period in reporting_periods}
    reason = "Details changed"
    if periods_now != periods_before:
        names = ", ".join(period.name for period in sorted(reporting_periods, key=lambda p: p.starts_on))
        reason += f"; reports in {names}" if names else "; no reporting periods chosen"
    if by is not None:
        saved._history_user = by
    saved._change_reason = change_reason(reason)
    saved.save()
    saved.reporting_periods.set(reporting_periods)
    return saved


def _check_periods_of(partnership_id: int, reporting_periods) -> None:
    if any(period.partnership_id != partnership_id for period in reporting_periods):
        raise ValidationError({"reporting_periods": "Choose reporting periods of this partnership."})


def _check_two_levels_fit(strategy: Strategy, *, words) -> None:
    """Refuse two levels while a priority has several strategic ambitions: their actions would have
    nowhere to go. Named in the words the strategy had, which the administrator knows it by."""
    crowded = list(
        strategy.priorities.annotate(ambition_count=Count("ambitions"))
        .filter(ambition_count__gt=1)
        .order_by("order")
    )
    if not crowded:
        return
    names = "; ".join(
        f"{priority.reference}. {priority.title} has {priority.ambition_count}" for priority in crowded
    )
    priority, ambitions = in_sentence(words.priority), in_sentence(words.ambitions)
    raise ValidationError(
        {
            "levels": f"The plan cannot have two levels while a {priority} has more than one of its "
            f"{ambitions} ({names}): a two-level plan keeps its {in_sentence(words.actions)} straight "
            f"under each {priority}. Keep three levels."
        }
    )


def sign_off_rows(strategy: Strategy) -> list[SignOffRow]:
    """Every responsible authority of the strategy's partnership with its sign-off, or None if none recorded.

    Organisations with a sign-off recorded that are no longer responsible authorities are listed too,
    so a recorded decision never disappears. Uses `strategy.sign_offs` as prefetched, if it was.
    """
    recorded = {sign_off.organisation_id: sign_off for sign_off in strategy.sign_offs.all()}
    authorities = {
        organisation.pk: organisation
        for organisation in Organisation.objects.filter(
            partnership_id=strategy.partnership_id, is_responsible_authority=True
        )
    }
    for organisation_id, sign_off in recorded.items():
        if organisation_id not in authorities:
            authorities[organisation_id] = sign_off.organisation
    return [
        SignOffRow(organisation=organisation, sign_off=recorded.get(pk))
        for pk, organisation in sorted(authorities.items(), key=lambda item: item[1].name)
    ]


def strategy_not_agreed_by(strategy: Strategy, *, rows: list[SignOffRow] | None = None) -> list[SignOffRow]:
    """The responsible authorities that have not agreed the strategy (pending, declined or not recorded),
    from its `sign_off_rows` (read now unless given)."""
    return [
        row
        for row in (sign_off_rows(strategy) if rows is None else rows)
        if row.organisation.is_responsible_authority and not row.is_agreed
    ]


@transaction.atomic
def strategy_transition(*, strategy: Strategy, to: str, by: User, reason: str = "") -> Strategy:
    """Move a strategy one step through its lifecycle, or one step back, recording why in its history.

    Allowed: draft → consultation; consultation → awaiting sign-off, or back to draft; awaiting
    sign-off → adopted, or back to consultation; adopted → closed. A closed strategy stays closed.

    Moving to awaiting sign-off creates a pending sign-off for each responsible authority that has
    none. Adoption needs every responsible authority of the partnership to have agreed; without that,
    it needs a reason, which is kept in `adoption_override_reason` and in the history. Anything else
    raises ValidationError and changes nothing.
    """
    strategy = Strategy.objects.select_for_update().select_related("partnership").get(pk=strategy.pk)
    reason = reason.strip()
    allowed = TRANSITIONS.get(strategy.status, ())
    if to not in allowed:
        raise ValidationError(transition_refusal(strategy.status, to))
    now = f"{Status(strategy.status).label} to {Status(to).label.lower()}"
    history_reason = f"{now}: {reason}" if reason else now

    if to == Status.AWAITING_SIGN_OFF:
        for row in sign_off_rows(strategy):
            if row.sign_off is None:
                sign_off = SignOff(strategy=strategy, organisation=row.organisation)
                sign_off.full_clean()
                sign_off._history_user = by
                sign_off._change_reason = "Awaiting sign-off"
                sign_off.save()
    elif to == Status.ADOPTED:
        not_agreed = strategy_not_agreed_by(strategy)
        if not_agreed and not reason:
            raise AdoptionRefused(not_agreed)
        if not_agreed:
            strategy.adoption_override_reason = reason
            names = ", ".join(row.organisation.short_name for row in not_agreed)
            history_reason = f"Adopted without the agreement of {names}: {reason}"
        else:
            strategy.adoption_override_reason = ""

    strategy.status = to
    strategy.full_clean()
    strategy._history_user = by
    strategy._change_reason = change_reason(history_reason)
    strategy.save()
    return strategy


def transition_refusal(status: str, to: str) -> str:
    """Why a strategy cannot move from `status` to `to`, saying where it can move."""
    here = Status(status).label.lower()
    allowed = TRANSITIONS.get(status, ())
    wanted = Status(to).label.lower() if to in Status.values else "that status"
    if to == status:
        return f"The strategy is already {here}."
    if not allowed:
        return f"The strategy is {here}: its status can no longer change."
    options = " or ".join(Status(option).label.lower() for option in allowed)
    return f"The strategy is {here}: it can move to {options}, not to {wanted}."


@transaction.atomic
def priority_move(*, priority: Priority, direction: str) -> Priority:
    """Move a priority up or down its strategy; references such as 2.1.3 follow the new order."""
    items = list(
        Priority.objects.select_for_update().filter(strategy_id=priority.strategy_id).order_by("order")
    )
    noun = in_sentence(priority.strategy.priority_word)
    return move_in_order(items=items, moving=priority, direction=direction, noun=noun)


@transaction.atomic
def ambition_move(*, ambition: StrategicAmbition, direction: str) -> StrategicAmbition:
    """Move a strategic ambition up or down its priority; references such as 2.1.3 follow the new order."""
    items = list(
        StrategicAmbition.objects.select_for_update()
        .filter(priority_id=ambition.priority_id)
        .select_related("priority__strategy")
        .order_by("order")
    )
    noun = in_sentence(ambition.priority.strategy.ambition_word)
    return move_in_order(items=items, moving=ambition, direction=direction, noun=noun)


@transaction.atomic
def priority_create(
    *,
    strategy: Strategy,
    title: str,
    description: str = "",
    lead: User | None = None,
    lead_organisation: Organisation | None = None,
    outcomes: str = "",
    published_reference: str = "",
) -> Priority:
    """Add a priority at the end of a strategy, with the outcomes its plan lists for it."""
    Strategy.objects.select_for_update().filter(pk=strategy.pk).exists()  # one addition at a time
    last = Priority.objects.filter(strategy=strategy).aggregate(last=Max("order"))["last"] or 0
    priority = Priority(
        strategy=strategy,
        order=last + 1,
        title=title,
        description=description,
        lead=lead,
        lead_organisation=lead_organisation,
        outcomes=outcomes,
        published_reference=published_reference,
    )
    priority.full_clean()
    priority._change_reason = "Created"
    priority.save()
    return priority


@transaction.atomic
def ambition_create(
    *, priority: Priority, title: str, strategic_plan: str = "", published_reference: str = ""
) -> StrategicAmbition:
    """Add a strategic ambition at the end of a priority. A priority of a two-level plan has one only,
    unseen (`actions_ambition_of`): a second is refused."""
    # The strategy locked first, so that it cannot become two-level meanwhile (`strategy_update`
    # locks it too), then the priority, so that two additions cannot take the same number.
    strategy = Strategy.objects.select_for_update().get(pk=priority.strategy_id)
    Priority.objects.select_for_update().filter(pk=priority.pk).exists()
    last = StrategicAmbition.objects.filter(priority=priority).aggregate(last=Max("order"))["last"] or 0
    if last and not strategy.has_ambitions:
        words = strategy.words
        raise ValidationError(
            f"{strategy.title} has two levels: its {in_sentence(words.actions)} go straight under "
            f"each {in_sentence(words.priority)}, with no {in_sentence(words.ambitions)}."
        )
    ambition = StrategicAmbition(
        priority=priority,
        order=last + 1,
        title=title,
        strategic_plan=strategic_plan,
        published_reference=published_reference,
    )
    ambition.full_clean()
    ambition._change_reason = "Created"
    ambition.save()
    return ambition


@transaction.atomic
def actions_ambition_of(priority: Priority) -> StrategicAmbition:
    """Where a two-level plan's actions sit under a priority: its one ambition, unseen on the pages
    and papers, made when the first action is added."""
    ambition = priority.ambitions.order_by("order").first()
    return ambition or ambition_create(priority=priority, title=priority.title)


@transaction.atomic
def consultation_create(
    *,
    strategy: Strategy,
    title: str,
    opens_on: date,
    closes_on: date,
    method: str = "",
    responses_received: int | None = None,
    findings: str = "",
) -> Consultation:
    """Record a public consultation on a strategy."""
    consultation = Consultation(
        strategy=strategy,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        method=method,
        responses_received=responses_received,
        findings=findings,
    )
    consultation.full_clean()
    consultation._change_reason = "Created"
    consultation.save()
    return consultation


@transaction.atomic
def sign_off_record(
    *,
    strategy: Strategy,
    organisation: Organisation,
    decision: str,
    decided_on: date | None = None,
    decided_by: str = "",
    notes: str = "",
    version: str = "",
    by: User,
) -> SignOff:
    """Record a responsible authority's decision on a strategy that is awaiting sign-off or adopted.

    `version` is `core.conflicts.version_of` the sign-off when the form was opened ("" if there was
    none); if someone recorded a decision since, raise EditConflict and change nothing. A pending
    decision has no date.
    """
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if strategy.status not in SIGN_OFF_STATUSES:
        raise ValidationError(
            f"The strategy is {strategy.get_status_display().lower()}: sign-off is recorded once it is "
            "awaiting sign-off."
        )
    sign_off = lock_unchanged(
        SignOff.objects.filter(strategy=strategy, organisation=organisation), version=version
    )
    if sign_off is None:
        sign_off = SignOff(strategy=strategy, organisation=organisation)
    is_pending = decision == SignOff.Decision.PENDING
    sign_off.decision = decision
    sign_off.decided_on = None if is_pending else decided_on
    sign_off.decided_by = "" if is_pending else decided_by
    sign_off.notes = notes
    sign_off.full_clean()
    sign_off._history_user = by
    sign_off._change_reason = change_reason(
        f"{sign_off.get_decision_display()}" + (f" by {decided_by}" if decided_by and not is_pending else "")
    )
    sign_off.save()
    return sign_off
