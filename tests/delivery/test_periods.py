"""Reporting periods: adding a financial year, opening, locking and unlocking, and who has reported."""

import datetime
from html import unescape
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from core.conflicts import version_of
from delivery.models import ReportingPeriod, ReturnCounts, UpdateReminder
from delivery.services.periods import reporting_period_transition, reporting_periods_create_year
from delivery.services.updates import progress_update_save
from tests.accounts.factories import MembershipFactory, PartnershipFactory
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.priorities.factories import StrategicAmbitionFactory

pytestmark = pytest.mark.django_db

State = ReportingPeriod.State
ADMINISTRATOR, OFFICER, BOARD_MEMBER = (
    Membership.Role.ADMINISTRATOR,
    Membership.Role.OFFICER,
    Membership.Role.BOARD_MEMBER,
)


@pytest.fixture
def sbp():
    return PartnershipFactory(name="Safer Bromley Partnership", slug="safer-bromley")


@pytest.fixture
def admin(sbp, member_of):
    return member_of(sbp, ADMINISTRATOR)


def url(name, partnership, **kwargs):
    return reverse(f"delivery:{name}", kwargs={"slug": partnership.slug, **kwargs})


def period_of(partnership, **kwargs):
    """Q2 2026/27 of the partnership, open, with its deadline in the future unless given."""
    starts_on = kwargs.pop("starts_on", datetime.date(2026, 7, 1))
    return ReportingPeriodFactory(
        partnership=partnership,
        name=kwargs.pop("name", "Q2 2026/27"),
        starts_on=starts_on,
        ends_on=kwargs.pop("ends_on", datetime.date(2026, 9, 30)),
        update_deadline=kwargs.pop(
            "update_deadline", max(timezone.localdate() + datetime.timedelta(days=10), starts_on)
        ),
        state=kwargs.pop("state", State.OPEN),
        **kwargs,
    )


def actions_of(partnership, count=1, **kwargs):
    ambition = StrategicAmbitionFactory(priority__strategy__partnership=partnership)
    return [ActionFactory(ambition=ambition, order=i + 1, **kwargs) for i in range(count)]


# Adding a financial year -------------------------------------------------------------------------


def test_a_financial_year_is_added_as_four_upcoming_quarters(sbp):
    periods = reporting_periods_create_year(partnership=sbp, year=2027, days_to_deadline=30)

    assert [(p.name, p.starts_on, p.ends_on, p.update_deadline, p.state) for p in periods] == [
        ("Q1 2027/28", datetime.date(2027, 4, 1), datetime.date(2027, 6, 30), datetime.date(2027, 7, 30), State.UPCOMING),
        ("Q2 2027/28", datetime.date(2027, 7, 1), datetime.date(2027, 9, 30), datetime.date(2027, 10, 30), State.UPCOMING),
        ("Q3 2027/28", datetime.date(2027, 10, 1), datetime.date(2027, 12, 31), datetime.date(2028, 1, 30), State.UPCOMING),
        ("Q4 2027/28", datetime.date(2028, 1, 1), datetime.date(2028, 3, 31), datetime.date(2028, 4, 30), State.UPCOMING),
    ]  # fmt: skip
    assert ReportingPeriod.objects.for_partnership(sbp).count() == 4


def test_the_year_2099_is_named_across_the_century():
    periods = reporting_periods_create_year(partnership=PartnershipFactory(), year=2099, days_to_deadline=0)

    assert periods[0].name == "Q1 2099/00"
    assert periods[3].update_deadline == datetime.date(2100, 3, 31)


@pytest.mark.parametrize(
    ("existing", "clash"),
    [
        ({"name": "Q3 2027/28", "starts_on": datetime.date(2030, 1, 1)}, "Q3 2027/28 clashes"),
        ({"name": "Autumn 2027", "starts_on": datetime.date(2027, 10, 1)}, "Q3 2027/28 clashes"),
        ({"name": "Summer 2027", "starts_on": datetime.date(2027, 8, 15)}, "Q2 2027/28 clashes"),
    ],
    ids=["same name", "same start", "overlapping dates"],
)
def test_a_year_clashing_with_an_existing_period_adds_nothing(sbp, existing, clash):
    ReportingPeriodFactory(
        partnership=sbp, ends_on=existing["starts_on"] + datetime.timedelta(days=30), **existing
    )

    with pytest.raises(ValidationError) as error:
        reporting_periods_create_year(partnership=sbp, year=2027, days_to_deadline=30)

    assert clash in str(error.value.message_dict["year"])
    assert ReportingPeriod.objects.for_partnership(sbp).count() == 1


