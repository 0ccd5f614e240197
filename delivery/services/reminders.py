"""Reminders: who owes what for an open reporting period, the daily emails, the command that sends
them, and sending a period's reminders from its page.

One mechanism serves every kind of reminder (progress updates here, risk reviews in risks.reminders):
a `ReminderKind` says what is owed, the record kept of each reminder, the email templates and the
words; the choosing of reminder days, the once-a-day rule, the email, the failures and the messages
and command output are the same for all.
"""

import logging
from argparse import ArgumentTypeError
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.mail import EmailMultiAlternatives
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus

from accounts.models import Membership, User
from core.dates import long_date
from core.links import site_url
from core.text import count_of
from delivery.models import Action, ReportingPeriod, UpdateReminder

# Update reminders ---------------------------------------------------------------------------------
#
# `manage.py send_update_reminders` runs these once a day. A person is reminded about every action
# they own that still owes a submitted update for an open reporting period whose deadline is a set
# number of days away (or past), in one email across all their partnerships, at most once a day.

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodDue:
    """The things (actions, risks) one person still owes for one open period."""

    period: ReportingPeriod
    items: list

    def is_late(self, today: date) -> bool:
        return self.period.is_past_deadline(today)


@dataclass(frozen=True)
class Due:
    """Everything one person is to be reminded about today, across their partnerships."""

    recipient: User
    periods: list[PeriodDue]

    @property
    def item_count(self) -> int:
        return sum(len(due.items) for due in self.periods)


class RemindersNotSent(Exception):
    """Some reminders could not be sent; everyone else's were sent and recorded."""

    noun = "reminder"

    def __init__(self, *, reminders: list, failures: list[tuple[User, Exception]]):
        names = ", ".join(str(recipient) for recipient, _ in failures)
        super().__init__(f"Could not send {len(failures)} {self.noun}(s): {names}.")
        self.reminders = reminders
        self.failures = failures


@dataclass
class RemindersSent:
    """Everyone who owes the period, by what happened when reminders were sent."""

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


def reminder_periods(*, today: date, days_before: list[int], days_after: list[int]) -> list[ReportingPeriod]:
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


