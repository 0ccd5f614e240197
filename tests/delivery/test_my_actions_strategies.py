"""My actions shows one strategy at a time: the current one by default, any live one or all of them by
choice, in that strategy's words, and says what is owed on the person's other strategies."""

import datetime
import re
from html import escape

import pytest
from django.urls import reverse

from priorities.models import Strategy
from tests.delivery.factories import ActionFactory, ReportingPeriodFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine():
    """An officer's action in the current three-level strategy, their deliverable in a two-level plan
    adopted beside it in 2025, and their old action in a closed strategy; Q2 2026/27 is open."""
    three = StrategyFactory(title="Community Safety Strategy 2024-27")
    partnership = three.partnership
    two = StrategyFactory(
        partnership=partnership,
        title="Domestic Abuse Duty Action Plan",
        starts_on=datetime.date(2025, 4, 1),
        levels=Strategy.Levels.TWO,
        priority_word="Aim",
        action_word="Deliverable",
    )
    closed = StrategyFactory(
        partnership=partnership,
        title="Community Safety Strategy 2020-24",
        starts_on=datetime.date(2020, 4, 1),
        ends_on=datetime.date(2024, 3, 31),
        status=Strategy.Status.CLOSED,
    )
    action = ActionFactory(ambition__priority__strategy=three, title="Knife crime sessions")
    deliverable = ActionFactory(
        ambition=StrategicAmbitionFactory(priority=PriorityFactory(strategy=two, title="Victims are safer")),
        title="Commission refuge spaces",
        owner=action.owner,
    )
    ActionFactory(ambition__priority__strategy=closed, title="Earlier work", owner=action.owner)
    ReportingPeriodFactory(
        partnership=partnership,
        name="Q2 2026/27",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 9, 30),
    )
    return {"three": three, "two": two, "closed": closed, "action": action, "deliverable": deliverable}


def my_actions(client, mine, query=None):
    client.force_login(mine["action"].owner)
    return client.get(
        reverse("delivery:my_actions", kwargs={"slug": mine["action"].partnership.slug}), query or {}
    )


def strategy_options(html) -> list[str]:
    chooser = re.search(r'<select class="govuk-select app-full-width" id="strategy".*?</select>', html, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", chooser.group(0))


def test_the_current_strategy_is_shown_by_default_with_every_live_one_offered(client, mine):
    html = my_actions(client, mine).content.decode()

    assert "Knife crime sessions" in html
    assert "Commission refuge spaces" not in html and "Earlier work" not in html
    assert f'<span class="govuk-caption-l">{mine["three"].title}</span>' in html
    assert f'<option value="{mine["three"].pk}" selected>' in html
    assert strategy_options(html) == ["All strategies", mine["two"].title, mine["three"].title]
    assert "You owe 1 update for it." in html
    assert "You also owe 1 update on actions of your other strategies" in html


def test_another_live_strategy_is_shown_in_its_own_words(client, mine):
    html = my_actions(client, mine, {"strategy": mine["two"].pk}).content.decode()

    assert "Commission refuge spaces" in html and "Knife crime sessions" not in html
    assert f'<option value="{mine["two"].pk}" selected>' in html
    assert re.findall(r'<th scope="col" class="govuk-table__header">([^<]*)</th>', html)[0] == "Deliverable"
    assert escape(mine["deliverable"].ambition.title) not in html


def test_all_strategies_lists_every_action_grouped_by_strategy(client, mine):
    html = my_actions(client, mine, {"strategy": "all"}).content.decode()

    assert '<option value="all" selected>All strategies</option>' in html
    assert re.findall(r"<h2[^>]*>(.*?)</h2>", html)[:3] == [
        mine["closed"].title,
        mine["three"].title,
        mine["two"].title,
    ]
    assert "Earlier work" in html and "Knife crime sessions" in html and "Commission refuge spaces" in html
    assert "You owe 2 updates for it." in html
    assert "You also owe" not in html


def test_a_closed_strategy_is_offered_only_when_chosen(client, mine):
    html = my_actions(client, mine, {"strategy": mine["closed"].pk}).content.decode()

    assert "Earlier work" in html and "Knife crime sessions" not in html
    assert f"{mine['closed'].title} (closed)" in strategy_options(html)
    assert "You owe no updates for it." in html
    assert "You also owe 2 updates on actions of your other strategies" in html


def test_a_strategy_with_none_of_my_actions_says_so(client, mine):
    empty = StrategyFactory(partnership=mine["three"].partnership, title="Serious Violence Duty Plan")

    html = my_actions(client, mine, {"strategy": empty.pk}).content.decode()

    assert f"You do not own or lead any actions of {empty.title}." in html
    assert "?strategy=all" in html


@pytest.mark.parametrize("chosen", ["999999", "abc", "other partnership"])
def test_an_unknown_or_foreign_strategy_answers_404(client, mine, chosen):
    if chosen == "other partnership":
        chosen = StrategyFactory(title="Another partnership's strategy").pk

    response = my_actions(client, mine, {"strategy": chosen})

    assert response.status_code == 404
    assert "Another partnership" not in response.content.decode()
