"""The progress-update form gives its writer context: the previous period's submitted update, the
action's due date, success measure and open milestones; and its text boxes are limited, by the
server and with the GOV.UK character count."""

import datetime

import pytest
from django.urls import reverse

from core.limits import TEXT_MAX_LENGTH
from delivery.models import ProgressUpdate, ReportingPeriod
from tests.delivery.factories import (
    ActionFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def action():
    return ActionFactory(
        title="Run the knife crime awareness sessions",
        due_on=datetime.date(2027, 3, 31),
        success_measure="Every secondary school has held a session.",
    )


def period(action, name, starts_on, state=ReportingPeriod.State.LOCKED):
    return ReportingPeriodFactory(
        partnership=action.partnership,
        name=name,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=90),
        update_deadline=starts_on + datetime.timedelta(days=111),
        state=state,
    )


@pytest.fixture
def q1(action):
    return period(action, "Q1 2026/27", datetime.date(2026, 4, 1))


@pytest.fixture
def q2(action):
    return period(action, "Q2 2026/27", datetime.date(2026, 7, 1), state=ReportingPeriod.State.OPEN)


def update_url(action, period):
    return reverse(
        "delivery:progress_update_for",
        kwargs={"slug": action.partnership.slug, "pk": action.pk, "period_pk": period.pk},
    )


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


def test_the_previous_periods_submitted_update_is_shown_collapsed(client, action, q1, q2):
    earlier = period(action, "Q4 2025/26", datetime.date(2026, 1, 1))
    ProgressUpdateFactory(action=action, period=earlier, submitted_at="2026-01-20T10:00Z", narrative="Older")
    ProgressUpdateFactory(
        action=action,
        period=q1,
        submitted_at="2026-07-15T10:00Z",
        rating="amber",
        narrative="Two schools cancelled.",
        issues_and_risks="Exam season clashes with the sessions.",
        mitigation="Rebook for September.",
    )
    client.force_login(action.owner)

    html = client.get(update_url(action, q2)).content.decode()

    assert '<details class="govuk-details">' in html
    assert '<span class="govuk-details__summary-text">Previous update: Q1 2026/27</span>' in html
    assert '<strong class="app-rating app-rating--amber">Amber</strong>' in html
    assert "Two schools cancelled." in html
    assert "Exam season clashes with the sessions." in html
    assert "Rebook for September." in html
    assert "Older" not in html
    assert "There is no submitted update for an earlier period." not in html


def test_a_draft_or_a_later_periods_update_is_not_the_previous_update(client, action, q1, q2):
    ProgressUpdateFactory(action=action, period=q1, submitted_at=None, narrative="An unsubmitted draft")
    q3 = period(action, "Q3 2026/27", datetime.date(2026, 10, 1), state=ReportingPeriod.State.OPEN)
    ProgressUpdateFactory(action=action, period=q3, submitted_at="2026-12-01T10:00Z", narrative="Later")
    client.force_login(action.owner)

    html = client.get(update_url(action, q2)).content.decode()

    assert "There is no submitted update for an earlier period." in html
    assert "Previous update:" not in html
    assert "An unsubmitted draft" not in html
    assert "Later" not in html


def test_the_due_date_success_measure_and_open_milestones_are_shown(client, action, q2):
    MilestoneFactory(action=action, title="Book the schools", due_on=datetime.date(2026, 9, 30))
    MilestoneFactory(
        action=action,
        title="Train the facilitators",
        due_on=datetime.date(2026, 5, 31),
        completed_on=datetime.date(2026, 5, 20),
    )
    client.force_login(action.owner)

    html = client.get(update_url(action, q2)).content.decode()
    start = html.index("About this action")
    about = html[start : html.index("<form", start)]

    assert "31 March 2027" in about
    assert "Every secondary school has held a session." in about
    assert "<li>Book the schools (due 30 September 2026)</li>" in about
    assert "Train the facilitators" not in about


def test_over_long_issues_and_risks_is_refused_with_the_message_and_nothing_saved(client, action, q2):
    client.force_login(action.owner)

    response = client.post(update_url(action, q2), form_data(issues_and_risks="x" * 1_000_000))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Issues and risks must be 10,000 characters or fewer" in html
    assert 'href="#id_issues_and_risks"' in html  # in the error summary, linked to the box
    assert not ProgressUpdate.objects.filter(action=action).exists()


def test_every_text_field_has_a_server_limit_and_a_character_count(client, action, q2):
    client.force_login(action.owner)

    html = client.get(update_url(action, q2)).content.decode()

    for name in (
        "narrative",
        "issues_and_risks",
        "mitigation",
        "board_ask",
        "exceptional_performance_reason",
    ):
        assert ProgressUpdate._meta.get_field(name).max_length == TEXT_MAX_LENGTH
        assert f'<span id="id_{name}-info" class="govuk-hint govuk-character-count__message"' in html
        textarea = html[html.index(f'<textarea name="{name}"') :].split(">", 1)[0]
        assert "govuk-js-character-count" in textarea
        assert "maxlength" not in textarea  # the count warns; the browser does not cut text short
    assert html.count(f'data-module="govuk-character-count" data-maxlength="{TEXT_MAX_LENGTH}"') == 5
