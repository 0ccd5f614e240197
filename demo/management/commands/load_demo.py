"""Load the demo partnerships: `manage.py load_demo [--today YYYY-MM-DD]`."""

from argparse import ArgumentTypeError
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.data.people import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_TWO_FACTOR_ACCOUNTS
from demo.loader import demo_load


def _date(value: str) -> date:
    """A date given as YYYY-MM-DD."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ArgumentTypeError(f"give the date as YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "Create or bring up to date the demo: the Safer Bromley Partnership built from its minutes, "
        "a second fictional partnership, and the demo sign-ins. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=_date,
            help="Lay out reporting periods and progress as of this date (default: today).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even though DEBUG is off. The demo accounts' password is public.",
        )

    def handle(self, *args, **options):
        if not (settings.DEBUG or getattr(settings, "TESTING", False) or options["force"]):
            raise CommandError(
                "The demo accounts have a published password. Run with DEBUG=1, or pass --force "
                "if this really is a demonstration site."
            )
        today = options["today"] or timezone.localdate()
        if isinstance(today, str):  # call_command(today="...") skips the argument's type
            try:
                today = _date(today)
            except ArgumentTypeError as error:
                raise CommandError(str(error)) from error

        summary = demo_load(today=today)

        self.stdout.write(self.style.SUCCESS(f"Loaded the demo as of {summary.today:%-d %B %Y}."))
        self.stdout.write(f"\nDemo sign-ins at /accounts/login/ (password {DEMO_PASSWORD}):")
        width = max(len(username) for username, _ in summary.sign_ins)
        for username, what in summary.sign_ins:
            self.stdout.write(f"  {username:<{width}}  {what}")
        self.stdout.write(
            f"{' and '.join(DEMO_TWO_FACTOR_ACCOUNTS)} also enter a code from an authenticator app: add the "
            f"key {DEMO_TOTP_SECRET} (time-based) to the app by hand."
        )
        self.stdout.write("\nThe demo partnerships now hold:")
        width = max(len(name) for name in summary.counts)
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>4}")
        for note in summary.notes:
            self.stdout.write(f"\n{note}")
