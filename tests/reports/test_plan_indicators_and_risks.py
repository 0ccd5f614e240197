"""Plan on a page with indicators and risks (issue 13, item 6): each priority's performance indicators as
they stand at the period (latest value, target, rating in words and as a tag, trend) and how many of the
open risks linked to it were high when the risk register was last released to the board."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from delivery.models import ReportingPeriod
from indicators.models import Indicator
from indicators.ratings import Polarity
from priorities.models import Priority
from reports.dashboard import plan_on_a_page
from risks.models import Risk
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ReportingPeriodFactory
from tests.indicators.factories import IndicatorValueFactory
from tests.priorities.factories import PriorityFactory, StrategyFactory
from tests.reports.test_indicator_and_risk_rules import indicator, release, rescore, risk
from tests.risks.factories import RiskRegisterFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


def plan_url(partnership):
    return reverse("reports:plan", kwargs={"slug": partnership.slug})


def text_of(html: str) -> str:
    main = re.search(r"<main.*?</main>", html, flags=re.DOTALL).group(0)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


@pytest.fixture
def town(plan):
    """The fixture plan with an indicator off target under Prevention, one within tolerance and
    improving under People, one of the whole strategy, and a register released once: R1 high and R2
    medium under Prevention, R3 high but closed under People; after the release R2 became high."""
    partnership, q2 = plan
    q1 = ReportingPeriod.objects.get(partnership=partnership, name="Q1 2026/27")
    prevention = Priority.objects.get(strategy__partnership=partnership, title="Prevention")
    people = Priority.objects.get(strategy__partnership=partnership, title="People")
    indicator(
        prevention,
        "Knife crime <script>alert(1)</script>",
        value="60",
        target=Decimal("50"),
        period=q2,
        polarity=Polarity.LOWER_IS_BETTER,
    )
    referrals = indicator(people, "MARAC referrals", value="90", period=q1, unit=Indicator.Unit.PERCENTAGE)
    IndicatorValueFactory(indicator=referrals, period=q2, value=Decimal("96"))
    indicator(None, "Public confidence", value="100", period=q2, strategy=prevention.strategy)

    register = RiskRegisterFactory(partnership=partnership)
    high = risk(register, "R1", 4, 4)
    medium = risk(register, "R2", 3, 3)
    closed = risk(register, "R3", 5, 5, status=Risk.Status.CLOSED)
    high.priorities.add(prevention)
    medium.priorities.add(prevention)
    closed.priorities.add(people)
    latest = release(register)
    rescore(medium, 5, 5)
    return {"partnership": partnership, "period": q2, "release": latest}


def test_each_priority_shows_its_indicators_and_its_high_risks_as_released(client, town):
    partnership = town["partnership"]
    client.force_login(MembershipFactory(partnership=partnership).user)

    html = client.get(plan_url(partnership), {"period": town["period"].pk}).content.decode()
    text = text_of(html)

    assert "Performance indicators and risks by priority" in text
    released = timezone.localtime(town["release"].released_at).strftime("%-d %B %Y")
    assert f"risk register as released to the board on {released}" in text
    section = text[text.index("Performance indicators and risks by priority") :]
    assert (
        "1. Prevention High risks: 1 Performance indicators, 1. Prevention "
        "Indicator Latest value Target Rating Trend Knife crime <script>alert(1)</script> 60 50 Off target Newly rated"
    ) in section
    assert "2. People High risks: 0 Performance indicators, 2. People Indicator Latest value" in section
    assert "MARAC referrals 96% 100% Within tolerance Improved" in section
    assert "The whole strategy Performance indicators of the whole strategy Indicator" in section
    assert "Public confidence 100 100 On target Newly rated" in section
    assert '<strong class="govuk-tag govuk-tag--red">Off target</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--yellow">Within tolerance</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--green">On target</strong>' in html
    knife = Indicator.objects.get(name__startswith="Knife")
    assert (
        f'<a class="govuk-link" href="{knife.get_absolute_url()}">'
        "Knife crime &lt;script&gt;alert(1)&lt;/script&gt;</a>"
    ) in html
    assert "<script>alert(1)</script>" not in html


def test_an_earlier_periods_value_says_which_period_it_is_for(client, plan):
    partnership, q2 = plan
    q1 = ReportingPeriod.objects.get(partnership=partnership, name="Q1 2026/27")
    indicator(Priority.objects.get(title="People"), "Repeat victims", value="7", period=q1)
    client.force_login(MembershipFactory(partnership=partnership).user)

    text = text_of(client.get(plan_url(partnership), {"period": q2.pk}).content.decode())

    assert "Repeat victims 7 (Q1 2026/27) 100 Off target" in text
    assert "1. Prevention Risks: not yet released No performance indicators." in text
    assert "The risk register has not yet been released to the board." in text


def test_the_register_in_preparation_never_reaches_the_read_model(town):
    plan = plan_on_a_page(
        partnership=town["partnership"],
        strategy=Priority.objects.get(title="Prevention").strategy,
        period=town["period"],
        today=TODAY,
    )

    prevention, people = plan.priorities
    assert (prevention.high_risks, people.high_risks) == (1, 0)
    assert [s["name"] for s in prevention.indicators] == ["Knife crime <script>alert(1)</script>"]
    assert [s["rating"] for s in people.indicators] == ["within_tolerance"]
    assert [s["name"] for s in plan.strategy_indicators] == ["Public confidence"]
    assert plan.release == town["release"]


def test_without_a_release_no_priority_counts_risks(plan):
    partnership, q2 = plan
    risk(RiskRegisterFactory(partnership=partnership), "R1", 5, 5)

    plan_read = plan_on_a_page(
        partnership=partnership,
        strategy=Priority.objects.get(title="Prevention").strategy,
        period=q2,
        today=TODAY,
    )

    assert [p.high_risks for p in plan_read.priorities] == [None, None]
    assert plan_read.release is None


def make_town(count: int):
    """A strategy of two priorities, `count` indicators with values and targets, and `count` high risks
    linked to the first priority, released to the board."""
    today = timezone.localdate()
    strategy = StrategyFactory(starts_on=today - datetime.timedelta(days=400))
    partnership = strategy.partnership
    period = ReportingPeriodFactory(
        partnership=partnership,
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 9, 30),
    )
    first, second = (PriorityFactory(strategy=strategy, order=n) for n in (1, 2))
    register = RiskRegisterFactory(partnership=partnership)
    for n in range(count):
        indicator(first if n % 2 else second, f"Indicator {n}", value=str(n), period=period)
        risk(register, f"R{n + 1}", 4, 4).priorities.add(first)
    release(register)
    return partnership, strategy, period


def test_the_read_model_makes_the_same_queries_for_1_and_20_indicators_and_risks(assert_same_queries):
    def fetch(made):
        partnership, strategy, period = made
        plan = plan_on_a_page(partnership=partnership, strategy=strategy, period=period, today=TODAY)
        return sum(len(p.indicators) for p in plan.priorities), plan.priorities[0].high_risks

    # Three for the actions (as before); the indicators, their targets and their values; the register
    # and its latest release.
    few, many = assert_same_queries(make_town, fetch, few=1, many=20, at_most=8)

    assert (few, many) == ((1, 1), (20, 20))


def test_the_page_makes_the_same_queries_for_1_and_20_indicators_and_risks(client, assert_same_queries):
    def make_rows(count):
        partnership, _strategy, period = make_town(count)
        client.force_login(MembershipFactory(partnership=partnership).user)
        return f"{plan_url(partnership)}?period={period.pk}"

    responses = assert_same_queries(make_rows, client.get, few=1, many=20)

    assert [r.status_code for r in responses] == [200, 200]
    assert [r.content.decode().count("govuk-tag--red") for r in responses] == [1, 20]
    assert "High risks: <strong>20</strong>" in responses[1].content.decode()
