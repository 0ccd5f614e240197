"""Writes to the delivery plan that touch several rows or must not be lost."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Partnership, User
from core.ratings import Rating
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod, UpdateReminder
from priorities.models import Priority, StrategicAmbition, Strategy

UPDATE_FIELDS = (
    "rating",
    "percent_complete",
    "narrative",
    "issues_and_risks",
    "mitigation",
    "board_ask",
    "is_exceptional_performance",
    "exceptional_performance_reason",
)


class ProgressUpdateConflict(Exception):
    """Someone saved the update after the form was opened; the saved update is kept as it is."""

    def __init__(self, saved: ProgressUpdate | None):
        super().__init__("The progress update was changed by someone else.")
        self.saved = saved


def progress_update_initial(*, action: Action, period: ReportingPeriod) -> ProgressUpdate:
    """The update to edit: this period's if there is one, else a new one carrying % complete forward."""
    saved = action.progress_updates.filter(period=period).first()
    if saved is not None:
        return saved
    previous = (
        action.progress_updates.filter(period__starts_on__lt=period.starts_on)
        .order_by("-period__starts_on")
        .first()
    )
    return ProgressUpdate(
        action=action,
        period=period,
        version=0,
        rating="",  # no answer chosen for the person
        percent_complete=previous.percent_complete if previous else 0,
    )


@transaction.atomic
def progress_update_save(
    *,
    action: Action,
    period: ReportingPeriod,
    author: User,
    data: dict,
    version: int,
    submit: bool,
    milestones_completed: dict[int, date | None] | None = None,
) -> ProgressUpdate:
    """Save a draft of, or submit, an action's update for an open period, refusing a stale form.

    `version` is the version of the update the form was opened on (0 if there was none). A form
    opened on an older version raises ProgressUpdateConflict and changes nothing, unless it
    carries exactly what is already saved (a repeated click), which returns the saved update.
    """
    action = Action.objects.select_for_update().get(pk=action.pk)
    period = ReportingPeriod.objects.get(pk=period.pk)
    if not period.is_open:
        raise ValidationError(f"{period} is locked: its updates can no longer be changed.")
    saved = ProgressUpdate.objects.filter(action=action, period=period).first()
    saved_version = saved.version if saved else 0
    if version != saved_version:
        if saved is not None and _holds(saved, data) and (saved.is_submitted or not submit):
            return saved
        raise ProgressUpdateConflict(saved)
    if action.status == Action.Status.COMPLETED and data["rating"] != Rating.BLUE:
        raise ValidationError(
            {"rating": "This action is completed. Reopen it first to give it another rating."}
        )

    update = saved or ProgressUpdate(action=action, period=period)
    for field in UPDATE_FIELDS:
        setattr(update, field, data[field])
    update.author = author
    update.version = saved_version + 1
    if submit and update.submitted_at is None:
        update.submitted_at = timezone.now()
    update.full_clean()
    update.save()

    _milestones_complete(action=action, completed=milestones_completed or {})
    if update.is_submitted:
        _action_status_follow(action=action, update=update)
    return update


def _holds(saved: ProgressUpdate, data: dict) -> bool:
    return all(getattr(saved, field) == data[field] for field in UPDATE_FIELDS)


def _milestones_complete(*, action: Action, completed: dict[int, date | None]) -> None:
    for milestone in Milestone.objects.filter(action=action, pk__in=completed):
        if milestone.completed_on != completed[milestone.pk]:
            milestone.completed_on = completed[milestone.pk]
            milestone.full_clean()
            milestone.save(update_fields=["completed_on", "updated_at"])


def _action_status_follow(*, action: Action, update: ProgressUpdate) -> None:
    """A blue rating completes the action; a first rated update starts it."""
    if update.rating == Rating.BLUE and action.status != Action.Status.COMPLETED:
        action.status = Action.Status.COMPLETED
        action.completed_on = timezone.localdate()
    elif action.status == Action.Status.NOT_STARTED and update.rating in (
        Rating.RED,
        Rating.AMBER,
        Rating.GREEN,
    ):
        action.status = Action.Status.IN_PROGRESS
    else:
        return
    action._change_reason = f"Progress update for {update.period}"
    action.full_clean()
    action.save()


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
    action._change_reason = f"Reopened: {reason.strip()}"
    action.full_clean()
    action.save()
    return action


