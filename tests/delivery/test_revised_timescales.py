"""Revised timescales: moving a due date keeps the original, asks why, and the board sees both."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from core.conflicts import version_of
from core.limits import SHORT_TEXT_MAX_LENGTH
from core.templatetags.govuk import due_in_words
from delivery.models import Action, ReportingPeriod
from delivery.services.actions import action_update
from reports import exceptions
from reports.exceptions import ActionState, exception_report_build
from reports.exports.csv_file import exception_report_csv
from reports.models import ExceptionRule, ExceptionRuleSetting
from tests.delivery.factories import ActionFactory, ReportingPeriodFactory
from tests.priorities.factories import StrategicAmbitionFactory

pytestmark = pytest.mark.django_db

AGREED = datetime.date(2026, 12, 31)
LATER = datetime.date(2027, 3, 31)
LATEST = datetime.date(2027, 6, 30)
REASON = "Waiting for the new youth service contract"


@pytest.fixture
def action():
    ambition = StrategicAmbitionFactory(priority__strategy__starts_on=datetime.date(2024, 4, 1))
    return ActionFactory(ambition=ambition, starts_on=datetime.date(2026, 4, 1), due_on=AGREED)


def moved(action, due_on, reason=REASON):
    return action_update(
        action=action,
        data={"due_on": due_on, "due_revision_reason": reason},
        version=version_of(action),
    )


def test_moving_the_due_date_keeps_the_original_with_when_and_why(action):
    moved(action, LATER)

    action.refresh_from_db()
    assert (action.due_on, action.original_due_on) == (LATER, AGREED)
    assert action.due_revised_on == timezone.localdate()
    assert action.due_revision_reason == REASON
    assert action.history.first().due_revision_reason == REASON


def test_a_second_revision_keeps_the_first_agreed_date_and_the_newest_reason(action):
    moved(action, LATER)
    action.refresh_from_db()
    moved(action, LATEST, "The contract slipped again")

    action.refresh_from_db()
    assert (action.due_on, action.original_due_on) == (LATEST, AGREED)
    assert action.due_revision_reason == "The contract slipped again"


def test_going_back_to_the_agreed_date_is_no_longer_a_revised_timescale(action):
    moved(action, LATER)
    action.refresh_from_db()
    moved(action, AGREED, "Funding came through after all")

    action.refresh_from_db()
    assert (action.due_on, action.original_due_on, action.due_revised_on) == (AGREED, None, None)
    # Why is kept in its history, which the action page shows.
    assert action.history.first().history_change_reason == (
        "Due date back to the one agreed: Funding came through after all"
    )


def test_moving_an_ongoing_action_to_a_date_is_a_revision_from_ongoing(action):
    action_update(
        action=action,
        data={"due_on": None, "due_timescale": "Ongoing", "due_revision_reason": "Now business as usual"},
        version=version_of(action),
    )
    action.refresh_from_db()
    assert (action.due_on, action.original_due_on) == (None, AGREED)
    moved(action, LATER, "The board asked for an end date")

    action.refresh_from_db()
    assert (action.due_on, action.original_due_on, action.due_revision_reason) == (
        LATER,
        AGREED,
        "The board asked for an end date",
    )
    ongoing_first = ActionFactory(
        ambition=action.ambition, order=action.order + 1, due_on=None, due_timescale="Ongoing"
    )
    moved(ongoing_first, LATER, "Now time-limited")
    ongoing_first.refresh_from_db()
    assert (ongoing_first.original_due_on, ongoing_first.due_revised_on) == (None, timezone.localdate())
    assert (
        due_in_words(
            ongoing_first.due_on,
            ongoing_first.due_timescale,
            ongoing_first.due_revised_on,
            ongoing_first.original_due_on,
            ongoing_first.due_revision_reason,
        )
        == "31 March 2027 (revised from Ongoing: Now time-limited)"
    )


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_moving_the_due_date_without_a_reason_saves_nothing(action, reason):
    with pytest.raises(ValidationError) as error:
        moved(action, LATER, reason)

    assert error.value.message_dict == {"due_revision_reason": ["Say why the due date is changing"]}
    action.refresh_from_db()
    assert (action.due_on, action.original_due_on, action.due_revised_on) == (AGREED, None, None)


def test_other_changes_leave_the_revision_as_it_is(action):
    moved(action, LATER)
    action.refresh_from_db()

    action_update(action=action, data={"title": "Renamed", "due_on": LATER}, version=version_of(action))

    action.refresh_from_db()
    assert (action.title, action.original_due_on, action.due_revision_reason) == ("Renamed", AGREED, REASON)


# The administrators' form


@pytest.fixture
def admin(action, member_of):
    return member_of(action.partnership, Membership.Role.ADMINISTRATOR)


def edit(client, action, **changes):
    data = {
        "title": action.title,
        "owner": str(action.owner_id),
        "lead_organisation": str(action.lead_organisation_id),
        "starts_on_0": "1",
        "starts_on_1": "4",
        "starts_on_2": "2026",
        "due": action.timescale,
        "status": action.status,
        "version": version_of(action),
        **changes,
    }
    return client.post(
        reverse("delivery:action_edit", kwargs={"slug": action.partnership.slug, "pk": action.pk}), data
    )


LATER_FIELDS = {"due": "31/03/2027"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (LATER_FIELDS, "Say why the due date is changing"),
        ({"due_revision_reason": REASON}, "The due date has not changed: change it, or clear the reason"),
        (
            {**LATER_FIELDS, "due_revision_reason": "x" * (SHORT_TEXT_MAX_LENGTH + 1)},
            "The reason must be 2,000 characters or fewer",
        ),
    ],
)
def test_the_form_refuses_a_move_without_a_reason_or_a_reason_without_a_move(
    client, action, admin, changes, message
):
    client.force_login(admin)

    response = edit(client, action, **changes)

    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    action.refresh_from_db()
    assert (action.due_on, action.original_due_on) == (AGREED, None)


def test_the_revised_date_shows_with_its_reason_as_text_on_the_action_and_the_delivery_plan(
    client, action, admin
):
    client.force_login(admin)
    hostile = "<b>Contractor</b> delay — ｆunding"

    response = edit(client, action, **LATER_FIELDS, due_revision_reason=hostile)

    assert response.status_code == 302
    expected = "31 March 2027 (revised from 31 December 2026: &lt;b&gt;Contractor&lt;/b&gt; delay — ｆunding)"
    slug = action.partnership.slug
    page = client.get(action.get_absolute_url()).content.decode()
    plan = client.get(reverse("delivery:action_list", kwargs={"slug": slug})).content.decode()
    assert expected in page and expected in plan
    assert "<b>Contractor" not in page + plan


def test_a_new_action_has_no_reason_to_give(client, action, admin):
    client.force_login(admin)
    url = reverse(
        "delivery:action_create", kwargs={"slug": action.partnership.slug, "ambition_pk": action.ambition_id}
    )

    assert 'name="due_revision_reason"' not in client.get(url).content.decode()
    edit_url = reverse("delivery:action_edit", kwargs={"slug": action.partnership.slug, "pk": action.pk})
    assert 'name="due_revision_reason"' in client.get(edit_url).content.decode()


# The exception report

PERIOD = ReportingPeriod(
    name="Q3 2026/27",
    starts_on=datetime.date(2026, 10, 1),
    ends_on=datetime.date(2026, 12, 31),
    update_deadline=datetime.date(2027, 1, 31),
)


def state(action):
    return ActionState(
        action=action,
        update=None,
        previous_rating=None,
        overdue_milestones=[],
        period=PERIOD,
        today=datetime.date(2027, 1, 10),
    )


@pytest.mark.parametrize(
    ("revised_on", "reported"),
    [
        (datetime.date(2026, 9, 30), False),
        (datetime.date(2026, 10, 1), True),
        (datetime.date(2027, 1, 31), True),
        (datetime.date(2027, 2, 1), False),
    ],
)
def test_the_rule_reports_a_revision_from_the_period_start_to_its_update_deadline(revised_on, reported):
    revised = Action(
        due_on=LATER, original_due_on=AGREED, due_revised_on=revised_on, due_revision_reason=REASON
    )

    reason = exceptions.timescale_revised(state(revised))

    assert reason == (f"Due date revised on {revised_on.day} {revised_on:%B %Y}" if reported else None)


def test_a_revision_is_reported_once_from_the_day_after_the_previous_periods_deadline():
    revised = Action(
        due_on=LATER,
        original_due_on=AGREED,
        due_revised_on=datetime.date(2026, 10, 20),
        due_revision_reason=REASON,
    )
    after_q2 = ActionState(
        action=revised,
        update=None,
        previous_rating=None,
        overdue_milestones=[],
        period=PERIOD,
        today=datetime.date(2027, 1, 10),
        revisions_since=datetime.date(2026, 11, 1),  # Q2's deadline was 31 October
    )

    assert exceptions.timescale_revised(after_q2) is None  # Q2's report has it
    assert exceptions.timescale_revised(state(Action(due_on=AGREED))) is None


def test_the_report_shows_the_revision_and_the_rule_can_be_switched_off(action):
    partnership = action.partnership
    period = ReportingPeriodFactory(
        partnership=partnership,
        starts_on=timezone.localdate() - datetime.timedelta(days=30),
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    moved(action, LATER)

    def report():
        return exception_report_build(
            partnership=partnership, period=period, meeting=None, today=timezone.localdate()
        )

    [item] = report()["sections"][0]["ambitions"][0]["items"]
    assert item["reasons"] == [f"Due date revised on {timezone.localdate():%-d %B %Y}"]
    assert (item["due_on"], item["original_due_on"]) == ("2027-03-31", "2026-12-31")
    csv_text = exception_report_csv(content=report())
    assert "2027-03-31,,2026-12-31,Waiting for the new youth service contract" in csv_text

    ExceptionRuleSetting.objects.create(
        partnership=partnership, rule=ExceptionRule.TIMESCALE_REVISED, is_enabled=False
    )
    assert report()["sections"] == []