def test_another_partnerships_periods_do_not_clash(sbp):
    reporting_periods_create_year(partnership=PartnershipFactory(), year=2027, days_to_deadline=30)

    assert len(reporting_periods_create_year(partnership=sbp, year=2027, days_to_deadline=30)) == 4


# Opening, locking and unlocking ------------------------------------------------------------------


def test_a_period_is_opened_locked_and_unlocked_with_the_reason_in_its_history(sbp):
    period = period_of(sbp, state=State.UPCOMING)

    reporting_period_transition(period=period, to=State.OPEN)
    reporting_period_transition(period=period, to=State.LOCKED, reason="Board paper prepared")
    unlocked = reporting_period_transition(period=period, to=State.OPEN, reason="MPS update arrived late")

    assert unlocked.state == State.OPEN
    records = list(period.history.order_by("-history_date", "-history_id"))
    assert [(r.state, r.history_change_reason) for r in records[:3]] == [
        (State.OPEN, "MPS update arrived late"),
        (State.LOCKED, "Board paper prepared"),
        (State.OPEN, None),
    ]


def test_unlocking_without_a_reason_is_refused(sbp):
    period = period_of(sbp, state=State.LOCKED)

    with pytest.raises(ValidationError) as error:
        reporting_period_transition(period=period, to=State.OPEN, reason="   ")

    assert error.value.message_dict == {"reason": ["Say why the period is being unlocked."]}
    period.refresh_from_db()
    assert period.state == State.LOCKED


def test_an_unlock_reason_must_fit_the_history(sbp):
    period = period_of(sbp, state=State.LOCKED)

    with pytest.raises(ValidationError) as error:
        reporting_period_transition(period=period, to=State.OPEN, reason="x" * 101)

    assert error.value.message_dict == {"reason": ["The reason must be 100 characters or fewer."]}
    period.refresh_from_db()
    assert period.state == State.LOCKED


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (State.UPCOMING, State.LOCKED),
        (State.OPEN, State.OPEN),
        (State.LOCKED, State.UPCOMING),
        (State.OPEN, "closed"),
    ],
)
def test_other_changes_of_state_are_refused(sbp, start, to):
    period = period_of(sbp, state=start)

    with pytest.raises(ValidationError):
        reporting_period_transition(period=period, to=to, reason="Because")

    period.refresh_from_db()
    assert period.state == start


def test_locking_freezes_the_periods_updates(sbp):
    period = period_of(sbp)
    [action] = actions_of(sbp)
    reporting_period_transition(period=period, to=State.LOCKED)
    data = {
        "rating": "green",
        "percent_complete": 10,
        "narrative": "Late words",
        "issues_and_risks": "",
        "mitigation": "",
        "board_ask": "",
        "is_exceptional_performance": False,
        "exceptional_performance_reason": "",
    }

    with pytest.raises(ValidationError, match="locked"):
        progress_update_save(
            action=action, period=period, author=action.owner, data=data, version="", submit=True
        )

    assert not period.progress_updates.exists()


# Pages -------------------------------------------------------------------------------------------


def test_the_list_shows_each_period_with_its_state_deadline_and_how_many_have_reported(
    client, sbp, member_of
):
    period = period_of(sbp, update_deadline=datetime.date(2026, 10, 30))
    first, second, _ = actions_of(sbp, count=3)
    ProgressUpdateFactory(action=first, period=period, submitted_at=timezone.now())
    ProgressUpdateFactory(action=second, period=period, submitted_at=None)
    period_of(
        sbp,
        name="Q3 2026/27",
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2026, 12, 31),
        state=State.UPCOMING,
    )
    client.force_login(member_of(sbp, OFFICER))

    html = client.get(url("period_list", sbp)).content.decode()

    assert "Q2 2026/27" in html and "Q3 2026/27" in html
    assert "30 Oct 2026" in html
    assert "Open for updates" in html and "Upcoming" in html
    assert "1 submitted" in html and "1 draft saved, not submitted" in html and "1 not reported" in html
    assert "Add a financial year" not in html
    assert url("period_lock", sbp, pk=period.pk) not in html