def action_delegate_add(*, action: Action, delegate: User) -> None:
    """Let a member of the action's partnership update its progress on the owner's behalf."""
    if not Membership.objects.filter(user=delegate, partnership=action.partnership, is_active=True).exists():
        raise ValidationError({"delegate": "Choose a member of this partnership."})
    if delegate.pk == action.owner_id:
        raise ValidationError({"delegate": "The owner can already update this action."})
    action.delegates.add(delegate)


def action_delegate_remove(*, action: Action, delegate: User) -> None:
    """Stop a delegate updating the action."""
    action.delegates.remove(delegate)


# Update reminders ---------------------------------------------------------------------------------
#
# `manage.py send_update_reminders` runs these once a day. A person is reminded about every action
# they own that still owes a submitted update for an open reporting period whose deadline is a set
# number of days away (or past), in one email across all their partnerships, at most once a day.

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodUpdatesDue:
    """The actions one person still owes a submitted progress update on, for one open period."""

    period: ReportingPeriod
    actions: list[Action]  # annotated by `with_update_for(period)`

    def is_late(self, today: date) -> bool:
        return self.period.is_past_deadline(today)


@dataclass(frozen=True)
class UpdatesDue:
    """Everything one person is to be reminded about today, across their partnerships."""

    recipient: User
    periods: list[PeriodUpdatesDue]

    @property
    def action_count(self) -> int:
        return sum(len(due.actions) for due in self.periods)


class UpdateRemindersNotSent(Exception):
    """Some reminders could not be sent; everyone else's were sent and recorded."""

    def __init__(self, *, reminders: list[UpdateReminder], failures: list[tuple[User, Exception]]):
        names = ", ".join(str(recipient) for recipient, _ in failures)
        super().__init__(f"Could not send {len(failures)} update reminder(s): {names}.")
        self.reminders = reminders
        self.failures = failures


def update_reminder_periods(
    *, today: date, days_before: list[int], days_after: list[int]
) -> list[ReportingPeriod]:
    """The open reporting periods, of any partnership, whose update deadline is a reminder day today."""
    deadlines = {today + timedelta(days=d) for d in days_before} | {
        today - timedelta(days=d) for d in days_after
    }
    return list(
        ReportingPeriod.objects.open()
        .filter(update_deadline__in=deadlines)
        .select_related("partnership")
        .order_by("update_deadline", "partnership__name", "name")
    )


def update_reminders_due(*, periods: Iterable[ReportingPeriod], today: date) -> list[UpdatesDue]:
    """Who would be reminded today, about which actions: owners with updates not yet submitted.

    Only periods still open count. An action is due when it is expected to report for the period
    and has no submitted update (a saved draft is still due). The owner is reminded only while an
    active member of the action's partnership with an email address, and not if they have
    already been reminded today about anything.
    """
    periods = list(
        ReportingPeriod.objects.open()
        .filter(pk__in=[period.pk for period in periods])
        .select_related("partnership")
        .order_by("update_deadline", "partnership__name", "name")
    )
    reminded_today = UpdateReminder.objects.filter(sent_on=today).values("recipient")
    by_recipient: dict[int, UpdatesDue] = {}
    for period in periods:
        actions = (
            Action.objects.for_partnership(period.partnership)
            .expected_to_report(period)
            .with_update_for(period)
            .filter(period_update_submitted_at__isnull=True)
            .filter(
                Exists(
                    Membership.objects.filter(
                        user=OuterRef("owner"), partnership=period.partnership, is_active=True
                    )
                )
            )
            .filter(owner__is_active=True)
            .exclude(owner__email="")
            .exclude(owner__in=reminded_today)
            .select_related("owner", "ambition__priority")
            .in_order()
        )
        for_period: dict[int, list[Action]] = {}
        for action in actions:
            for_period.setdefault(action.owner_id, []).append(action)
        for owner_id, owned in for_period.items():
            due = by_recipient.setdefault(owner_id, UpdatesDue(recipient=owned[0].owner, periods=[]))
            due.periods.append(PeriodUpdatesDue(period=period, actions=owned))
    return sorted(
        by_recipient.values(),
        key=lambda due: (due.recipient.last_name, due.recipient.first_name, due.recipient.pk),
    )


