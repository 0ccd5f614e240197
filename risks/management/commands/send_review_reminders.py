"""Email reminders about risk reviews due: `manage.py send_review_reminders`, once a day.

It takes the options of `send_update_reminders` (`--today`, `--days-before`, `--days-after`,
`--dry-run`, with the same defaults from UPDATE_REMINDER_DAYS_BEFORE and _AFTER) and reminds on the
same days: risk reviews are due with the period's progress updates.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from core.dates import long_date
from core.text import count_of
from delivery.management.commands import send_update_reminders
from risks.models import RiskReviewReminder
from risks.reminders import (
    ReviewRemindersNotSent,
    review_reminder_periods,
    review_reminders_due,
    review_reminders_send,
)


class Command(send_update_reminders.Command):
    help = (
        "Email each risk owner who has not reviewed an open risk for their partnership's latest open "
        "reporting period, when its update deadline is a reminder day today (some days before or after "
        "it): one email per person, at most once a day, recorded as review reminders. Run it once a "
        "day, for example from cron."
    )

    def handle(self, *args, **options):
        today = self._option(options["today"], send_update_reminders._date) or timezone.localdate()
        days_before = self._option(options["days_before"], send_update_reminders._days)
        days_after = self._option(options["days_after"], send_update_reminders._days)
        if days_before is None:
            days_before = settings.UPDATE_REMINDER_DAYS_BEFORE
        if days_after is None:
            days_after = settings.UPDATE_REMINDER_DAYS_AFTER

        periods = review_reminder_periods(today=today, days_before=days_before, days_after=days_after)
        for period in periods:
            self.stdout.write(
                f"{period.partnership.name}, {period.name}: reviews due by {long_date(period.update_deadline)}."
            )
        in_periods = count_of(len(periods), "open reporting period")
        if options["dry_run"]:
            everyone = review_reminders_due(periods=periods, today=today)
            for due in everyone:
                self.stdout.write(
                    f"Would remind {due.recipient} <{due.recipient.email}> about {count_of(due.risk_count, 'risk')}."
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"{today:%Y-%m-%d}: dry run, would remind {count_of(len(everyone), 'person', 'people')} "
                    f"about risk reviews due in {in_periods}. Nothing was sent or recorded."
                )
            )
            return

        failures = []
        try:
            reminders = review_reminders_send(periods=periods, today=today)
        except ReviewRemindersNotSent as error:
            reminders, failures = error.reminders, error.failures
        counted = (
            RiskReviewReminder.objects.filter(pk__in=[reminder.pk for reminder in reminders])
            .select_related("recipient")
            .annotate(risk_count=Count("risks"))
            .order_by("recipient__last_name", "recipient__first_name", "recipient")
        )
        risks_by_person: dict = {}
        for reminder in counted:
            risks_by_person[reminder.recipient] = (
                risks_by_person.get(reminder.recipient, 0) + reminder.risk_count
            )
        for recipient, count in risks_by_person.items():
            self.stdout.write(f"Reminded {recipient} <{recipient.email}> about {count_of(count, 'risk')}.")
        for recipient, error in failures:
            self.stderr.write(f"Could not remind {recipient} <{recipient.email}>: {error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{today:%Y-%m-%d}: reminded {count_of(len(risks_by_person), 'person', 'people')} "
                f"about risk reviews due in {in_periods}."
            )
        )
        if failures:
            raise CommandError(f"{count_of(len(failures), 'reminder')} could not be sent; see the log.")