def test_administrators_add_a_financial_year_from_the_list(client, sbp, admin):
    client.force_login(admin)
    page = client.get(url("period_list", sbp)).content.decode()
    assert url("period_year_create", sbp) in page

    response = client.post(url("period_year_create", sbp), {"year": "2027", "days_to_deadline": "30"})

    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Added Q1 2027/28 to Q4 2027/28 as upcoming reporting periods." in html
    assert ReportingPeriod.objects.for_partnership(sbp).count() == 4


def test_the_year_form_suggests_the_year_after_the_last_period(client, sbp, admin):
    period_of(
        sbp,
        name="Q4 2026/27",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 3, 31),
        update_deadline=datetime.date(2027, 4, 30),
    )
    client.force_login(admin)

    html = client.get(url("period_year_create", sbp)).content.decode()

    assert 'value="2027"' in html
    assert 'value="30"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "", "days_to_deadline": "30"}, "Enter the year the financial year starts"),
        ({"year": "twenty", "days_to_deadline": "30"}, "Enter the year as 4 digits, for example 2027"),
        ({"year": "2027", "days_to_deadline": "-1"}, "Enter 0 or more days"),
        ({"year": "2027", "days_to_deadline": "a month"}, "Enter the number of days as a whole number"),
    ],
)
def test_bad_answers_to_the_year_form_add_nothing(client, sbp, admin, data, message):
    client.force_login(admin)

    response = client.post(url("period_year_create", sbp), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html and "govuk-error-summary" in html
    assert message in html
    assert not ReportingPeriod.objects.exists()


def test_a_clashing_year_is_shown_in_the_error_summary(client, sbp, admin):
    period_of(
        sbp, name="Summer 2027", starts_on=datetime.date(2027, 6, 1), ends_on=datetime.date(2027, 8, 31)
    )
    client.force_login(admin)

    response = client.post(url("period_year_create", sbp), {"year": "2027", "days_to_deadline": "30"})

    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Q1 2027/28 clashes with the existing period Summer 2027 (1 June 2027 to 31 August 2027)." in html
    assert "Q2 2027/28 clashes with the existing period Summer 2027 (1 June 2027 to 31 August 2027)." in html
    assert ReportingPeriod.objects.count() == 1


def test_locking_and_unlocking_through_the_pages(client, sbp, admin):
    period = period_of(sbp)
    client.force_login(admin)

    assert "Lock this period" in client.get(url("period_lock", sbp, pk=period.pk)).content.decode()
    locked = client.post(url("period_lock", sbp, pk=period.pk), {"reason": ""})
    assert locked.status_code == 302
    period.refresh_from_db()
    assert period.state == State.LOCKED

    refused = client.post(url("period_unlock", sbp, pk=period.pk), {"reason": ""})
    assert "govuk-error-summary" in refused.content.decode()
    assert "Say why the period is being unlocked" in refused.content.decode()
    period.refresh_from_db()
    assert period.state == State.LOCKED

    unlocked = client.post(url("period_unlock", sbp, pk=period.pk), {"reason": "LFB return was lost"})
    page = client.get(unlocked["Location"]).content.decode()
    period.refresh_from_db()
    assert period.state == State.OPEN
    assert "Q2 2026/27 is open for updates." in page
    assert "LFB return was lost" in page


def test_a_change_that_does_not_fit_the_state_changes_nothing(client, sbp, admin):
    period = period_of(sbp, state=State.UPCOMING)
    client.force_login(admin)

    shown = client.get(url("period_unlock", sbp, pk=period.pk), follow=True)
    posted = client.post(url("period_lock", sbp, pk=period.pk), {"reason": ""})

    assert "Q2 2026/27 is upcoming." in shown.content.decode()
    assert "govuk-error-summary" in posted.content.decode()
    period.refresh_from_db()
    assert period.state == State.UPCOMING


def test_changing_the_deadline(client, sbp, admin):
    period = period_of(sbp)
    client.force_login(admin)

    response = client.post(
        url("period_deadline", sbp, pk=period.pk),
        {
            "update_deadline_0": "6",
            "update_deadline_1": "11",
            "update_deadline_2": "2026",
            "version": version_of(period),
        },
    )

    assert response.status_code == 302
    period.refresh_from_db()
    assert period.update_deadline == datetime.date(2026, 11, 6)
    assert (
        "Updates for Q2 2026/27 are now due by 6 November 2026."
        in client.get(response["Location"]).content.decode()
    )


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("30", "6", "2026", "The update deadline must be on or after the day the period starts, 1 July 2026"),
        ("31", "11", "2026", "The update deadline must be a real date"),
        ("", "", "", "Enter the update deadline"),
        ("6", "11", "26", "Enter the year of the update deadline as 4 digits"),
    ],
)
def test_a_bad_deadline_changes_nothing(client, sbp, admin, day, month, year, message):
    period = period_of(sbp)
    before = period.update_deadline
    client.force_login(admin)

    response = client.post(
        url("period_deadline", sbp, pk=period.pk),
        {"update_deadline_0": day, "update_deadline_1": month, "update_deadline_2": year},
    )

    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    period.refresh_from_db()
    assert period.update_deadline == before