def update_reminders_send(*, periods: Iterable[ReportingPeriod], today: date) -> list[UpdateReminder]:
    """Email each person who owes updates for the periods once, and record who was reminded.

    A reminder is recorded, one per person per period, only once that person's email has gone.
    A failure to email one person is logged and the others are still sent; when any failed,
    UpdateRemindersNotSent is raised at the end, carrying the reminders that were recorded.
    """
    # Deliberately not one transaction: each person's reminder is committed as soon as their
    # email has gone, so a later failure cannot erase the record of an email already sent.
    reminders: list[UpdateReminder] = []
    failures: list[tuple[User, Exception]] = []
    for due in update_reminders_due(periods=periods, today=today):
        try:
            _update_reminder_email(due=due, today=today).send()
        except Exception as error:
            logger.exception("Could not email user %s their update reminder", due.recipient.pk)
            failures.append((due.recipient, error))
            continue
        reminders.extend(_update_reminders_record(due=due, today=today))
    if failures:
        raise UpdateRemindersNotSent(reminders=reminders, failures=failures)
    return reminders


@transaction.atomic
def _update_reminders_record(*, due: UpdatesDue, today: date) -> list[UpdateReminder]:
    sent_at = timezone.now()
    reminders = []
    for period_due in due.periods:
        reminder = UpdateReminder.objects.create(
            recipient=due.recipient, period=period_due.period, sent_on=today, sent_at=sent_at
        )
        reminder.actions.add(*period_due.actions)
        reminders.append(reminder)
    return reminders


