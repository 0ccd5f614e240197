"""Risk reviews owed each reporting period: how many are done and overdue, and the reminder emails.

Reviews are for the partnership's latest open reporting period (the one the review form records), so
that is the period counted and reminded about. An open risk owes a review for it until one is saved;
its accountable person (`Risk.accountable`: its owner, else its organisation's nominated contact) is
reminded, on the days the update reminders go (`UPDATE_REMINDER_DAYS_BEFORE` and `_AFTER` the
period's update deadline, `manage.py send_review_reminders`) or when an administrator sends them from
the register, in one email across their partnerships, at most once a day (decision record 0007).
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Partnership, User
from core.dates import long_date
from core.links import site_url
from delivery.models import ReportingPeriod
from delivery.services.reminders import RemindersSent, update_reminder_periods
from risks.models import Risk, RiskRegister, RiskReview, RiskReviewReminder

logger = logging.getLogger(__name__)


def risks_owing_review(period: ReportingPeriod):
    """The open risks of the period's partnership with no review for the period, each annotated
    `accountable_id` (its owner, else its owning organisation's nominated contact)."""
    return (
        Risk.objects.for_partnership(period.partnership_id)
        .open()
        .exclude(Exists(RiskReview.objects.filter(risk=OuterRef("pk"), period=period)))
        .annotate(accountable_id=Coalesce("owner", "owner_organisation__nominated_contact"))
    )


@dataclass(frozen=True)
class ReviewStatus:
    """How the reviews of a partnership's open risks stand for its latest open period, and how many
    open risks are past their next review date."""

    register: RiskRegister | None
    period: ReportingPeriod | None
    open_count: int
    reviewed_count: int
    overdue_count: int

    @property
    def unreviewed_count(self) -> int:
        return self.open_count - self.reviewed_count


def review_status(*, partnership: Partnership, today: date) -> ReviewStatus:
    """The review counts the register page shows (three queries whatever the number of risks)."""
    register = RiskRegister.objects.filter(partnership=partnership).first()
    period = ReportingPeriod.objects.for_partnership(partnership).latest_open()
    counts = {"open_count": 0, "reviewed_count": 0, "overdue_count": 0}
    if register is not None:
        # With no period open, `period=None` matches no review: none is counted as reviewed.
        reviewed = Exists(RiskReview.objects.filter(risk=OuterRef("pk"), period=period))
        counts = (
            Risk.objects.filter(register=register)
            .open()
            .annotate(is_reviewed=reviewed)
            .aggregate(
                open_count=Count("pk"),
                reviewed_count=Count("pk", filter=Q(is_reviewed=True)),
                overdue_count=Count("pk", filter=Q(review_on__lt=today)),
            )
        )
    return ReviewStatus(register=register, period=period, **counts)


# Reminders --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodReviewsDue:
    """The risks one person still owes a review on, for one open period."""

    period: ReportingPeriod
    risks: list[Risk]

    def is_late(self, today: date) -> bool:
        return self.period.is_past_deadline(today)


@dataclass(frozen=True)
class ReviewsDue:
    """Everything one person is to be reminded about today, across their partnerships."""

    recipient: User
    periods: list[PeriodReviewsDue]

    @property
    def risk_count(self) -> int:
        return sum(len(due.risks) for due in self.periods)


class ReviewRemindersNotSent(Exception):
    """Some reminders could not be sent; everyone else's were sent and recorded."""

    def __init__(self, *, reminders: list[RiskReviewReminder], failures: list[tuple[User, Exception]]):
        names = ", ".join(str(recipient) for recipient, _ in failures)
        super().__init__(f"Could not send {len(failures)} review reminder(s): {names}.")
        self.reminders = reminders
        self.failures = failures


def review_reminder_periods(
    *, today: date, days_before: list[int], days_after: list[int]
) -> list[ReportingPeriod]:
    """The open periods whose update deadline is a reminder day today (as for progress updates), each
    the latest open period of its partnership: the one its risks are reviewed for."""
    periods = update_reminder_periods(today=today, days_before=days_before, days_after=days_after)
    later_open = ReportingPeriod.objects.open().filter(
        partnership=OuterRef("partnership"), starts_on__gt=OuterRef("starts_on")
    )
    latest = set(
        ReportingPeriod.objects.filter(pk__in=[p.pk for p in periods])
        .exclude(Exists(later_open))
        .values_list("pk", flat=True)
    )
    return [period for period in periods if period.pk in latest]


def review_reminders_due(*, periods: Iterable[ReportingPeriod], today: date) -> list[ReviewsDue]:
    """Who would be reminded today, about which risks: those accountable for open risks not yet
    reviewed for the period, while active members of its partnership with an email address, and not
    if they have already been sent a review reminder today."""
    periods = list(
        ReportingPeriod.objects.open()
        .filter(pk__in=[period.pk for period in periods])
        .select_related("partnership")
        .order_by("update_deadline", "partnership__name", "name")
    )
    reminded_today = RiskReviewReminder.objects.filter(sent_on=today).values("recipient")
    by_recipient: dict[int, ReviewsDue] = {}
    for period in periods:
        risks = (
            risks_owing_review(period)
            .filter(
                Exists(
                    Membership.objects.active()
                    .for_partnership(period.partnership)
                    .filter(user=OuterRef("accountable_id"), user__is_active=True)
                    .exclude(user__email="")
                )
            )
            .exclude(accountable_id__in=reminded_today)
            .select_related("register__partnership")
            .order_by("reference")
        )
        for_period: dict[int, list[Risk]] = {}
        for risk in risks:
            for_period.setdefault(risk.accountable_id, []).append(risk)
        people = User.objects.in_bulk([pk for pk in for_period if pk not in by_recipient])
        for person_id, owed in for_period.items():
            due = by_recipient.setdefault(person_id, ReviewsDue(recipient=people.get(person_id), periods=[]))
            due.periods.append(PeriodReviewsDue(period=period, risks=owed))
    return sorted(
        by_recipient.values(),
        key=lambda due: (due.recipient.last_name, due.recipient.first_name, due.recipient.pk),
    )


def review_reminders_send(*, periods: Iterable[ReportingPeriod], today: date) -> list[RiskReviewReminder]:
    """Email each person who owes reviews for the periods once, and record who was reminded.

    As with update reminders, each person's reminder is recorded (one per period) only once their email
    has gone; a failure is logged, the others are still sent, and ReviewRemindersNotSent is raised at
    the end carrying the reminders that were recorded.
    """
    reminders: list[RiskReviewReminder] = []
    failures: list[tuple[User, Exception]] = []
    for due in review_reminders_due(periods=periods, today=today):
        try:
            _review_reminder_email(due=due, today=today).send()
        except Exception as error:
            logger.exception("Could not email user %s their risk review reminder", due.recipient.pk)
            failures.append((due.recipient, error))
            continue
        reminders.extend(_review_reminders_record(due=due, today=today))
    if failures:
        raise ReviewRemindersNotSent(reminders=reminders, failures=failures)
    return reminders


@transaction.atomic
def _review_reminders_record(*, due: ReviewsDue, today: date) -> list[RiskReviewReminder]:
    sent_at = timezone.now()
    reminders = []
    for period_due in due.periods:
        reminder = RiskReviewReminder.objects.create(
            recipient=due.recipient, period=period_due.period, sent_on=today, sent_at=sent_at
        )
        reminder.risks.add(*period_due.risks)
        reminders.append(reminder)
    return reminders


def _review_reminder_email(*, due: ReviewsDue, today: date) -> EmailMultiAlternatives:
    """The reminder, in plain text and HTML, with a link to each risk's review form."""
    periods = []
    for period_due in due.periods:
        partnership = period_due.period.partnership
        periods.append(
            {
                "period": period_due.period,
                "partnership": partnership,
                "is_late": period_due.is_late(today),
                "register_url": site_url(reverse("risks:register", kwargs={"slug": partnership.slug})),
                "risks": [
                    {
                        "reference": risk.reference,
                        "title": risk.title,
                        "url": site_url(
                            reverse("risks:risk_review", kwargs={"slug": partnership.slug, "pk": risk.pk})
                        ),
                    }
                    for risk in period_due.risks
                ],
            }
        )
    context = {
        "name": due.recipient.get_full_name() or due.recipient.username,
        "periods": periods,
        "risk_count": due.risk_count,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "SITE_URL": site_url(),
    }
    message = EmailMultiAlternatives(
        subject=_review_reminder_subject(due=due, today=today),
        body=render_to_string("risks/email/review_reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[due.recipient.email],
    )
    message.attach_alternative(render_to_string("risks/email/review_reminder.html", context), "text/html")
    return message


def _review_reminder_subject(*, due: ReviewsDue, today: date) -> str:
    """Such as "Risk reviews due by 21 December 2026: Safer Bromley Partnership"."""
    names = list(dict.fromkeys(period_due.period.partnership.name for period_due in due.periods))
    partnerships = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    if any(period_due.is_late(today) for period_due in due.periods):
        return f"Risk reviews are late: {partnerships}"
    deadline = min(period_due.period.update_deadline for period_due in due.periods)
    return f"Risk reviews due by {long_date(deadline)}: {partnerships}"


def review_reminder_owners(*, period: ReportingPeriod, today: date) -> list[User]:
    """Everyone who owes the period a risk review, as the reminders see them: each annotated
    `is_reminded_today` (sent a review reminder today, so not again) and `can_be_emailed` (an active
    member of the period's partnership, with an email address on an active account)."""
    people = list(
        User.objects.filter(pk__in=risks_owing_review(period).values("accountable_id"))
        .annotate(
            is_reminded_today=Exists(
                RiskReviewReminder.objects.filter(recipient=OuterRef("pk"), sent_on=today)
            ),
            is_member=Exists(
                Membership.objects.active().for_partnership(period.partnership_id).filter(user=OuterRef("pk"))
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )
    for person in people:
        person.can_be_emailed = bool(person.is_member and person.is_active and person.email)
    return people


def review_reminders_send_now(*, period: ReportingPeriod, today: date) -> RemindersSent:
    """Send the period's review reminders now, whatever the day, by the daily command's rules, and say
    who was and was not emailed."""
    owners = review_reminder_owners(period=period, today=today)
    try:
        reminders, failed = review_reminders_send(periods=[period], today=today), []
    except ReviewRemindersNotSent as error:
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