def test_the_status_page_shows_each_expected_actions_return_and_the_counts(client, sbp, member_of):
    period = period_of(sbp, update_deadline=datetime.date(2026, 10, 21))  # passed
    submitted, drafted, silent = actions_of(sbp, count=3)
    ActionFactory(
        ambition=submitted.ambition,
        order=9,
        title="Starts next year",
        starts_on=datetime.date(2027, 4, 1),
        due_on=datetime.date(2028, 1, 1),
    )
    ProgressUpdateFactory(action=submitted, period=period, submitted_at=timezone.now())
    ProgressUpdateFactory(action=drafted, period=period, submitted_at=None)
    owner_membership = silent.owner.memberships.get()
    client.force_login(member_of(sbp, BOARD_MEMBER))

    response = client.get(url("period_detail", sbp, pk=period.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "3 actions expected to report for Q2 2026/27." in html
    assert html.count('govuk-tag--green">Submitted') == 1
    assert html.count("Draft saved</strong>") == 1
    assert html.count("Not reported</strong>") == 1
    assert html.count("Late</strong>") == 2
    assert "Starts next year" not in html
    text = unescape(html)  # names such as O'Sullivan are escaped in the page
    assert str(silent.owner) in text and owner_membership.organisation.name in text
    assert "Send reminders now" not in html
    assert response.context["counts"] == ReturnCounts(submitted=1, draft=1, missing=1)


def returns_of_q2(partnership):
    """Q2 with 5 actions expected to report: 1 submitted, 2 drafts (one written by a delegate) and 2
    missing; and a submitted update from an action not expected to report, which no count includes."""
    period = period_of(partnership)
    submitted, drafted, delegated, *_ = actions_of(partnership, count=5)
    ProgressUpdateFactory(action=submitted, period=period, submitted_at=timezone.now())
    ProgressUpdateFactory(action=drafted, period=period, submitted_at=None)
    delegate = MembershipFactory(partnership=partnership, user__first_name="Dana", user__last_name="Delegate")
    ProgressUpdateFactory(action=delegated, period=period, author=delegate.user, submitted_at=None)
    [not_started] = actions_of(
        partnership, starts_on=datetime.date(2027, 4, 1), due_on=datetime.date(2028, 1, 1)
    )
    ProgressUpdateFactory(action=not_started, period=period, submitted_at=timezone.now())
    return period, drafted, delegated, delegate.user


def test_submitted_drafts_and_missing_returns_are_counted_once_for_every_page(sbp):
    period, *_ = returns_of_q2(sbp)

    counts = period.return_counts()

    assert counts == ReturnCounts(submitted=1, draft=2, missing=2)
    assert (counts.expected, counts.outstanding) == (5, 4)
    [listed] = ReportingPeriod.objects.with_return_counts()
    assert ReturnCounts.of(listed) == counts


def test_the_status_lock_and_list_pages_show_the_same_returns(client, sbp, admin):
    period, *_ = returns_of_q2(sbp)
    client.force_login(admin)

    status = client.get(url("period_detail", sbp, pk=period.pk))
    lock = client.get(url("period_lock", sbp, pk=period.pk))
    listing = client.get(url("period_list", sbp)).content.decode()

    expected = ReturnCounts(submitted=1, draft=2, missing=2)
    assert status.context["counts"] == lock.context["counts"] == expected
    assert "5 actions expected to report for Q2 2026/27." in status.content.decode()
    assert "Of the 5 actions expected to report:" in lock.content.decode()
    assert (
        "1 submitted" in listing
        and "2 drafts saved, not submitted" in listing
        and "2 not reported" in listing
    )


def test_locking_warns_that_drafts_will_be_frozen_and_offers_to_remind_first(client, sbp, admin):
    period, drafted, delegated, delegate = returns_of_q2(sbp)
    client.force_login(admin)

    html = client.get(url("period_lock", sbp, pk=period.pk)).content.decode()

    assert "updates have been submitted" not in html
    assert "govuk-warning-text" in html
    assert "2 drafts will be frozen unsubmitted: nobody can submit them until the period is unlocked." in html
    # Names may hold an apostrophe (O'Brien), which the page escapes.
    assert f"{drafted.reference} {drafted.title}: draft by {drafted.owner}</li>" in unescape(html)
    assert (
        f"{delegated.reference} {delegated.title}: draft by {delegate}, action owned by {delegated.owner}"
        in unescape(html)
    )
    assert f'action="{url("period_remind", sbp, pk=period.pk)}"' in html

    reminded = client.post(url("period_remind", sbp, pk=period.pk), follow=True)

    assert "Reminders sent: 4 people emailed about Q2 2026/27." in reminded.content.decode()


def test_locking_with_no_drafts_gives_no_warning(client, sbp, admin):
    period = period_of(sbp)
    [action] = actions_of(sbp)
    ProgressUpdateFactory(action=action, period=period, submitted_at=timezone.now())
    client.force_login(admin)

    response = client.get(url("period_lock", sbp, pk=period.pk))

    assert response.context["counts"] == ReturnCounts(submitted=1, draft=0, missing=0)
    assert "govuk-warning-text" not in response.content.decode()
    assert "Send reminders now" not in response.content.decode()


def test_opening_a_period_while_another_is_open_says_what_is_still_outstanding_there(client, sbp, admin):
    q2, *_ = returns_of_q2(sbp)
    q3 = period_of(
        sbp,
        name="Q3 2026/27",
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2026, 12, 31),
        state=State.UPCOMING,
    )
    client.force_login(admin)

    html = client.get(url("period_open", sbp, pk=q3.pk)).content.decode()

    assert (
        "Q2 2026/27 is still open for updates, with 4 returns outstanding: 2 drafts saved, not submitted, "
        "and 2 not reported (1 submitted)."
    ) in html
    assert f'href="{url("period_detail", sbp, pk=q2.pk)}">See who has reported for Q2 2026/27</a>' in html


def test_opening_a_period_while_no_other_is_open_gives_no_warning(client, sbp, admin):
    period_of(
        sbp,
        name="Q1 2026/27",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 6, 30),
        state=State.LOCKED,
    )
    q2 = period_of(sbp, state=State.UPCOMING)
    client.force_login(admin)

    html = client.get(url("period_open", sbp, pk=q2.pk)).content.decode()

    assert "govuk-warning-text" not in html and "still open" not in html