def _update_reminder_email(*, due: UpdatesDue, today: date) -> EmailMultiAlternatives:
    """The reminder email, with a plain-text and an HTML part and a direct link to each update."""
    periods = []
    for period_due in due.periods:
        slug = period_due.period.partnership.slug
        periods.append(
            {
                "period": period_due.period,
                "partnership": period_due.period.partnership,
                "is_late": period_due.is_late(today),
                "my_actions_url": settings.SITE_URL + reverse("delivery:my_actions", kwargs={"slug": slug}),
                "actions": [
                    {
                        "reference": action.reference,
                        "title": action.title,
                        "has_draft": action.period_update_exists,
                        "url": settings.SITE_URL
                        + reverse("delivery:progress_update", kwargs={"slug": slug, "pk": action.pk}),
                    }
                    for action in period_due.actions
                ],
            }
        )
    context = {
        "recipient": due.recipient,
        "name": due.recipient.get_full_name() or due.recipient.username,
        "periods": periods,
        "action_count": due.action_count,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "SITE_URL": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=_update_reminder_subject(due=due, today=today),
        body=render_to_string("delivery/email/update_reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[due.recipient.email],
    )
    message.attach_alternative(render_to_string("delivery/email/update_reminder.html", context), "text/html")
    return message


def _update_reminder_subject(*, due: UpdatesDue, today: date) -> str:
    """Such as "Progress updates due by 21 December 2026: Safer Bromley Partnership"."""
    names = list(dict.fromkeys(period_due.period.partnership.name for period_due in due.periods))
    partnerships = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    if any(period_due.is_late(today) for period_due in due.periods):
        return f"Progress updates are late: {partnerships}"
    deadline = min(period_due.period.update_deadline for period_due in due.periods)
    return f"Progress updates due by {deadline.day} {deadline:%B %Y}: {partnerships}"


# Partnership administration -----------------------------------------------------------------------
#
# Reporting periods, the delivery plan's actions and milestones, and starting the next strategy.
# Only partnership administrators reach these (see delivery/rules.py).


def _financial_year_quarters(year: int) -> list[tuple[str, date, date]]:
    """The four quarters of the UK financial year that starts in April of `year`: name, start, end."""
    label = f"{year}/{(year + 1) % 100:02d}"
    starts = [
        date(year, 4, 1),
        date(year, 7, 1),
        date(year, 10, 1),
        date(year + 1, 1, 1),
        date(year + 1, 4, 1),
    ]
    return [(f"Q{n} {label}", starts[n - 1], starts[n] - timedelta(days=1)) for n in range(1, 5)]


@transaction.atomic
def reporting_periods_create_year(
    *, partnership: Partnership, year: int, days_to_deadline: int
) -> list[ReportingPeriod]:
    """Create the quarterly reporting periods of a financial year (April to March) that it lacks, as upcoming.

    A quarter that already exists exactly (same name and dates) is left as it is, so a year that is
    partly there is completed. Nothing is created when any other quarter would share its name with,
    or overlap the dates of, one of the partnership's existing periods, or when every quarter exists.
    """
    if days_to_deadline < 0:
        raise ValidationError({"days_to_deadline": "Enter 0 or more days."})
    # Serialise concurrent requests for the same partnership, so the clash check below holds.
    Partnership.objects.select_for_update().get(pk=partnership.pk)
    quarters = _financial_year_quarters(year)
    existing = list(
        ReportingPeriod.objects.for_partnership(partnership)
        .filter(
            Q(name__in=[name for name, _, _ in quarters])
            | Q(starts_on__lte=quarters[-1][2], ends_on__gte=quarters[0][1])
        )
        .order_by("starts_on")
    )
    already = {(p.name, p.starts_on, p.ends_on) for p in existing}
    quarters = [quarter for quarter in quarters if quarter not in already]
    if not quarters:
        raise ValidationError({"year": "Every quarter of this financial year already exists."})
    clashes = [
        f"{name} clashes with the existing period {other.name} "
        f"({other.starts_on:%-d %B %Y} to {other.ends_on:%-d %B %Y})."
        for name, starts_on, ends_on in quarters
        for other in existing
        if other.name == name or (other.starts_on <= ends_on and other.ends_on >= starts_on)
    ]
    if clashes:
        raise ValidationError({"year": clashes})
    periods = []
    for name, starts_on, ends_on in quarters:
        period = ReportingPeriod(
            partnership=partnership,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            update_deadline=ends_on + timedelta(days=days_to_deadline),
            state=ReportingPeriod.State.UPCOMING,
        )
        period.full_clean()
        period.save()
        periods.append(period)
    return periods


# The history's change reason is a CharField of this length (django-simple-history's default).
CHANGE_REASON_LENGTH = 100


def _change_reason(text: str) -> str:
    """The text shortened to fit a history record's change reason."""
    return text if len(text) <= CHANGE_REASON_LENGTH else text[: CHANGE_REASON_LENGTH - 1] + "…"


# (from, to) -> what the change is called, in messages.
REPORTING_PERIOD_TRANSITIONS = {
    (ReportingPeriod.State.UPCOMING, ReportingPeriod.State.OPEN): "opened for updates",
    (ReportingPeriod.State.OPEN, ReportingPeriod.State.LOCKED): "locked",
    (ReportingPeriod.State.LOCKED, ReportingPeriod.State.OPEN): "unlocked",
}


@transaction.atomic
def reporting_period_transition(*, period: ReportingPeriod, to: str, reason: str = "") -> ReportingPeriod:
    """Open a period for updates, lock it, or unlock it, keeping the reason in its history.

    Locking freezes the period's progress updates. Unlocking needs a reason.
    """
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if to not in ReportingPeriod.State.values:
        raise ValidationError(f"{to!r} is not a state of a reporting period.")
    to = ReportingPeriod.State(to)
    change = REPORTING_PERIOD_TRANSITIONS.get((period.state, to))
    if change is None:
        raise ValidationError(
            f"{period} is {period.get_state_display().lower()}: "
            f"it cannot be made {to.label.lower()} from there."
        )
    reason = reason.strip()
    if change == "unlocked" and not reason:
        raise ValidationError({"reason": "Say why the period is being unlocked."})
    if len(reason) > CHANGE_REASON_LENGTH:
        raise ValidationError({"reason": f"The reason must be {CHANGE_REASON_LENGTH} characters or fewer."})
    period.state = to
    period._change_reason = reason or None
    period.full_clean()
    period.save()
    return period


def update_reminder_owners(*, period: ReportingPeriod, today: date) -> list[User]:
    """Everyone who still owes a submitted update for the period, as the reminders see them.

    Each person is annotated `is_reminded_today` (reminded about anything today, so not again) and
    `is_member` (an active member of the period's partnership); `can_be_emailed` needs both the
    membership and an email address on an active account.
    """
    owing = (
        Action.objects.for_partnership(period.partnership)
        .expected_to_report(period)
        .with_update_for(period)
        .filter(period_update_submitted_at__isnull=True)
        .values("owner")
    )
    people = list(
        User.objects.filter(pk__in=owing)
        .annotate(
            is_reminded_today=Exists(UpdateReminder.objects.filter(recipient=OuterRef("pk"), sent_on=today)),
            is_member=Exists(
                Membership.objects.filter(user=OuterRef("pk"), partnership=period.partnership, is_active=True)
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )
    for person in people:
        person.can_be_emailed = bool(person.is_member and person.is_active and person.email)
    return people


ACTION_RELATED = ("delegates", "partner_organisations")


class ActionChangedElsewhere(Exception):
    """Someone saved the action after the form was opened; nothing was changed."""

    def __init__(self, saved: Action):
        super().__init__("The action was changed by someone else.")
        self.saved = saved


def action_version(action: Action) -> str:
    """A token for the action as last saved, carried by its edit form to detect a later save."""
    return action.updated_at.isoformat()


def _action_people_check(*, partnership: Partnership, data: dict) -> None:
    """The owner and delegates are active members, and the partners organisations, of the partnership."""
    owner, delegates = data.get("owner"), list(data.get("delegates", []))
    people = {person.pk for person in [owner, *delegates] if person is not None}
    members = set(
        Membership.objects.filter(user__in=people, partnership=partnership, is_active=True).values_list(
            "user", flat=True
        )
    )
    errors = {}
    if owner is not None and owner.pk not in members:
        errors["owner"] = "Choose an active member of this partnership."
    if any(person.pk not in members for person in delegates):
        errors["delegates"] = "Choose active members of this partnership."
    elif owner in delegates:
        errors["delegates"] = "The owner can already update the action: do not make them a delegate too."
    if any(o.partnership_id != partnership.pk for o in data.get("partner_organisations", [])):
        errors["partner_organisations"] = "Choose organisations of this partnership."
    if errors:
        raise ValidationError(errors)


def _action_fields_set(action: Action, data: dict) -> None:
    for field, value in data.items():
        if field not in ACTION_RELATED:
            setattr(action, field, value)


@transaction.atomic
def action_create(*, ambition: StrategicAmbition, data: dict) -> Action:
    """Add an action at the end of its strategic ambition, with its delegates and partners.

    `data` holds the action's fields by name; `delegates` and `partner_organisations` are lists.
    """
    # Lock the ambition so that two actions added at once cannot take the same number.
    ambition = (
        StrategicAmbition.objects.select_for_update().select_related("priority__strategy").get(pk=ambition.pk)
    )
    _action_people_check(partnership=ambition.priority.strategy.partnership, data=data)
    last = ambition.actions.aggregate(last=Max("order"))["last"] or 0
    action = Action(ambition=ambition, order=last + 1)
    _action_fields_set(action, data)
    action.full_clean()
    action.save()
    action.delegates.set(data.get("delegates", []))
    action.partner_organisations.set(data.get("partner_organisations", []))
    return action


@transaction.atomic
def action_update(*, action: Action, data: dict, version: str) -> Action:
    """Change an action's details, refusing a form opened before someone else's save.

    `version` is `action_version()` of the action as the form showed it.
    """
    saved = (
        Action.objects.select_for_update().select_related("ambition__priority__strategy").get(pk=action.pk)
    )
    if action_version(saved) != version:
        raise ActionChangedElsewhere(saved)
    _action_people_check(partnership=saved.ambition.priority.strategy.partnership, data=data)
    _action_fields_set(saved, data)
    saved.full_clean()
    saved.save()
    if "delegates" in data:
        saved.delegates.set(data["delegates"])
    if "partner_organisations" in data:
        saved.partner_organisations.set(data["partner_organisations"])
    return saved


@transaction.atomic
def action_move(*, action: Action, direction: str) -> Action:
    """Swap the action with the one above ("up") or below ("down") it in its strategic ambition."""
    if direction not in ("up", "down"):
        raise ValidationError("Choose whether to move the action up or down.")
    siblings = list(
        Action.objects.select_for_update().filter(ambition_id=action.ambition_id).order_by("order")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == action.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(siblings):
        raise ValidationError(
            f"The action is already {'first' if direction == 'up' else 'last'} in its strategic ambition."
        )
    moving, other = siblings[index], siblings[other_index]
    moving_order, other_order = moving.order, other.order
    # UNIQUE(ambition, order) is checked row by row, so park the moving action on a free number
    # first. A queryset update leaves no history record of that passing step.
    Action.objects.filter(pk=moving.pk).update(order=siblings[-1].order + 1)
    other.order = moving_order
    other._change_reason = f"Moved {'down' if direction == 'up' else 'up'} in its strategic ambition"
    other.full_clean()
    other.save()
    moving.order = other_order
    moving._change_reason = f"Moved {direction} in its strategic ambition"
    moving.full_clean()
    moving.save()
    return moving


@transaction.atomic
def strategy_start_next(
    *, strategy: Strategy, title: str, starts_on: date, ends_on: date, by: User
) -> Strategy:
    """Start the draft strategy that follows this one, carrying over its structure and unfinished work.

    Copies the priorities (with their leads) and strategic ambitions, and carries every action
    that is not completed or cancelled into the copied ambition, linked to the action it
    continues, with its people, partners, status and open milestones. A carried action starts
    with the new strategy and keeps its due date unless that falls before the new start.
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
    )
    _created(new, by=by, reason=reason)

    ambitions: dict[int, StrategicAmbition] = {}
    for priority in strategy.priorities.order_by("order").prefetch_related("ambitions"):
        new_priority = Priority(
            strategy=new,
            order=priority.order,
            title=priority.title,
            description=priority.description,
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
            )
            _created(ambitions[ambition.pk], by=by, reason=reason)

    unfinished = (
        Action.objects.filter(ambition__priority__strategy=strategy)
        .active()
        .select_related("ambition__priority")
        .prefetch_related(
            "delegates",
            "partner_organisations",
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
        carried = Action(
            ambition=ambition,
            order=numbers[ambition.pk],  # renumbered 1, 2, 3 … without the finished actions
            title=old.title,
            description=old.description,
            owner_id=old.owner_id,
            starts_on=starts_on,
            due_on=max(old.due_on, starts_on),
            status=old.status,
            resources=old.resources,
            success_measure=old.success_measure,
            carried_over_from=old,
        )
        _created(carried, by=by, reason=f"Carried over from {old.reference} in {strategy.title}")
        carried.delegates.set(old.delegates.all())
        carried.partner_organisations.set(old.partner_organisations.all())
        for milestone in old.open_milestones:
            _created(
                Milestone(action=carried, title=milestone.title, due_on=milestone.due_on),
                by=by,
                reason=f"Carried over from {old.reference} in {strategy.title}",
            )
    return new


def _created(instance, *, by: User, reason: str) -> None:
    """Validate and save a new row, recording who made it and why in its history."""
    instance._history_user = by
    instance._change_reason = _change_reason(reason)
    instance.full_clean()
    instance.save()