class ReminderKind:
    """What one kind of reminder owes and says; its methods are the mechanism every kind shares."""

    record: type[models.Model]  # one per person per period reminded, with `sent_on`, `sent_at`, `period`
    items: str  # the record's many-to-many field of what was owed, and the email's key: "actions"
    item: str  # one of them, as the command counts it: "action"
    subject: str  # "Progress updates" (are late / due by ...)
    owed: str  # what the command says is due: "updates"
    summary: str  # ... and in its summary: "updates"
    templates: str  # the email templates, without ".txt" / ".html"
    log_as: str  # "update reminder", in "Could not email user 3 their update reminder"
    path: str  # the dotted path of the kind's one instance, for the task queue
    not_sent: type[RemindersNotSent] = RemindersNotSent
    period_due: type[PeriodDue] = PeriodDue
    due: type[Due] = Due
    logger: logging.Logger = logger
    # The words of the messages after sending from a page.
    sent_word = "Reminders"  # "Reminders sent: ...", "No reminders were sent."
    owes = "an update"  # "Everyone who owes an update for ..."
    nobody_owes = "{period}: nobody to remind."  # when nobody owes anything

    def owing(self, period: ReportingPeriod) -> models.QuerySet:
        """What is owed for the period, each annotated `accountable_id` (who is reminded)."""
        raise NotImplementedError

    def in_order(self, owing: models.QuerySet) -> models.QuerySet:
        return owing

    def period_context(self, period: ReportingPeriod) -> dict:
        return {}

    def item_context(self, item, period: ReportingPeriod) -> dict:
        raise NotImplementedError

    def periods(self, *, today: date, days_before: list[int], days_after: list[int]) -> list[ReportingPeriod]:
        return reminder_periods(today=today, days_before=days_before, days_after=days_after)

    def reminders_due(self, *, periods: Iterable[ReportingPeriod], today: date) -> list[Due]:
        """Who would be reminded today, about what: those accountable for what is owed for periods still
        open, while active members of the period's partnership with an email address, and not if they
        have already been sent a reminder of this kind today."""
        periods = list(
            ReportingPeriod.objects.open()
            .filter(pk__in=[period.pk for period in periods])
            .select_related("partnership")
            .order_by("update_deadline", "partnership__name", "name")
        )
        reminded_today = self.record.objects.filter(sent_on=today).values("recipient")
        by_recipient: dict[int, Due] = {}
        for period in periods:
            owed_now = self.in_order(
                self.owing(period)
                .filter(
                    Exists(
                        Membership.objects.active()
                        .for_partnership(period.partnership)
                        .filter(user=OuterRef("accountable_id"), user__is_active=True)
                        .exclude(user__email="")
                    )
                )
                .exclude(accountable_id__in=reminded_today)
            )
            for_period: dict[int, list] = {}
            for item in owed_now:
                for_period.setdefault(item.accountable_id, []).append(item)
            people = User.objects.in_bulk([pk for pk in for_period if pk not in by_recipient])
            for person_id, owed in for_period.items():
                due = by_recipient.setdefault(
                    person_id, self.due(recipient=people.get(person_id), periods=[])
                )
                due.periods.append(self.period_due(period=period, items=owed))
        return sorted(
            by_recipient.values(),
            key=lambda due: (due.recipient.last_name, due.recipient.first_name, due.recipient.pk),
        )

    def reminders_send(self, *, periods: Iterable[ReportingPeriod], today: date) -> list:
        """Email each person who owes something for the periods once, and record who was reminded.

        A reminder is recorded, one per person per period, only once that person's email has gone.
        A failure to email one person is logged and the others are still sent; when any failed,
        `not_sent` is raised at the end, carrying the reminders that were recorded.
        """
        # Deliberately not one transaction: each person's reminder is committed as soon as their
        # email has gone, so a later failure cannot erase the record of an email already sent.
        reminders: list = []
        failures: list[tuple[User, Exception]] = []
        for due in self.reminders_due(periods=periods, today=today):
            try:
                self.email(due=due, today=today).send()
            except Exception as error:
                self.logger.exception("Could not email user %s their %s", due.recipient.pk, self.log_as)
                failures.append((due.recipient, error))
                continue
            reminders.extend(self._record(due=due, today=today))
        if failures:
            raise self.not_sent(reminders=reminders, failures=failures)
        return reminders

    def _record(self, *, due: Due, today: date) -> list:
        with transaction.atomic():
            sent_at = timezone.now()
            reminders = []
            for period_due in due.periods:
                reminder = self.record.objects.create(
                    recipient=due.recipient, period=period_due.period, sent_on=today, sent_at=sent_at
                )
                getattr(reminder, self.items).add(*period_due.items)
                reminders.append(reminder)
            return reminders

    def email(self, *, due: Due, today: date) -> EmailMultiAlternatives:
        """The reminder email, with a plain-text and an HTML part and a direct link to each thing owed."""
        periods = [
            {
                "period": period_due.period,
                "partnership": period_due.period.partnership,
                "is_late": period_due.is_late(today),
                **self.period_context(period_due.period),
                self.items: [self.item_context(item, period_due.period) for item in period_due.items],
            }
            for period_due in due.periods
        ]
        context = {
            "recipient": due.recipient,
            "name": due.recipient.get_full_name() or due.recipient.username,
            "periods": periods,
            f"{self.item}_count": due.item_count,
            "SERVICE_NAME": settings.SERVICE_NAME,
            "SITE_URL": site_url(),
        }
        message = EmailMultiAlternatives(
            subject=self.email_subject(due=due, today=today),
            body=render_to_string(f"{self.templates}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[due.recipient.email],
        )
        message.attach_alternative(render_to_string(f"{self.templates}.html", context), "text/html")
        return message

    def email_subject(self, *, due: Due, today: date) -> str:
        """Such as "Progress updates due by 21 December 2026: Safer Bromley Partnership"."""
        names = list(dict.fromkeys(period_due.period.partnership.name for period_due in due.periods))
        partnerships = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        if any(period_due.is_late(today) for period_due in due.periods):
            return f"{self.subject} are late: {partnerships}"
        deadline = min(period_due.period.update_deadline for period_due in due.periods)
        return f"{self.subject} due by {long_date(deadline)}: {partnerships}"

    def reminder_owners(self, *, period: ReportingPeriod, today: date) -> list[User]:
        """Everyone who still owes the period something, as the reminders see them.

        Each person is annotated `is_reminded_today` (sent a reminder of this kind today, so not again)
        and `is_member` (an active member of the period's partnership); `can_be_emailed` needs both the
        membership and an email address on an active account.
        """
        people = list(
            User.objects.filter(pk__in=self.owing(period).values("accountable_id"))
            .annotate(
                is_reminded_today=Exists(self.record.objects.filter(recipient=OuterRef("pk"), sent_on=today)),
                is_member=Exists(
                    Membership.objects.active()
                    .for_partnership(period.partnership)
                    .filter(user=OuterRef("pk"))
                ),
            )
            .order_by("last_name", "first_name", "pk")
        )
        for person in people:
            person.can_be_emailed = bool(person.is_member and person.is_active and person.email)
        return people

    def send_now(self, *, period: ReportingPeriod, today: date) -> RemindersSent:
        """Send the period's reminders now, whatever the day, by the daily command's rules, and say who
        was and was not emailed."""
        owners = self.reminder_owners(period=period, today=today)
        try:
            reminders, failed = self.reminders_send(periods=[period], today=today), []
        except self.not_sent as error:
            reminders, failed = error.reminders, [person for person, _ in error.failures]
        emailed_ids = {reminder.recipient_id for reminder in reminders}
        failed_ids = {person.pk for person in failed}
        return RemindersSent(
            owners=owners,
            emailed=[owner for owner in owners if owner.pk in emailed_ids],
            already_reminded=[
                o for o in owners if o.is_reminded_today and o.pk not in emailed_ids | failed_ids
            ],
            unreachable=[owner for owner in owners if not owner.can_be_emailed],
            failed=failed,
        )

    def sent_messages(self, sent: RemindersSent, *, period: ReportingPeriod) -> list[tuple[int, str]]:
        """What the page says after sending the period's reminders now: (message level, text) pairs."""
        said: list[tuple[int, str]] = []
        if not sent.owners:
            said.append((messages.SUCCESS, self.nobody_owes.format(period=period)))
        elif sent.emailed:
            emailed = count_of(len(sent.emailed), "person", "people")
            said.append((messages.SUCCESS, f"{self.sent_word} sent: {emailed} emailed about {period}."))
        elif sent.everyone_already_reminded:
            said.append(
                (
                    messages.SUCCESS,
                    f"Everyone who owes {self.owes} for {period} has already been reminded today: "
                    "nobody was emailed again.",
                )
            )
        elif not sent.failed:
            said.append((messages.WARNING, f"No {self.sent_word.lower()} were sent."))
        if sent.already_reminded and (sent.emailed or sent.failed):
            said.append(
                (
                    messages.WARNING,
                    f"Already reminded today, so not emailed again: {names_of(sent.already_reminded)}.",
                )
            )
        if sent.unreachable:
            said.append(
                (
                    messages.WARNING,
                    "Cannot be emailed (no email address, or no longer an active member): "
                    f"{names_of(sent.unreachable)}.",
                )
            )
        if sent.failed:
            said.append((messages.ERROR, f"Could not email: {names_of(sent.failed)}. Try again later."))
        return said


def names_of(people) -> str:
    return ", ".join(str(person) for person in people)


def reminders_send_now_and_say(request, kind: ReminderKind, *, period: ReportingPeriod) -> None:
    """Send the period's reminders now on the task queue (`delivery.tasks.send_reminders_now`), and
    say what was sent when the queue ran it at once, or that it is sending them."""
    from delivery.tasks import send_reminders_now  # the task module imports this one

    result = send_reminders_now.enqueue(
        kind=kind.path, period_id=period.pk, today=timezone.localdate().isoformat()
    )
    if result.status == TaskResultStatus.SUCCESSFUL:
        for level, text in result.return_value:
            messages.add_message(request, level, text)
    elif result.status == TaskResultStatus.FAILED:
        messages.error(
            request, f"{kind.sent_word} could not be sent. Try again, and ask for help if it fails again."
        )
    else:
        messages.success(
            request,
            f"{kind.sent_word} about {period} are being sent. Refresh this page in a minute to see who was reminded.",
        )


# Progress updates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodUpdatesDue(PeriodDue):
    """The actions one person still owes a submitted progress update on, for one open period."""

    @property
    def actions(self) -> list[Action]:  # annotated by `with_update_for(period)`
        return self.items


@dataclass(frozen=True)
class UpdatesDue(Due):
    """Every progress update one person is to be reminded about today, across their partnerships."""

    @property
    def action_count(self) -> int:
        return self.item_count


class UpdateRemindersNotSent(RemindersNotSent):
    noun = "update reminder"


class UpdateReminders(ReminderKind):
    """Progress updates owed: each action expected to report for the period with no submitted update."""

    record = UpdateReminder
    items, item = "actions", "action"
    subject, owed, summary = "Progress updates", "updates", "updates"
    templates = "delivery/email/update_reminder"
    log_as = "update reminder"
    path = "delivery.services.reminders.UPDATE_REMINDERS"
    not_sent, period_due, due = UpdateRemindersNotSent, PeriodUpdatesDue, UpdatesDue
    nobody_owes = "Every update expected for {period} has been submitted: nobody to remind."

    def owing(self, period):
        """An action is due when it is expected to report for the period (`ActionQuerySet.expected_to_report`:
        its strategy's reporting rhythm includes the period and the strategy is not closed) and has no
        submitted update (a saved draft is still due). The person accountable for it
        (`Action.accountable`: the lead officer, else the lead organisation's nominated contact) is
        the one reminded."""
        return Action.objects.for_partnership(period.partnership).owing_update(period).with_accountable()

    def in_order(self, owing):
        return owing.select_related("ambition__priority__strategy").in_order()

    def period_context(self, period):
        return {
            "my_actions_url": site_url(
                reverse("delivery:my_actions", kwargs={"slug": period.partnership.slug})
            )
        }

    def item_context(self, action, period):
        return {
            "reference": action.reference,
            "title": action.title,
            "has_draft": action.period_update_exists,
            "url": site_url(
                reverse(
                    "delivery:progress_update_for",
                    kwargs={"slug": period.partnership.slug, "pk": action.pk, "period_pk": period.pk},
                )
            ),
        }


UPDATE_REMINDERS = UpdateReminders()
update_reminder_periods = UPDATE_REMINDERS.periods
update_reminders_due = UPDATE_REMINDERS.reminders_due
update_reminders_send = UPDATE_REMINDERS.reminders_send
update_reminder_owners = UPDATE_REMINDERS.reminder_owners


# The daily command ----------------------------------------------------------------------------------


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


class RemindersCommand(BaseCommand):
    """`manage.py send_<kind>_reminders`: the options (`--today`, `--days-before`, `--days-after`, with
    defaults from UPDATE_REMINDER_DAYS_BEFORE and _AFTER, `--dry-run`) and output every kind shares."""

    kind: ReminderKind

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
        kind = self.kind
        today = self._option(options["today"], _date) or timezone.localdate()
        days_before = self._option(options["days_before"], _days)
        days_after = self._option(options["days_after"], _days)
        if days_before is None:
            days_before = settings.UPDATE_REMINDER_DAYS_BEFORE
        if days_after is None:
            days_after = settings.UPDATE_REMINDER_DAYS_AFTER

        periods = kind.periods(today=today, days_before=days_before, days_after=days_after)
        for period in periods:
            self.stdout.write(
                f"{period.partnership.name}, {period.name}: {kind.owed} due by {long_date(period.update_deadline)}."
            )
        in_periods = count_of(len(periods), "open reporting period")
        if options["dry_run"]:
            everyone = kind.reminders_due(periods=periods, today=today)
            for due in everyone:
                self.stdout.write(
                    f"Would remind {due.recipient} <{due.recipient.email}> about "
                    f"{count_of(due.item_count, kind.item)}."
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"{today:%Y-%m-%d}: dry run, would remind {count_of(len(everyone), 'person', 'people')} "
                    f"about {kind.summary} due in {in_periods}. Nothing was sent or recorded."
                )
            )
            return

        failures = []
        try:
            reminders = kind.reminders_send(periods=periods, today=today)
        except kind.not_sent as error:
            reminders, failures = error.reminders, error.failures
        people = self._report_sent(reminders)
        for recipient, error in failures:
            self.stderr.write(f"Could not remind {recipient} <{recipient.email}>: {error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{today:%Y-%m-%d}: reminded {count_of(people, 'person', 'people')} "
                f"about {kind.summary} due in {in_periods}."
            )
        )
        if failures:
            raise CommandError(f"{count_of(len(failures), 'reminder')} could not be sent; see the log.")

    def _report_sent(self, reminders: list) -> int:
        """Print each person reminded and about how many things; return how many people."""
        kind = self.kind
        counted = (
            kind.record.objects.filter(pk__in=[reminder.pk for reminder in reminders])
            .select_related("recipient")
            .annotate(item_count=Count(kind.items))
            .order_by("recipient__last_name", "recipient__first_name", "recipient")
        )
        by_person: dict = {}
        for reminder in counted:
            by_person[reminder.recipient] = by_person.get(reminder.recipient, 0) + reminder.item_count
        for recipient, count in by_person.items():
            self.stdout.write(f"Reminded {recipient} <{recipient.email}> about {count_of(count, kind.item)}.")
        return len(by_person)

    @staticmethod
    def _option(value, parse):
        """call_command(today="2026-12-14") passes the string straight through, unparsed."""
        if not isinstance(value, str):
            return value
        try:
            return parse(value)
        except ArgumentTypeError as error:
            raise CommandError(str(error)) from error