def test_an_administrator_sends_the_reminders_now_and_is_told_who_was_emailed(client, sbp, admin):
    period = period_of(sbp)
    [first] = actions_of(sbp)
    [second] = actions_of(sbp)
    [done] = actions_of(sbp)
    ProgressUpdateFactory(action=done, period=period, submitted_at=timezone.now())
    client.force_login(admin)
    assert "Send reminders now" in client.get(url("period_detail", sbp, pk=period.pk)).content.decode()

    response = client.post(url("period_remind", sbp, pk=period.pk), follow=True)

    assert "Reminders sent: 2 people emailed about Q2 2026/27." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.owner.email, second.owner.email])
    assert UpdateReminder.objects.filter(period=period, sent_on=timezone.localdate()).count() == 2

    again = client.post(url("period_remind", sbp, pk=period.pk), follow=True)

    assert "has already been reminded today" in again.content.decode()
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_reminders_sent_now_on_the_database_queue_go_when_its_worker_runs(client, sbp, admin, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    period = period_of(sbp)
    [owed] = actions_of(sbp)
    client.force_login(admin)

    response = client.post(url("period_remind", sbp, pk=period.pk), follow=True)

    assert "Reminders about Q2 2026/27 are being sent." in response.content.decode()
    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [m.to for m in mail.outbox] == [[owed.owner.email]]
    assert UpdateReminder.objects.filter(period=period, recipient=owed.owner).exists()


def test_reminders_say_who_could_not_be_emailed(client, sbp, admin, monkeypatch):
    period = period_of(sbp)
    [unlucky] = actions_of(sbp)
    [fine] = actions_of(sbp)
    [no_email] = actions_of(sbp)
    no_email.owner.email = ""
    no_email.owner.save()
    real_send = EmailMultiAlternatives.send

    def send_or_fail(message, *args, **kwargs):
        if message.to == [unlucky.owner.email]:
            raise SMTPRecipientsRefused({unlucky.owner.email: (550, b"Mailbox unavailable")})
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send_or_fail)
    client.force_login(admin)

    # Names such as O'Sullivan are escaped in the page.
    html = unescape(client.post(url("period_remind", sbp, pk=period.pk), follow=True).content.decode())

    assert "Reminders sent: 1 person emailed about Q2 2026/27." in html
    assert f"Could not email: {unlucky.owner}. Try again later." in html
    assert f"no email address, or no longer an active member): {no_email.owner}." in html
    assert [m.to for m in mail.outbox] == [[fine.owner.email]]


