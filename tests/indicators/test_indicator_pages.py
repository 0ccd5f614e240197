"""The indicators' pages for each role: the list, one indicator with its trend and values, and who may add,
change, enter values and import; another partnership's indicator answers 404."""

import datetime
import re
from decimal import Decimal
from html import unescape
from types import SimpleNamespace

import pytest
from django.urls import reverse

from accounts.models import Membership
from delivery.models import ReportingPeriod
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ReportingPeriodFactory
from tests.indicators.factories import IndicatorFactory, IndicatorTargetFactory, IndicatorValueFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db


def make_world():
    """A strategy with a priority, an indicator owned by an officer, a locked and an open period, and a
    member in each role."""
    strategy = StrategyFactory(title="Community Safety Strategy 2024-27")
    partnership = strategy.partnership
    priority = PriorityFactory(strategy=strategy, order=1, title="Prevention")
    ambition = StrategicAmbitionFactory(priority=priority, order=1, title="Reduce serious violence")
    admin = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
    owner_membership = MembershipFactory(
        partnership=partnership, user__first_name="Olive", user__last_name="Owner"
    )
    other = MembershipFactory(partnership=partnership).user
    board = MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user
    q1 = ReportingPeriodFactory(
        partnership=partnership,
        name="Q1 2024/25",
        starts_on=datetime.date(2024, 4, 1),
        ends_on=datetime.date(2024, 6, 30),
        state=ReportingPeriod.State.LOCKED,
    )
    q2 = ReportingPeriodFactory(
        partnership=partnership,
        name="Q2 2024/25",
        starts_on=datetime.date(2024, 7, 1),
        ends_on=datetime.date(2024, 9, 30),
        state=ReportingPeriod.State.OPEN,
    )
    indicator = IndicatorFactory(
        priority=priority,
        ambition=ambition,
        name="Knife crime with injury",
        owner=owner_membership.user,
        owner_organisation=owner_membership.organisation,
        baseline_value=Decimal("120"),
        tolerance_percent=Decimal("5"),
    )
    IndicatorTargetFactory(indicator=indicator, financial_year=2024, value=Decimal("100"))
    IndicatorValueFactory(indicator=indicator, period=q1, value=Decimal("90"), note="Fewer than hoped.")
    return SimpleNamespace(
        strategy=strategy,
        partnership=partnership,
        priority=priority,
        ambition=ambition,
        admin=admin,
        owner=owner_membership.user,
        other=other,
        board=board,
        q1=q1,
        q2=q2,
        indicator=indicator,
    )


@pytest.fixture
def world():
    return make_world()


