"""The delivery plan shows the current strategy unless told otherwise, and says which strategy each
priority and ambition belongs to; My actions groups by strategy when the actions span several."""

import datetime
import re

import pytest
from django.urls import reverse

from priorities.models import Strategy
from tests.delivery.factories import ActionFactory
from tests.priorities.factories import StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_strategies():
    """A partnership's strategy in force (2024 to 2027) and its previous one, each with an action."""
    current = StrategyFactory(title="Strategy 2024 to 2027")
    previous = StrategyFactory(
        partnership=current.partnership,
        title="Strategy 2020 to 2024",
        starts_on=datetime.date(2020, 4, 1),
        ends_on=datetime.date(2024, 3, 31),
        status=Strategy.Status.CLOSED,
    )
    new = ActionFactory(ambition=StrategicAmbitionFactory(priority__strategy=current), title="Current work")
    old = ActionFactory(
        ambition=StrategicAmbitionFactory(priority__strategy=previous), title="Earlier work", owner=new.owner
    )
    return current, previous, new, old


def plan(client, action, query=None):
    client.force_login(action.owner)
    url = reverse("delivery:action_list", kwargs={"slug": action.partnership.slug})
    return client.get(url, query or {}).content.decode()


def test_the_plan_shows_the_current_strategy_when_none_is_chosen(client, two_strategies):
    current, _, new, _ = two_strategies

    html = plan(client, new)

    assert "Current work" in html and "Earlier work" not in html
    assert f'<option value="{current.pk}" selected>{current.title}</option>' in html


@pytest.mark.parametrize("strategy", ["all", ""])
def test_all_strategies_lists_every_action(client, two_strategies, strategy):
    _, _, new, _ = two_strategies

    html = plan(client, new, {"strategy": strategy})

    assert "Current work" in html and "Earlier work" in html
    assert '<option value="all"' in html and "All strategies" in html


def test_an_earlier_strategy_or_its_priority_can_be_chosen(client, two_strategies):
    _, previous, new, old = two_strategies

    by_strategy = plan(client, new, {"strategy": previous.pk})
    by_priority = plan(client, new, {"priority": old.ambition.priority_id})

    for html in (by_strategy, by_priority):
        assert "Earlier work" in html and "Current work" not in html


def test_priority_and_ambition_choices_are_grouped_by_strategy(client, two_strategies):
    current, previous, new, old = two_strategies

    html = plan(client, new)

    for field, choice in (("priority", old.ambition.priority), ("ambition", old.ambition)):
        select = re.search(rf'<select name="{field}".*?</select>', html, re.S).group(0)
        groups = dict(re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S))
        assert list(groups) == [current.title, previous.title]
        assert f'value="{choice.pk}"' in groups[previous.title]
        assert f'value="{choice.pk}"' not in groups[current.title]


def my_actions(client, action, query=None):
    client.force_login(action.owner)
    return client.get(
        reverse("delivery:my_actions", kwargs={"slug": action.partnership.slug}), query or {}
    ).content.decode()


def test_my_actions_groups_by_strategy_when_there_are_several(client, two_strategies):
    current, previous, new, old = two_strategies

    html = my_actions(client, new, {"strategy": "all"})

    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings[:2] == [previous.title, current.title]
    assert re.findall(r"<h3[^>]*>(.*?)</h3>", html) == [
        str(action.ambition.priority) for action in (old, new)
    ]
    assert html.index("Earlier work") < html.index(f">{current.title}</h2>") < html.index("Current work")


def test_my_actions_has_no_strategy_heading_for_one_strategy(client):
    action = ActionFactory(title="Only work")

    html = my_actions(client, action)

    assert "Only work" in html
    assert action.ambition.priority.strategy.title not in html