def test_reminders_are_not_sent_for_a_period_that_is_not_open(client, sbp, admin):
    period = period_of(sbp, state=State.LOCKED)
    actions_of(sbp)
    client.force_login(admin)

    html = client.post(url("period_remind", sbp, pk=period.pk), follow=True).content.decode()

    assert "Reminders are sent only while a period is open for updates." in html
    assert not mail.outbox


def test_nobody_is_reminded_when_everyone_has_submitted(client, sbp, admin):
    period = period_of(sbp)
    [action] = actions_of(sbp)
    ProgressUpdateFactory(action=action, period=period, submitted_at=timezone.now())
    client.force_login(admin)

    html = client.post(url("period_remind", sbp, pk=period.pk), follow=True).content.decode()

    assert "Every update expected for Q2 2026/27 has been submitted: nobody to remind." in html
    assert not mail.outbox


# Who may do what ---------------------------------------------------------------------------------


def change_requests(partnership, period):
    """Every change to reporting periods, as (method, url, data)."""
    return [
        ("get", url("period_year_create", partnership), {}),
        ("post", url("period_year_create", partnership), {"year": "2030", "days_to_deadline": "30"}),
        ("get", url("period_open", partnership, pk=period.pk), {}),
        ("post", url("period_lock", partnership, pk=period.pk), {"reason": ""}),
        ("post", url("period_unlock", partnership, pk=period.pk), {"reason": "Because"}),
        ("get", url("period_deadline", partnership, pk=period.pk), {}),
        ("post", url("period_deadline", partnership, pk=period.pk), {"update_deadline_0": "1", "update_deadline_1": "12", "update_deadline_2": "2026"}),
        ("post", url("period_remind", partnership, pk=period.pk), {}),
    ]  # fmt: skip


@pytest.mark.parametrize("role", [OFFICER, BOARD_MEMBER])
def test_officers_and_board_members_read_the_periods_but_change_nothing(client, sbp, member_of, role):
    period = period_of(sbp)
    actions_of(sbp)
    client.force_login(member_of(sbp, role))

    assert client.get(url("period_list", sbp)).status_code == 200
    assert client.get(url("period_detail", sbp, pk=period.pk)).status_code == 200
    for method, address, data in change_requests(sbp, period):
        assert getattr(client, method)(address, data).status_code == 403, address

    deadline = period.update_deadline
    period.refresh_from_db()
    assert (period.state, period.update_deadline) == (State.OPEN, deadline)
    assert ReportingPeriod.objects.count() == 1
    assert not mail.outbox


