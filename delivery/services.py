"""Writes to the delivery plan that touch several rows or must not be lost."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from core.ratings import Rating
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod, UpdateReminder

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
