"""Several open reporting periods: late returns to an earlier period beside the current one's, each
at its own address, and who may read a draft update."""

import datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import Membership
from delivery.models import ProgressUpdate, ReportingPeriod
from delivery.services.reminders import update_reminders_send
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def action():
    return ActionFactory(title="Run the knife crime awareness sessions")


@pytest.fixture
def q2(action):
    """Kept open after its deadline, for late returns."""
    return ReportingPeriodFactory(
        partnership=action.partnership,
        name="Q2 2026/27",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 9, 30),
        update_deadline=datetime.date(2026, 10, 21),
        state=ReportingPeriod.State.OPEN,
    )


@pytest.fixture
def q3(action):
    return ReportingPeriodFactory(
        partnership=action.partnership,
        name="Q3 2026/27",
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2026, 12, 31),
        update_deadline=datetime.date(2027, 1, 21),
        state=ReportingPeriod.State.OPEN,
    )


def update_url(action, period=None):
    kwargs = {"slug": action.partnership.slug, "pk": action.pk}
    if period is None:
        return reverse("delivery:progress_update", kwargs=kwargs)
    return reverse("delivery:progress_update_for", kwargs={**kwargs, "period_pk": period.pk})


def form_data(**changes):
    return {
        "rating": "green",
        "percent_complete": "40",
        "narrative": "Sessions booked in six schools.",
        "issues_and_risks": "",
        "mitigation": "",
        "board_ask": "",
        "exceptional_performance_reason": "",
        "version": "",
        "submit": "",
        **changes,
    }


def test_my_actions_lists_what_is_owed_for_each_open_period_late_returns_first(client, action, q2, q3):
    ProgressUpdateFactory(action=action, period=q2, submitted_at=None, narrative="Q2 draft")
    client.force_login(action.owner)

    html = client.get(
        reverse("delivery:my_actions", kwargs={"slug": action.partnership.slug})
    ).content.decode()

    assert html.index("<strong>Q2 2026/27</strong> is open") < html.index(
        "<strong>Q3 2026/27</strong> is open"
    )
    assert "Updates were due by <strong>21 October 2026</strong>: the deadline has passed" in html
    assert html.count("You owe 1 update for it.") == 2
    assert update_url(action, q2) in html
    assert update_url(action, q3) in html
    assert html.index("Q2 2026/27: ") < html.index("Q3 2026/27: ")
    assert ">Late</strong>" in html and ">Due</strong>" in html
    # The header counts what is owed across both periods.
    assert '2<span class="govuk-visually-hidden"> updates due</span>' in html


def test_the_form_opens_at_each_periods_address_and_says_which_period(client, action, q2, q3):
    client.force_login(action.owner)

    late = client.get(update_url(action, q2)).content.decode()
    current = client.get(update_url(action, q3)).content.decode()

    assert "Update progress for Q2 2026/27" in late
    assert "this is a late return" in late
    assert f'href="{update_url(action, q3)}">Q3 2026/27</a>' in late
    assert "Update progress for Q3 2026/27" in current
    assert "this is a late return" not in current


def test_the_old_address_opens_the_earliest_period_owed_else_the_latest_open(client, action, q2, q3):
    client.force_login(action.owner)

    assert "Update progress for Q2 2026/27" in client.get(update_url(action)).content.decode()
    ProgressUpdateFactory(action=action, period=q2, submitted_at="2026-10-20T10:00Z")
    assert "Update progress for Q3 2026/27" in client.get(update_url(action)).content.decode()
    ProgressUpdateFactory(action=action, period=q3, submitted_at="2026-11-20T10:00Z")
    assert "Update progress for Q3 2026/27" in client.get(update_url(action)).content.decode()


def test_a_form_opened_at_the_old_address_saves_to_the_period_it_showed(client, action, q2, q3):
    client.force_login(action.owner)
    page = client.get(update_url(action)).content.decode()
    assert "Update progress for Q2 2026/27" in page
    assert f'action="{update_url(action, q2)}"' in page

    # Q2's return arrives from elsewhere before this form is sent: the form still answers for Q2,
    # and is told someone else saved it, rather than landing in Q3 unseen.
    ProgressUpdateFactory(action=action, period=q2, submitted_at="2026-11-20T10:00Z")
    response = client.post(update_url(action, q2), form_data())

    assert response.status_code == 409
    assert not ProgressUpdate.objects.filter(action=action, period=q3).exists()


def test_the_action_page_button_opens_the_period_owed(client, action, q2, q3):
    client.force_login(action.owner)

    html = client.get(action.get_absolute_url()).content.decode()

    assert f'href="{update_url(action, q2)}">Update progress' in html


def test_a_late_return_to_an_unlocked_earlier_period_is_saved_to_that_period(client, action, q2, q3):
    q2.state = ReportingPeriod.State.LOCKED
    q2.save()
    client.force_login(action.owner)
    locked = client.get(update_url(action, q2)).content.decode()
    refused = client.post(update_url(action, q2), form_data())
    assert "Q2 2026/27 is locked, so its update cannot be changed now." in locked
    assert 'name="narrative"' not in locked
    assert refused.status_code == 409
    assert not ProgressUpdate.objects.exists()

    q2.state = ReportingPeriod.State.OPEN  # unlocked for the late return
    q2.save()
    response = client.post(update_url(action, q2), form_data(narrative="Late but done"))

    assert response.status_code == 302
    [saved] = ProgressUpdate.objects.all()
    assert (saved.period, saved.narrative, saved.is_submitted) == (q2, "Late but done", True)
    assert "Progress update for Q2 2026/27 submitted." in client.get(response["Location"]).content.decode()
    assert "Update progress for Q3 2026/27" in client.get(update_url(action)).content.decode()


def test_another_partnerships_period_answers_404(client, action, q3):
    foreign = ReportingPeriodFactory(state=ReportingPeriod.State.OPEN)
    client.force_login(action.owner)

    assert client.get(update_url(action, foreign)).status_code == 404
    assert client.post(update_url(action, foreign), form_data()).status_code == 404
    assert client.get(update_url(action, q3)).status_code == 200
    assert not ProgressUpdate.objects.exists()


def test_reminders_link_to_each_periods_own_address(action, q2, q3):
    action.owner.email = "owner@example.org"
    action.owner.save()

    update_reminders_send(periods=[q2, q3], today=TODAY)

    [email] = mail.outbox
    paths = [urlsplit(word).path for word in email.body.split() if word.startswith("http")]
    assert update_url(action, q2) in paths
    assert update_url(action, q3) in paths


def test_a_draft_is_shown_to_who_may_edit_it_and_hidden_from_everyone_else(client, action, q2, q3):
    ProgressUpdateFactory(
        action=action, period=q2, submitted_at="2026-10-20T10:00Z", narrative="Q2 submitted"
    )
    ProgressUpdateFactory(action=action, period=q3, submitted_at=None, narrative="Q3 half-written draft")
    board_member = MembershipFactory(partnership=action.partnership, role=Membership.Role.BOARD_MEMBER).user
    other_officer = MembershipFactory(partnership=action.partnership).user

    client.force_login(action.owner)
    owners = client.get(action.get_absolute_url()).content.decode()
    client.force_login(board_member)
    boards = client.get(action.get_absolute_url()).content.decode()
    client.force_login(other_officer)
    officers = client.get(action.get_absolute_url()).content.decode()

    assert "Q3 half-written draft" in owners
    assert "Q3 2026/27 (draft)" in owners
    for html in (boards, officers):
        assert "Q2 submitted" in html
        assert "Q3 half-written draft" not in html
        assert "(draft)" not in html
