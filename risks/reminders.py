"""Risk reviews owed each reporting period: how many are done and overdue, and the reminder emails.

Reviews are for the partnership's latest open reporting period (the one the review form records), so
that is the period counted and reminded about. An open risk owes a review for it until one is saved;
its accountable person (`Risk.accountable`: its owner, else its organisation's nominated contact) is
reminded, on the days the update reminders go (`UPDATE_REMINDER_DAYS_BEFORE` and `_AFTER` the
period's update deadline, `manage.py send_review_reminders`) or when an administrator sends them from
the register, in one email across their partnerships, at most once a day (decision record 0007).
"""

import logging
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import Partnership
from core.links import site_url
from delivery.models import ReportingPeriod
from delivery.services.reminders import Due, PeriodDue, ReminderKind, RemindersNotSent
from risks.models import Risk, RiskRegister, RiskReview, RiskReviewReminder
from risks.register import register_set_up

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


def review_status(
    *, partnership: Partnership, today: date, open_periods: list[ReportingPeriod] | None = None
) -> ReviewStatus:
    """The review counts the register page shows (at most three queries whatever the number of risks).

    `open_periods`: the partnership's open periods, newest first, when the page has read them already
    (`delivery.context_processors.open_periods`)."""
    register = register_set_up(partnership)
    if open_periods is None:
        period = ReportingPeriod.objects.for_partnership(partnership).latest_open()
    else:
        period = next(iter(open_periods), None)
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
class PeriodReviewsDue(PeriodDue):
    """The risks one person still owes a review on, for one open period."""

    @property
    def risks(self) -> list[Risk]:
        return self.items


@dataclass(frozen=True)
class ReviewsDue(Due):
    """Every risk review one person is to be reminded about today, across their partnerships."""

    @property
    def risk_count(self) -> int:
        return self.item_count


class ReviewRemindersNotSent(RemindersNotSent):
    noun = "review reminder"


class ReviewReminders(ReminderKind):
    """Risk reviews owed: each open risk of the partnership with no review for its latest open period,
    reminded to its accountable person if they have not been sent a review reminder today."""

    record = RiskReviewReminder
    items, item = "risks", "risk"
    subject, owed, summary = "Risk reviews", "reviews", "risk reviews"
    templates = "risks/email/review_reminder"
    log_as = "risk review reminder"
    path = "risks.reminders.REVIEW_REMINDERS"
    not_sent, period_due, due = ReviewRemindersNotSent, PeriodReviewsDue, ReviewsDue
    logger = logger
    sent_word = "Review reminders"
    owes = "a review"
    nobody_owes = "Every open risk has been reviewed for {period}: nobody to remind."

    def owing(self, period):
        return risks_owing_review(period)

    def in_order(self, owing):
        return owing.select_related("register__partnership").order_by("reference")

    def periods(self, *, today: date, days_before: list[int], days_after: list[int]) -> list[ReportingPeriod]:
        """The open periods whose update deadline is a reminder day today (as for progress updates), each
        the latest open period of its partnership: the one its risks are reviewed for."""
        periods = super().periods(today=today, days_before=days_before, days_after=days_after)
        later_open = ReportingPeriod.objects.open().filter(
            partnership=OuterRef("partnership"), starts_on__gt=OuterRef("starts_on")
        )
        latest = set(
            ReportingPeriod.objects.filter(pk__in=[p.pk for p in periods])
            .exclude(Exists(later_open))
            .values_list("pk", flat=True)
        )
        return [period for period in periods if period.pk in latest]

    def period_context(self, period):
        return {"register_url": site_url(reverse("risks:register", kwargs={"slug": period.partnership.slug}))}

    def item_context(self, risk, period):
        return {
            "reference": risk.reference,
            "title": risk.title,
            "url": site_url(
                reverse("risks:risk_review", kwargs={"slug": period.partnership.slug, "pk": risk.pk})
            ),
        }


REVIEW_REMINDERS = ReviewReminders()
review_reminder_periods = REVIEW_REMINDERS.periods
review_reminders_due = REVIEW_REMINDERS.reminders_due
review_reminders_send = REVIEW_REMINDERS.reminders_send
review_reminder_owners = REVIEW_REMINDERS.reminder_owners