def test_another_partnerships_periods_answer_404(client, sbp, admin):
    theirs = PartnershipFactory(name="Their secret partnership")
    their_period = period_of(theirs, name="Their secret period")
    client.force_login(admin)

    assert client.get(url("period_list", theirs)).status_code == 404
    assert client.get(url("period_detail", theirs, pk=their_period.pk)).status_code == 404
    under_ours = client.get(url("period_detail", sbp, pk=their_period.pk))
    assert under_ours.status_code == 404
    assert b"secret" not in under_ours.content
    for method, address, data in change_requests(sbp, their_period)[2:]:
        assert getattr(client, method)(address, data).status_code == 404, address
    their_period.refresh_from_db()
    assert their_period.state == State.OPEN


def test_an_officer_asking_for_another_partnerships_period_gets_404_not_403(client, sbp, member_of):
    their_period = period_of(PartnershipFactory())
    client.force_login(member_of(sbp, OFFICER))

    assert client.post(url("period_lock", sbp, pk=their_period.pk), {}).status_code == 404


# Query counts ------------------------------------------------------------------------------------


def test_the_period_list_costs_the_same_for_1_and_50_actions(client, sbp, admin, assert_same_queries):
    period = period_of(sbp)
    period_of(sbp, name="Q1 2026/27", starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2026, 6, 30))
    ambition = StrategicAmbitionFactory(priority__strategy__partnership=sbp)
    owner = MembershipFactory(partnership=sbp).user
    client.force_login(admin)
    client.get(url("period_list", sbp))  # warm the session and content types

    def make_rows(count):
        for order in range(ambition.actions.count() + 1, count + 1):
            action = ActionFactory(ambition=ambition, order=order, owner=owner)
            ProgressUpdateFactory(action=action, period=period, submitted_at=timezone.now())

    one, fifty = assert_same_queries(make_rows, lambda _: client.get(url("period_list", sbp)))

    assert one.status_code == fifty.status_code == 200
    assert "50 submitted" in fifty.content.decode()


def test_the_period_status_page_costs_the_same_for_1_and_50_actions(client, sbp, admin, assert_same_queries):
    period = period_of(sbp)
    ambition = StrategicAmbitionFactory(priority__strategy__partnership=sbp)
    client.force_login(admin)
    client.get(url("period_detail", sbp, pk=period.pk))

    def make_rows(count):
        for order in range(ambition.actions.count() + 1, count + 1):
            action = ActionFactory(ambition=ambition, order=order)  # each with its own owner and organisation
            if order % 2 and order > 1:
                ProgressUpdateFactory(
                    action=action, period=period, submitted_at=None if order % 3 else timezone.now()
                )

    one, fifty = assert_same_queries(make_rows, lambda _: client.get(url("period_detail", sbp, pk=period.pk)))

    assert one.status_code == fifty.status_code == 200


@pytest.mark.django_db
def test_a_partly_created_year_is_completed_and_the_form_suggests_the_next_empty_year(client):
    partnership = PartnershipFactory()
    for quarter, (starts, ends) in enumerate(
        [((2026, 4, 1), (2026, 6, 30)), ((2026, 7, 1), (2026, 9, 30)), ((2026, 10, 1), (2026, 12, 31))],
        start=1,
    ):
        ReportingPeriodFactory(
            partnership=partnership,
            name=f"Q{quarter} 2026/27",
            starts_on=datetime.date(*starts),
            ends_on=datetime.date(*ends),
            update_deadline=datetime.date(*ends) + datetime.timedelta(days=30),
        )
    client.force_login(MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user)
    url = reverse("delivery:period_year_create", kwargs={"slug": partnership.slug})

    assert client.get(url).context["form"].initial["year"] == 2027
    created = reporting_periods_create_year(partnership=partnership, year=2026, days_to_deadline=30)
    assert [p.name for p in created] == ["Q4 2026/27"]
    with pytest.raises(ValidationError, match="Every quarter of this financial year already exists"):
        reporting_periods_create_year(partnership=partnership, year=2026, days_to_deadline=30)
