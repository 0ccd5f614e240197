"""Update reminders: who owes updates, the daily emails, and sending a period's reminders from its page."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from core.dates import long_date
from core.links import site_url
from delivery.models import Action, ReportingPeriod, UpdateReminder

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
    """Who would be reminded today, about which actions: those accountable for updates not yet submitted.

    Only periods still open count. An action is due when it is expected to report for the period
    (`ActionQuerySet.expected_to_report`: its strategy's reporting rhythm includes the period and the
    strategy is not closed) and has no submitted update (a saved draft is still due). The person
    accountable for it (`Action.accountable`: the lead officer, else the lead organisation's
    nominated contact) is reminded only while an active member of the action's partnership with an
    email address, and not if they have already been reminded today about anything.
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
            .owing_update(period)
            .with_accountable()
            .filter(
                Exists(
                    Membership.objects.active()
                    .for_partnership(period.partnership)
                    .filter(user=OuterRef("accountable_id"), user__is_active=True)
                    .exclude(user__email="")
                )
            )
            .exclude(accountable_id__in=reminded_today)
            .select_related("ambition__priority__strategy")
            .in_order()
        )
        for_period: dict[int, list[Action]] = {}
        for action in actions:
            for_period.setdefault(action.accountable_id, []).append(action)
        people = User.objects.in_bulk([pk for pk in for_period if pk not in by_recipient])
        for person_id, owed in for_period.items():
            due = by_recipient.setdefault(person_id, UpdatesDue(recipient=people.get(person_id), periods=[]))
            due.periods.append(PeriodUpdatesDue(period=period, actions=owed))
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
    """The reminder email, with a plain-text and an HTML part and a direct link to each update, for its period."""
    periods = []
    for period_due in due.periods:
        slug = period_due.period.partnership.slug
        periods.append(
            {
                "period": period_due.period,
                "partnership": period_due.period.partnership,
                "is_late": period_due.is_late(today),
                "my_actions_url": site_url(reverse("delivery:my_actions", kwargs={"slug": slug})),
                "actions": [
                    {
                        "reference": action.reference,
                        "title": action.title,
                        "has_draft": action.period_update_exists,
                        "url": site_url(
                            reverse(
                                "delivery:progress_update_for",
                                kwargs={"slug": slug, "pk": action.pk, "period_pk": period_due.period.pk},
                            )
                        ),
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
        "SITE_URL": site_url(),
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
    return f"Progress updates due by {long_date(deadline)}: {partnerships}"


def update_reminder_owners(*, period: ReportingPeriod, today: date) -> list[User]:
    """Everyone who still owes a submitted update for the period, as the reminders see them.

    Each person is annotated `is_reminded_today` (reminded about anything today, so not again) and
    `is_member` (an active member of the period's partnership); `can_be_emailed` needs both the
    membership and an email address on an active account.
    """
    owing = (
        Action.objects.for_partnership(period.partnership)
        .owing_update(period)
        .with_accountable()
        .values("accountable_id")
    )
    people = list(
        User.objects.filter(pk__in=owing)
        .annotate(
            is_reminded_today=Exists(UpdateReminder.objects.filter(recipient=OuterRef("pk"), sent_on=today)),
            is_member=Exists(
                Membership.objects.active().for_partnership(period.partnership).filter(user=OuterRef("pk"))
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )
    for person in people:
        person.can_be_emailed = bool(person.is_member and person.is_active and person.email)
    return people


@dataclass
class RemindersSent:
    """Everyone who owes the period an update, by what happened when reminders were sent."""

    owners: list[User]
    emailed: list[User] = field(default_factory=list)
    already_reminded: list[User] = field(default_factory=list)
    """Reminded today already (about anything), so not emailed again."""
    unreachable: list[User] = field(default_factory=list)
    """No email address, or no longer an active member."""
    failed: list[User] = field(default_factory=list)

    @property
    def everyone_already_reminded(self) -> bool:
        return bool(self.owners) and len(self.already_reminded) == len(self.owners)


def reminders_send_now(*, period: ReportingPeriod, today: date) -> RemindersSent:
    """Send the period's reminders by the daily command's rules, and say who was and was not emailed."""
    owners = update_reminder_owners(period=period, today=today)
    try:
        reminders, failed = update_reminders_send(periods=[period], today=today), []
    except UpdateRemindersNotSent as error:
        reminders, failed = error.reminders, [person for person, _ in error.failures]
    emailed_ids = {reminder.recipient_id for reminder in reminders}
    failed_ids = {person.pk for person in failed}
    return RemindersSent(
        owners=owners,
        emailed=[owner for owner in owners if owner.pk in emailed_ids],
        already_reminded=[o for o in owners if o.is_reminded_today and o.pk not in emailed_ids | failed_ids],
        unreachable=[owner for owner in owners if not owner.can_be_emailed],
        failed=failed,
    )
