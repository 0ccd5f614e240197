"""Reminders about progress updates due: who is emailed, about what, and how often."""

import datetime
import logging
import re
from io import StringIO
from smtplib import SMTPRecipientsRefused
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.urls import resolve, reverse
from django.utils import timezone

from delivery.models import Action, ReportingPeriod, UpdateReminder
from delivery.services.reminders import UpdateRemindersNotSent, update_reminder_periods, update_reminders_send
from tests.accounts.factories import MembershipFactory, PartnershipFactory
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.priorities.factories import StrategicAmbitionFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 14)
DEADLINE = datetime.date(2026, 12, 21)  # a week ahead: a default reminder day


def period_of(partnership, *, deadline=DEADLINE, state=ReportingPeriod.State.OPEN, **kwargs):
    """A Q2 2026/27 reporting period of the partnership with the given update deadline."""
    return ReportingPeriodFactory(
        partnership=partnership,
        name=kwargs.pop("name", "Q2 2026/27"),
        starts_on=kwargs.pop("starts_on", datetime.date(2026, 7, 1)),
        ends_on=kwargs.pop("ends_on", datetime.date(2026, 9, 30)),
        update_deadline=deadline,
        state=state,
        **kwargs,
    )


def officer_of(partnership, **kwargs):
    return MembershipFactory(partnership=partnership, **kwargs).user


def actions_of(owner, partnership, count=1, ambition=None, **kwargs):
    """Actions owned by the person under one strategic ambition of the partnership, in order."""
    ambition = ambition or StrategicAmbitionFactory(priority__strategy__partnership=partnership)
    return [ActionFactory(ambition=ambition, owner=owner, order=i, **kwargs) for i in range(1, count + 1)]


def submitted(action, period):
    return ProgressUpdateFactory(action=action, period=period, submitted_at=timezone.now())


def draft(action, period):
    return ProgressUpdateFactory(action=action, period=period, submitted_at=None)


def links_in(text):
    return re.findall(r"https?://\S+", text)


def send(periods, today=TODAY):
    return update_reminders_send(periods=periods, today=today)


