"""The action page's direction of travel: each update against the previous period's, as every page has it."""

import datetime

import pytest
from django.urls import reverse

from core.ratings import Rating
from delivery.models import ReportingPeriod
from reports.exceptions import exception_report_build
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

SUBMITTED = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def action():
    return ActionFactory(starts_on=datetime.date(2026, 4, 1), due_on=datetime.date(2027, 3, 31))


def quarter(action, name, starts_on, state=ReportingPeriod.State.LOCKED):
    return ReportingPeriodFactory(
        partnership=action.partnership,
        name=name,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=90),
        update_deadline=starts_on + datetime.timedelta(days=110),
        state=state,
    )


def rate(action, period, rating, *, submitted=True):
    return ProgressUpdateFactory(
        action=action,
        period=period,
        rating=rating,
        mitigation="Extra staff" if rating in (Rating.RED, Rating.AMBER) else "",
        submitted_at=SUBMITTED if submitted else None,
    )


def directions(client, action):
    """Each update card's period and the direction of travel it shows, newest first."""
    client.force_login(action.owner)
    html = client.get(
        reverse("delivery:action_detail", kwargs={"slug": action.partnership.slug, "pk": action.pk})
    ).content.decode()
    cards = html.split('<h3 class="govuk-summary-card__title">')[1:]
    found = []
    for card in cards:
        name = card.split("<", 1)[0]
        direction = (
            card.split("Direction of travel: ", 1)[1].split("<", 1)[0] if "Direction of" in card else None
        )
        found.append((name, direction))
    return found, html


def test_not_rated_now_and_amber_before_is_no_update_and_the_legend_says_what_each_word_means(client, action):
    q1 = quarter(action, "Q1", datetime.date(2026, 4, 1))
    q2 = quarter(action, "Q2", datetime.date(2026, 7, 1))
    rate(action, q1, Rating.AMBER)
    rate(action, q2, Rating.NOT_RATED)

    found, html = directions(client, action)

    assert found == [("Q2", "No update"), ("Q1", "Newly rated")]
    assert "Direction of travel: New<" not in html
    assert "What the directions of travel mean" in html
    assert "Not rated this period: no update submitted, or rated “not rated”." in html


def test_each_update_is_compared_with_the_previous_periods_as_in_the_exception_report(client, action):
    q1 = quarter(action, "Q1", datetime.date(2026, 4, 1))
    q2 = quarter(action, "Q2", datetime.date(2026, 7, 1))
    q3 = quarter(action, "Q3", datetime.date(2026, 10, 1), state=ReportingPeriod.State.OPEN)
    rate(action, q1, Rating.GREEN)
    rate(action, q2, Rating.AMBER, submitted=False)  # a draft is no rating for Q2
    rate(action, q3, Rating.RED)

    found, _ = directions(client, action)

    # Q3 is rated, Q2 was not: newly rated, not "worse than Q1".
    assert found == [("Q3", "Newly rated"), ("Q2 (draft)", None), ("Q1", "Newly rated")]
    report = exception_report_build(
        partnership=action.partnership, period=q3, meeting=None, today=datetime.date(2027, 1, 1)
    )
    items = [i for s in report["sections"] for a in s["ambitions"] for i in a["items"]]
    assert [(i["reference"], i["direction"]) for i in items] == [(action.reference, "Newly rated")]


def test_rated_in_consecutive_periods_is_improved_or_worse(client, action):
    q1 = quarter(action, "Q1", datetime.date(2026, 4, 1))
    q2 = quarter(action, "Q2", datetime.date(2026, 7, 1))
    q3 = quarter(action, "Q3", datetime.date(2026, 10, 1))
    rate(action, q1, Rating.RED)
    rate(action, q2, Rating.GREEN)
    rate(action, q3, Rating.AMBER)

    found, _ = directions(client, action)

    assert found == [("Q3", "Worse"), ("Q2", "Improved"), ("Q1", "Newly rated")]
