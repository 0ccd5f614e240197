"""Status tags never wear a BRAG rating's colour, and a rating beside them says what it is."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from delivery.models import ReportingPeriod
from tests.delivery.factories import ActionFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

# The colours the BRAG ratings use (templates/includes/_rating.html, .app-rating in application.scss),
# and the GOV.UK tags that look like them.
RATING_COLOURS = {"red", "yellow", "green", "blue", "light-blue", "orange"}


def tag_colours(html: str) -> set[str]:
    return set(re.findall(r"govuk-tag--([\w-]+)", html))


@pytest.mark.parametrize("state", ["submitted", "draft", "late", "due"])
def test_an_update_state_tag_is_in_words_and_not_a_rating_colour(state):
    html = render_to_string("delivery/includes/_period_state.html", {"state": state})

    assert tag_colours(html) and not tag_colours(html) & RATING_COLOURS, html


def test_the_update_states_differ_from_one_another():
    colours = [
        tag_colours(render_to_string("delivery/includes/_period_state.html", {"state": state}))
        for state in ("submitted", "draft", "late", "due")
    ]

    assert len(set().union(*colours)) == 4


@pytest.mark.parametrize("state", [choice for choice, _ in ReportingPeriod.State.choices])
def test_a_period_state_tag_is_not_a_rating_colour(state):
    html = render_to_string("delivery/period_state_tag.html", {"period": ReportingPeriod(state=state)})

    assert tag_colours(html) and not tag_colours(html) & RATING_COLOURS, html


def test_my_actions_labels_the_rating_and_shows_the_update_due_in_a_status_colour(client):
    action = ActionFactory()
    ReportingPeriodFactory(
        partnership=action.partnership,
        starts_on=datetime.date.today() - datetime.timedelta(days=30),
        ends_on=datetime.date.today() + datetime.timedelta(days=30),
        update_deadline=datetime.date.today() + datetime.timedelta(days=40),
        state=ReportingPeriod.State.OPEN,
    )
    client.force_login(action.owner)

    html = client.get(
        reverse("delivery:my_actions", kwargs={"slug": action.partnership.slug})
    ).content.decode()

    assert '<th scope="col" class="govuk-table__header">Rating at last update</th>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">Due</strong>' in html
    assert "app-rating--not-rated" in html


def test_the_delivery_plan_labels_the_rating_beside_the_status(client):
    action = ActionFactory()
    client.force_login(action.owner)

    html = client.get(
        reverse("delivery:action_list", kwargs={"slug": action.partnership.slug})
    ).content.decode()

    assert html.index(">Rating at last update</th>") < html.index(">Status</th>")