def command(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("send_update_reminders", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def sbp():
    return PartnershipFactory(name="Safer Bromley Partnership", slug="safer-bromley")


def test_periods_are_chosen_on_the_reminder_days_before_and_after_their_deadline():
    def period_due_on(deadline, state=ReportingPeriod.State.OPEN):
        return period_of(PartnershipFactory(), deadline=deadline, state=state)

    week_ahead = period_due_on(TODAY + datetime.timedelta(days=7))
    tomorrow = period_due_on(TODAY + datetime.timedelta(days=1))
    yesterday = period_due_on(TODAY - datetime.timedelta(days=1))
    week_ago = period_due_on(TODAY - datetime.timedelta(days=7))
    period_due_on(TODAY)
    period_due_on(TODAY + datetime.timedelta(days=3))
    period_due_on(TODAY - datetime.timedelta(days=2))
    period_due_on(TODAY + datetime.timedelta(days=7), state=ReportingPeriod.State.LOCKED)
    period_due_on(TODAY - datetime.timedelta(days=1), state=ReportingPeriod.State.LOCKED)
    period_due_on(TODAY + datetime.timedelta(days=1), state=ReportingPeriod.State.UPCOMING)

    chosen = update_reminder_periods(today=TODAY, days_before=[7, 1], days_after=[1, 7])

    assert chosen == [week_ago, yesterday, tomorrow, week_ahead]
    assert update_reminder_periods(today=TODAY, days_before=[3], days_after=[]) == [
        ReportingPeriod.objects.get(update_deadline=TODAY + datetime.timedelta(days=3))
    ]


def test_one_email_per_person_lists_all_their_due_actions_with_links_to_each_update(sbp, client):
    period = period_of(sbp)
    officer = officer_of(sbp, user__first_name="Tessa", user__last_name="Lawry")
    ambition = StrategicAmbitionFactory(order=2, priority__order=1, priority__strategy__partnership=sbp)
    first, second, third = actions_of(officer, sbp, count=3, ambition=ambition)
    first.title, second.title = "Run weapon sweeps in parks", "Train door staff in the night-time economy"
    Action.objects.bulk_update([first, second], ["title"])
    colleague = officer_of(sbp)
    [theirs] = actions_of(colleague, sbp, title="Map hotspots of antisocial behaviour")

    send([period])

    assert sorted(email.to[0] for email in mail.outbox) == sorted([officer.email, colleague.email])
    [email] = [email for email in mail.outbox if email.to == [officer.email]]
    assert email.subject == "Progress updates due by 21 December 2026: Safer Bromley Partnership"
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Hello Tessa Lawry," in email.body
    assert "Safer Bromley Partnership, Q2 2026/27" in email.body
    assert "Updates are due by 21 December 2026." in email.body
    assert "1.2.1 Run weapon sweeps in parks" in email.body
    assert "1.2.2 Train door staff in the night-time economy" in email.body
    assert theirs.title not in email.body
    links = links_in(email.body)
    assert all(link.startswith(settings.SITE_URL + "/") for link in links)
    update_links = [resolve(urlsplit(link).path) for link in links[:3]]
    assert [(match.view_name, match.kwargs) for match in update_links] == [
        ("delivery:progress_update_for", {"slug": "safer-bromley", "pk": action.pk, "period_pk": period.pk})
        for action in (first, second, third)
    ]
    assert resolve(urlsplit(links[3]).path).view_name == "delivery:my_actions"

    client.force_login(officer)
    page = client.get(urlsplit(links[0]).path)
    assert page.status_code == 200
    assert "Run weapon sweeps in parks" in page.content.decode()


def test_submitted_updates_are_not_chased_but_drafts_are(sbp):
    period = period_of(sbp)
    officer = officer_of(sbp)
    ambition = StrategicAmbitionFactory(priority__strategy__partnership=sbp)
    done, drafted, untouched = (
        ActionFactory(ambition=ambition, owner=officer, title=title)
        for title in ("Refresh the MARAC protocol", "Recruit IDVAs", "Launch the White Ribbon campaign")
    )
    submitted(done, period)
    draft(drafted, period)

    [reminder] = send([period])

    [email] = mail.outbox
    assert done.title not in email.body
    assert f"{drafted.reference} {drafted.title} (draft saved, not yet submitted)" in email.body
    assert f"{untouched.reference} {untouched.title}\n" in email.body
    assert set(reminder.actions.all()) == {drafted, untouched}


def test_no_email_to_a_person_whose_updates_are_all_submitted(sbp):
    period = period_of(sbp)
    officer = officer_of(sbp)
    for action in actions_of(officer, sbp, count=2):
        submitted(action, period)

    assert send([period]) == []
    assert mail.outbox == []
    assert not UpdateReminder.objects.exists()


def test_cancelled_actions_and_those_not_yet_started_are_not_chased(sbp):
    period = period_of(sbp)
    officer = officer_of(sbp)
    [cancelled] = actions_of(officer, sbp, title="Pilot a knife arch", status=Action.Status.CANCELLED)
    [later] = actions_of(
        officer,
        sbp,
        title="Open a youth hub",
        starts_on=datetime.date(2027, 1, 4),
        due_on=datetime.date(2027, 3, 31),
    )
    [live] = actions_of(officer, sbp, title="Extend CCTV coverage")

    [reminder] = send([period])

    [email] = mail.outbox
    assert live.title in email.body
    assert cancelled.title not in email.body
    assert later.title not in email.body
    assert list(reminder.actions.all()) == [live]


def test_running_twice_the_same_day_sends_once_and_records_who_was_reminded_when(sbp):
    period = period_of(sbp)
    officer = officer_of(sbp)
    actions = actions_of(officer, sbp, count=2)

    first_run = send([period])
    second_run = send([period])

    assert len(mail.outbox) == 1
    assert second_run == []
    [reminder] = UpdateReminder.objects.all()
    assert first_run == [reminder]
    assert reminder.recipient == officer
    assert reminder.period == period
    assert reminder.sent_on == TODAY
    assert abs(timezone.now() - reminder.sent_at) < datetime.timedelta(minutes=1)
    assert set(reminder.actions.all()) == set(actions)


def test_the_next_day_the_person_is_reminded_again(sbp):
    period = period_of(sbp)
    officer = officer_of(sbp)
    actions_of(officer, sbp)

    send([period])
    send([period], today=TODAY + datetime.timedelta(days=1))

    assert [email.to for email in mail.outbox] == [[officer.email], [officer.email]]
    assert list(
        UpdateReminder.objects.filter(recipient=officer).order_by("sent_on").values_list("sent_on", flat=True)
    ) == [TODAY, TODAY + datetime.timedelta(days=1)]


def test_a_reminder_about_a_past_deadline_says_the_updates_are_late(sbp):
    period = period_of(sbp, deadline=TODAY - datetime.timedelta(days=1))
    actions_of(officer_of(sbp), sbp)

    send([period])

    [email] = mail.outbox
    assert email.subject == "Progress updates are late: Safer Bromley Partnership"
    assert "Updates were due by 13 December 2026 and are now late." in email.body


def test_the_email_has_a_text_and_an_html_part_and_escapes_what_people_typed(sbp):
    period = period_of(sbp)
    officer = officer_of(sbp, user__first_name="Ann<b>", user__last_name="O'Neill")
    [action] = actions_of(officer, sbp, title="Stop <script>alert('x')</script> & co")

    send([period])

    [email] = mail.outbox
    assert isinstance(email, EmailMultiAlternatives)
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert "Stop <script>alert('x')</script> & co" in email.body
    assert "Hello Ann<b> O'Neill," in email.body
    assert "<script>" not in html
    assert "Stop &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in html
    assert "Ann&lt;b&gt; O&#x27;Neill" in html
    update_url = settings.SITE_URL + reverse(
        "delivery:progress_update_for", kwargs={"slug": sbp.slug, "pk": action.pk, "period_pk": period.pk}
    )
    assert f'<a href="{update_url}">' in html
    assert "<img" not in html


def test_a_person_with_updates_due_in_two_partnerships_gets_one_email(sbp):
    other = PartnershipFactory(name="Bexley Community Safety Partnership", slug="bexley")
    officer = officer_of(sbp)
    MembershipFactory(partnership=other, user=officer)
    sbp_period = period_of(sbp)
    other_period = period_of(other, deadline=TODAY + datetime.timedelta(days=1))
    [in_sbp] = actions_of(officer, sbp)
    [in_other] = actions_of(officer, other)

    reminders = send([sbp_period, other_period])

    [email] = mail.outbox
    assert email.subject == (
        "Progress updates due by 15 December 2026: "
        "Bexley Community Safety Partnership and Safer Bromley Partnership"
    )
    assert in_sbp.title in email.body
    assert in_other.title in email.body
    paths = [urlsplit(link).path for link in links_in(email.body)]
    assert f"/p/safer-bromley/actions/{in_sbp.pk}/update/{sbp_period.pk}/" in paths
    assert f"/p/bexley/actions/{in_other.pk}/update/{other_period.pk}/" in paths
    assert reverse("delivery:my_actions", kwargs={"slug": "bexley"}) in paths
    assert {(reminder.period, *reminder.actions.all()) for reminder in reminders} == {
        (sbp_period, in_sbp),
        (other_period, in_other),
    }


def test_a_person_reminded_today_by_one_partnership_is_not_emailed_again_by_another(sbp):
    other = PartnershipFactory()
    officer = officer_of(sbp)
    MembershipFactory(partnership=other, user=officer)
    actions_of(officer, sbp)
    actions_of(officer, other)

    send([period_of(sbp)])
    send([period_of(other)])

    assert len(mail.outbox) == 1


def test_inactive_members_and_people_without_an_email_address_are_not_emailed(sbp):
    period = period_of(sbp)
    left = officer_of(sbp, is_active=False)
    no_email = officer_of(sbp, user__email="")
    account_closed = officer_of(sbp, user__is_active=False)
    active = officer_of(sbp)
    for person in (left, no_email, account_closed, active):
        actions_of(person, sbp)

    send([period])

    assert [email.to for email in mail.outbox] == [[active.email]]
    assert list(UpdateReminder.objects.values_list("recipient", flat=True)) == [active.pk]


def test_locked_and_upcoming_periods_are_never_chased_even_when_asked(sbp):
    locked = period_of(sbp, state=ReportingPeriod.State.LOCKED)
    upcoming = period_of(
        sbp,
        name="Q3 2026/27",
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2026, 12, 31),
        deadline=datetime.date(2027, 1, 21),
        state=ReportingPeriod.State.UPCOMING,
    )
    actions_of(officer_of(sbp), sbp)

    assert send([locked, upcoming]) == []
    assert mail.outbox == []


def test_a_failure_to_email_one_person_still_reminds_the_others(sbp, monkeypatch, caplog):
    period = period_of(sbp)
    unlucky = officer_of(sbp)
    others = [officer_of(sbp) for _ in range(2)]
    for person in (unlucky, *others):
        actions_of(person, sbp)
    real_send = EmailMultiAlternatives.send

    def send_or_fail(message, *args, **kwargs):
        if message.to == [unlucky.email]:
            raise SMTPRecipientsRefused({unlucky.email: (550, b"Mailbox unavailable")})
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send_or_fail)

    with (
        caplog.at_level(logging.ERROR, logger="delivery.services.reminders"),
        pytest.raises(UpdateRemindersNotSent) as error,
    ):
        send([period])

    assert sorted(email.to[0] for email in mail.outbox) == sorted(person.email for person in others)
    assert set(UpdateReminder.objects.values_list("recipient", flat=True)) == {p.pk for p in others}
    assert {reminder.recipient for reminder in error.value.reminders} == set(others)
    assert [recipient for recipient, _ in error.value.failures] == [unlucky]
    assert f"Could not email user {unlucky.pk} their update reminder" in caplog.text

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    send([period])
    assert mail.outbox[-1].to == [unlucky.email]


