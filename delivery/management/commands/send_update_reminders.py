"""Email reminders about progress updates due: `manage.py send_update_reminders`, once a day."""

from argparse import ArgumentTypeError
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from core.dates import long_date
from core.text import count_of
from delivery.models import UpdateReminder
from delivery.services.reminders import (
    UpdateRemindersNotSent,
    update_reminder_periods,
    update_reminders_due,
    update_reminders_send,
)


def _date(value: str) -> date:
    """A date given as YYYY-MM-DD."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ArgumentTypeError(f"give the date as YYYY-MM-DD, not {value!r}") from error


def _days(value: str) -> list[int]:
    """Whole numbers of days separated by commas, such as 7,1."""
    try:
        days = [int(item) for item in value.split(",") if item.strip()]
    except ValueError as error:
        raise ArgumentTypeError(f"give whole numbers of days separated by commas, not {value!r}") from error
    if any(day < 0 for day in days):
        raise ArgumentTypeError(f"give days as positive numbers, not {value!r}")
    return days


def _listed(days: list[int]) -> str:
    return ", ".join(str(day) for day in days) or "no"


class Command(BaseCommand):
    help = (
        "Email each person who owes progress updates in an open reporting period whose update "
        "deadline is a reminder day today (some days before or after it): one email per person, "
        "at most once a day, recorded as update reminders. Run it once a day, for example from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=_date, metavar="YYYY-MM-DD", help="Act as if today were this date, YYYY-MM-DD."
        )
        parser.add_argument(
            "--days-before",
            type=_days,
            metavar="DAYS",
            help="Remind this many days before the deadline, such as 7,1 "
            f"(default: {_listed(settings.UPDATE_REMINDER_DAYS_BEFORE)}).",
        )
        parser.add_argument(
            "--days-after",
            type=_days,
            metavar="DAYS",
            help="Remind this many days after the deadline, such as 1,7 "
            f"(default: {_listed(settings.UPDATE_REMINDER_DAYS_AFTER)}).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say who would be reminded, without sending or recording anything.",
        )

    def handle(self, *args, **options):
        today = self._option(options["today"], _date) or timezone.localdate()
        days_before = self._option(options["days_before"], _days)
        days_after = self._option(options["days_after"], _days)
        if days_before is None:
            days_before = settings.UPDATE_REMINDER_DAYS_BEFORE
        if days_after is None:
            days_after = settings.UPDATE_REMINDER_DAYS_AFTER

        periods = update_reminder_periods(today=today, days_before=days_before, days_after=days_after)
        for period in periods:
            self.stdout.write(
                f"{period.partnership.name}, {period.name}: updates due by "
                f"{long_date(period.update_deadline)}."
            )
        if options["dry_run"]:
            self._dry_run(periods=periods, today=today)
            return

        failures = []
        try:
            reminders = update_reminders_send(periods=periods, today=today)
        except UpdateRemindersNotSent as error:
            reminders, failures = error.reminders, error.failures
        people = self._report_sent(reminders)
        for recipient, error in failures:
            self.stderr.write(f"Could not remind {recipient} <{recipient.email}>: {error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{today:%Y-%m-%d}: reminded {count_of(people, 'person', 'people')} "
                f"about updates due in {count_of(len(periods), 'open reporting period')}."
            )
        )
        if failures:
            raise CommandError(f"{count_of(len(failures), 'reminder')} could not be sent; see the log.")

    def _dry_run(self, *, periods, today):
        everyone = update_reminders_due(periods=periods, today=today)
        for due in everyone:
            self.stdout.write(
                f"Would remind {due.recipient} <{due.recipient.email}> about "
                f"{count_of(due.action_count, 'action')}."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{today:%Y-%m-%d}: dry run, would remind "
                f"{count_of(len(everyone), 'person', 'people')} about updates due in "
                f"{count_of(len(periods), 'open reporting period')}. Nothing was sent or recorded."
            )
        )

    def _report_sent(self, reminders: list[UpdateReminder]) -> int:
        """Print each person reminded and about how many actions; return how many people."""
        counted = (
            UpdateReminder.objects.filter(pk__in=[reminder.pk for reminder in reminders])
            .select_related("recipient")
            .annotate(action_count=Count("actions"))
            .order_by("recipient__last_name", "recipient__first_name", "recipient")
        )
        actions_by_person: dict = {}
        for reminder in counted:
            actions_by_person[reminder.recipient] = (
                actions_by_person.get(reminder.recipient, 0) + reminder.action_count
            )
        for recipient, count in actions_by_person.items():
            self.stdout.write(f"Reminded {recipient} <{recipient.email}> about {count_of(count, 'action')}.")
        return len(actions_by_person)

    @staticmethod
    def _option(value, parse):
        """call_command(today="2026-12-14") passes the string straight through, unparsed."""
        if not isinstance(value, str):
            return value
        try:
            return parse(value)
        except ArgumentTypeError as error:
            raise CommandError(str(error)) from error
