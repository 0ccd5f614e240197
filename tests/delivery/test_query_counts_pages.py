"""Beyond every page's count for one row and for ten (tests/test_query_counts.py): submitting a progress
update makes as many queries for one milestone as for twenty, and a second page of a paginated page
costs what the first does."""

import re

import pytest
from django.urls import reverse

from delivery.views.officer import MyActionsView
from delivery.views.periods import ReportingPeriodDetailView
from tests.delivery.factories import ActionFactory, MilestoneFactory, ReportingPeriodFactory
from tests.test_query_counts import GOAL

pytestmark = pytest.mark.django_db


def hidden_inputs(html: str) -> dict[str, str]:
    """The form's hidden inputs (CSRF token, versions of the update and its milestones), as posted."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def test_submitting_an_update_makes_as_many_queries_for_1_milestone_as_for_20(client, assert_same_queries):
    def make_rows(count):
        action = ActionFactory()
        ReportingPeriodFactory(partnership=action.partnership)
        MilestoneFactory.create_batch(count, action=action)
        client.force_login(action.owner)
        url = reverse("delivery:progress_update", kwargs={"slug": action.partnership.slug, "pk": action.pk})
        answers = {
            "rating": "green",
            "percent_complete": "60",
            "narrative": "Sessions delivered in four schools.",
            "issues_and_risks": "",
            "mitigation": "",
            "board_ask": "",
            "exceptional_performance_reason": "",
            "submit": "",
        }
        return url, {**hidden_inputs(client.get(url).content.decode()), **answers}

    responses = assert_same_queries(make_rows, lambda made: client.post(*made), many=20)

    assert [response.status_code for response in responses] == [302, 302]


def with_actions(count: int) -> dict:
    """A partnership whose officer owns `count` actions, all expected to report in its open period."""
    first = ActionFactory()
    ActionFactory.create_batch(count - 1, ambition=first.ambition, owner=first.owner)
    return {
        "officer": first.owner,
        "partnership": first.partnership,
        "period": ReportingPeriodFactory(partnership=first.partnership),
    }


@pytest.mark.parametrize(
    ("name", "per_page"),
    [
        ("delivery:my_actions", MyActionsView.paginate_by),
        ("delivery:period_detail", ReportingPeriodDetailView.paginate_by),
    ],
)
def test_a_second_page_costs_what_the_first_does(client, assert_same_queries, name, per_page):
    made = with_actions(per_page + 5)
    client.force_login(made["officer"])
    kwargs = {"pk": made["period"].pk} if name == "delivery:period_detail" else {}
    url = reverse(name, kwargs={"slug": made["partnership"].slug, **kwargs})

    first, second = assert_same_queries(
        lambda count: url + ("?page=2" if count > 1 else ""), client.get, few=1, many=2, at_most=GOAL
    )

    assert len(first.context["actions"]) == per_page
    assert len(second.context["actions"]) == 5