def test_the_command_says_who_was_reminded_and_sums_up(sbp):
    period_of(sbp)
    officer = officer_of(sbp, user__first_name="Tessa", user__last_name="Lawry")
    actions_of(officer, sbp, count=3)

    out, err = command("--today", "2026-12-14")

    assert f"Reminded Tessa Lawry <{officer.email}> about 3 actions." in out
    assert "Safer Bromley Partnership, Q2 2026/27: updates due by 21 December 2026." in out
    assert out.strip().endswith("2026-12-14: reminded 1 person about updates due in 1 open reporting period.")
    assert err == ""
    assert len(mail.outbox) == 1
    assert UpdateReminder.objects.get().sent_on == TODAY


def test_the_command_takes_the_reminder_days_from_its_options(sbp):
    period_of(sbp, deadline=TODAY + datetime.timedelta(days=3))
    actions_of(officer_of(sbp), sbp)

    out, _ = command(today="2026-12-14")
    assert "reminded 0 people about updates due in 0 open reporting periods" in out
    assert mail.outbox == []

    out, _ = command("--today=2026-12-14", "--days-before=3", "--days-after=")
    assert "reminded 1 person about updates due in 1 open reporting period" in out
    assert len(mail.outbox) == 1


def test_a_dry_run_says_who_would_be_reminded_and_sends_and_records_nothing(sbp):
    period_of(sbp)
    officer = officer_of(sbp, user__first_name="Tessa", user__last_name="Lawry")
    actions_of(officer, sbp, count=2)

    out, _ = command("--today", "2026-12-14", "--dry-run")

    assert f"Would remind Tessa Lawry <{officer.email}> about 2 actions." in out
    assert "dry run, would remind 1 person" in out
    assert "Nothing was sent or recorded." in out
    assert mail.outbox == []
    assert not UpdateReminder.objects.exists()