def words_of(response) -> str:
    """The page's text as a reader sees it: no tags, entities read, single spaces."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def url(world, name, **kwargs):
    return reverse(f"indicators:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def page_urls(world) -> dict[str, str]:
    pk = world.indicator.pk
    return {
        "list": url(world, "indicator_list"),
        "detail": url(world, "indicator_detail", pk=pk),
        "create": url(world, "indicator_create"),
        "edit": url(world, "indicator_edit", pk=pk),
        "enter": url(world, "value_enter", pk=pk, period_pk=world.q2.pk),
        "import": url(world, "value_import"),
    }


EXPECTED = {
    # page: (administrator, owner, other officer, board member)
    "list": (200, 200, 200, 200),
    "detail": (200, 200, 200, 200),
    "create": (200, 403, 403, 403),
    "edit": (200, 403, 403, 403),
    "enter": (200, 200, 403, 403),
    "import": (200, 403, 403, 403),
}


@pytest.mark.parametrize("page", EXPECTED)
def test_each_role_gets_what_the_access_matrix_says(client, world, page):
    address = page_urls(world)[page]
    got = []
    for person in (world.admin, world.owner, world.other, world.board):
        client.force_login(person)
        got.append(client.get(address).status_code)
    assert tuple(got) == EXPECTED[page]


@pytest.mark.parametrize("page", ["detail", "edit", "enter"])
def test_another_partnerships_indicator_is_not_found_even_for_its_administrator(client, world, page):
    elsewhere = make_world()
    client.force_login(world.admin)
    address = page_urls(elsewhere)[page].replace(elsewhere.partnership.slug, world.partnership.slug)

    assert client.get(address).status_code == 404


def test_a_period_of_another_partnership_is_not_found(client, world):
    elsewhere = make_world()
    client.force_login(world.admin)

    response = client.get(url(world, "value_enter", pk=world.indicator.pk, period_pk=elsewhere.q2.pk))

    assert response.status_code == 404


def test_someone_outside_the_partnership_gets_404_everywhere(client, world):
    client.force_login(make_world().admin)
    for address in page_urls(world).values():
        assert client.get(address).status_code == 404


def test_the_list_shows_each_indicator_with_where_it_stands(client, world):
    client.force_login(world.board)

    response = client.get(url(world, "indicator_list"))

    html = unescape(response.content.decode())
    assert response.context["nav_section"] == "indicators"
    assert "Knife crime with injury" in html and world.indicator.get_absolute_url() in html
    assert "1. Prevention" in html
    assert "90" in html and "Q1 2024/25" in html  # latest value and its period
    assert "100" in html  # target
    assert "Off target" in html and "govuk-tag--red" in html  # 90 is 10% short, beyond 5%
    assert "Olive Owner" in html
    assert "0 of 1 indicator has a value for Q2 2024/25" in words_of(response)
    assert "Add an indicator" not in html and "Import values" not in html


def test_the_list_groups_the_whole_strategys_indicators_first(client, world):
    IndicatorFactory(
        strategy=world.strategy,
        priority=None,
        name="Residents who feel safe",
        owner=world.owner,
        owner_organisation=world.indicator.owner_organisation,
    )
    later = PriorityFactory(strategy=world.strategy, order=2, title="Places")
    IndicatorFactory(priority=later, name="Repeat ASB calls")
    client.force_login(world.admin)

    html = unescape(client.get(url(world, "indicator_list")).content.decode())

    assert (
        html.index("The whole strategy") < html.index("Residents who feel safe") < html.index("1. Prevention")
    )
    assert html.index("Knife crime with injury") < html.index("2. Places") < html.index("Repeat ASB calls")
    assert "Add an indicator" in html and "Import values" in html


def test_the_list_counts_the_values_entered_for_the_latest_open_period(client, world):
    IndicatorValueFactory(indicator=world.indicator, period=world.q2, value=Decimal("101"))
    IndicatorFactory(priority=world.priority, name="Second measure")
    client.force_login(world.owner)

    text = words_of(client.get(url(world, "indicator_list")))

    assert "1 of 2 indicators have a value for Q2 2024/25. 1 still needs one." in text


def test_the_list_chooses_another_strategy_from_the_address(client, world):
    other = StrategyFactory(partnership=world.partnership, title="Domestic Abuse Plan")
    IndicatorFactory(priority=PriorityFactory(strategy=other), name="Refuge places")
    client.force_login(world.board)

    html = unescape(client.get(url(world, "indicator_list"), {"strategy": other.pk}).content.decode())

    assert "Refuge places" in html and "Knife crime with injury" not in html
    assert 'name="strategy"' in html
    assert client.get(url(world, "indicator_list"), {"strategy": "999999"}).status_code == 404


def test_the_detail_page_shows_everything_about_the_indicator(client, world):
    IndicatorValueFactory(
        indicator=world.indicator, period=world.q2, value=Decimal("97"), note="<script>alert(1)</script>"
    )
    client.force_login(world.board)

    response = client.get(world.indicator.get_absolute_url())

    html = response.content.decode()
    text = unescape(html)
    assert "Counted from the monthly crime figures." in text
    assert "Quantitative" in text and "Higher is better" in text and "5% of the target" in text
    assert "120 on 31 March 2024" in text  # baseline
    assert "2024/25: 100" in text
    assert "Reduce serious violence" in text and "Prevention" in text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    # The chart, and beside it every value with its target, rating, direction and who entered it.
    assert 'role="img"' in html and "<title" in html and "<desc" in html
    assert "stroke-dasharray" in html  # the target line
    assert "Within tolerance" in text and "Off target" in text
    assert "Improved" in text and "Newly rated" in text
    assert str(world.owner) in text
    assert "Enter the value for" not in text and "Change" not in text.split("Trend")[0]


def test_the_detail_page_offers_the_owner_the_value_of_each_open_period(client, world):
    ReportingPeriodFactory(
        partnership=world.partnership,
        name="Q3 2024/25",
        starts_on=datetime.date(2024, 10, 1),
        ends_on=datetime.date(2024, 12, 31),
        state=ReportingPeriod.State.OPEN,
    )
    client.force_login(world.owner)

    text = unescape(client.get(world.indicator.get_absolute_url()).content.decode())

    assert "Enter the value for Q2 2024/25" in text and "Enter the value for Q3 2024/25" in text
    assert "Enter the value for Q1 2024/25" not in text  # locked
    assert url(world, "indicator_edit", pk=world.indicator.pk) not in text


def test_the_administrator_may_change_the_indicator_from_its_page(client, world):
    client.force_login(world.admin)

    text = unescape(client.get(world.indicator.get_absolute_url()).content.decode())

    assert url(world, "indicator_edit", pk=world.indicator.pk) in text
    assert "Enter the value for Q2 2024/25" in text


def test_an_indicator_with_no_values_says_so(client, world):
    empty = IndicatorFactory(priority=world.priority, name="Not measured yet")
    client.force_login(world.board)

    text = unescape(client.get(empty.get_absolute_url()).content.decode())

    assert "No values have been entered yet" in text and 'role="img"' not in text


def test_the_list_makes_the_same_queries_for_1_and_20_indicators(client, assert_same_queries):
    def make_rows(count):
        world = make_world()
        for n in range(count - 1):
            extra = IndicatorFactory(priority=world.priority)
            IndicatorTargetFactory(indicator=extra, financial_year=2024)
            IndicatorValueFactory(indicator=extra, period=world.q1, value=Decimal(n))
        client.force_login(world.admin)
        return url(world, "indicator_list")

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [r.status_code for r in responses] == [200, 200]
    assert len(responses[1].context["groups"][0]["rows"]) == 20


def test_the_detail_page_makes_the_same_queries_for_1_and_20_values(client, assert_same_queries):
    def make_rows(count):
        world = make_world()
        for n in range(count - 1):
            period = ReportingPeriodFactory(
                partnership=world.partnership,
                starts_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=100 * n),
                ends_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=100 * n + 90),
                state=ReportingPeriod.State.LOCKED,
            )
            IndicatorValueFactory(indicator=world.indicator, period=period, value=Decimal(100 + n))
            IndicatorTargetFactory(indicator=world.indicator, financial_year=2025 + n)
        client.force_login(world.admin)
        return world.indicator.get_absolute_url()

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [r.status_code for r in responses] == [200, 200]
    assert len(responses[1].context["rows"]) == 20