def test_the_command_reports_failures_and_exits_with_an_error(sbp, monkeypatch):
    period_of(sbp)
    officer = officer_of(sbp)
    actions_of(officer, sbp)

    def fail(message, *args, **kwargs):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(EmailMultiAlternatives, "send", fail)
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="1 reminder could not be sent"):
        call_command("send_update_reminders", "--today", "2026-12-14", stdout=out, stderr=err)

    assert f"Could not remind {officer} <{officer.email}>: Connection refused" in err.getvalue()
    assert "reminded 0 people" in out.getvalue()
    assert not UpdateReminder.objects.exists()


@pytest.mark.parametrize(
    "arguments", [["--today", "14/12/2026"], ["--days-before", "seven"], ["--days-after", "-1"]]
)
def test_the_command_refuses_bad_options(arguments):
    with pytest.raises(CommandError):
        command(*arguments)


def test_sending_makes_the_same_queries_for_1_and_20_due_actions(assert_same_queries):
    def make_rows(count):
        partnership = PartnershipFactory()
        period = period_of(partnership)
        owned = actions_of(officer_of(partnership), partnership, count=count)
        draft(owned[0], period)
        return period, owned

    def fetch(made):
        period, owned = made
        [reminder] = send([period])
        return reminder, owned, mail.outbox[-1].body

    results = assert_same_queries(make_rows, fetch, many=20)

    assert [reminder.actions.count() for reminder, _, _ in results] == [1, 20]
    for _, owned, body in results:
        assert f"{owned[-1].reference} {owned[-1].title}" in body
