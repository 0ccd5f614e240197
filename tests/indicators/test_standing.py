"""Where an indicator stands: a value in the board's words, and its latest value, target, rating,
direction and trend as the pages and the board paper read them."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.dates import financial_year_label
from delivery.context_processors import latest_open_period
from delivery.models import ReportingPeriod
from indicators import forms, standing
from indicators.models import Indicator
from indicators.standing import (
    TREND_LENGTH,
    indicators_with_targets,
    off_target,
    standing_of,
    target_of,
    value_in_words,
)
from indicators.views import editing, pages
from tests.delivery.factories import ReportingPeriodFactory
from tests.indicators.factories import IndicatorFactory, IndicatorTargetFactory, IndicatorValueFactory
from tests.priorities.factories import StrategyFactory

Unit = Indicator.Unit


@pytest.mark.parametrize(
    ("value", "unit", "words"),
    [
        (None, Unit.NUMBER, ""),
        (Decimal("1234"), Unit.NUMBER, "1,234"),
        (Decimal("1234.5000"), Unit.NUMBER, "1,234.5"),
        (Decimal("0.0001"), Unit.NUMBER, "0.0001"),
        (Decimal("-12"), Unit.NUMBER, "-12"),
        (Decimal("12.5"), Unit.PERCENTAGE, "12.5%"),
        (Decimal("100.0000"), Unit.PERCENTAGE, "100%"),
        (Decimal("3.2"), Unit.RATE_PER_1000, "3.2 per 1,000"),
        (Decimal("1200"), Unit.MONEY, "£1,200"),
        (Decimal("1200.5"), Unit.MONEY, "£1,200.50"),
        (Decimal("-50"), Unit.MONEY, "-£50"),
        (Decimal("999999999999"), Unit.MONEY, "£999,999,999,999"),
        (Decimal("1"), Unit.YES_NO, "Yes"),
        (Decimal("0.0000"), Unit.YES_NO, "No"),
    ],
)
def test_value_in_words(value, unit, words):
    assert value_in_words(value, unit) == words


def quarter(partnership, year, number, **kwargs):
    starts = [
        datetime.date(year, 4, 1),
        datetime.date(year, 7, 1),
        datetime.date(year, 10, 1),
        datetime.date(year + 1, 1, 1),
    ][number - 1]
    ends = [
        datetime.date(year, 6, 30),
        datetime.date(year, 9, 30),
        datetime.date(year, 12, 31),
        datetime.date(year + 1, 3, 31),
    ][number - 1]
    return ReportingPeriodFactory(
        partnership=partnership,
        name=f"Q{number} {year}/{(year + 1) % 100:02d}",
        starts_on=starts,
        ends_on=ends,
        state=kwargs.get("state", ReportingPeriod.State.LOCKED),
    )


@pytest.fixture
def indicator(db):
    return IndicatorFactory(name="Knife crime with injury", polarity="lower", tolerance_percent=Decimal("10"))


@pytest.mark.django_db
def test_the_latest_value_is_rated_against_its_own_years_target(indicator):
    partnership = indicator.strategy.partnership
    q4 = quarter(partnership, 2024, 4)
    q1 = quarter(partnership, 2025, 1)
    IndicatorTargetFactory(indicator=indicator, financial_year=2024, value=Decimal("100"))
    IndicatorTargetFactory(indicator=indicator, financial_year=2025, value=Decimal("80"))
    IndicatorValueFactory(indicator=indicator, period=q4, value=Decimal("95"))
    IndicatorValueFactory(indicator=indicator, period=q1, value=Decimal("86"), note="Summer rise.")

    (standing,) = standing_of(list(indicators_with_targets(Indicator.objects.all())), period=None)

    assert standing["value"] == "86" and standing["period"] == "Q1 2025/26"
    assert standing["target"] == "80"  # 2025/26's, not 2024/25's
    assert standing["rating"] == "within_tolerance"  # 86 is within 10% of 80
    assert standing["direction"] == "improved"  # lower is better: 95 to 86
    assert standing["note"] == "Summer rise."
    assert standing["trend"] == [
        {"period": "Q4 2024/25", "value": "95.0000", "shown": "95"},
        {"period": "Q1 2025/26", "value": "86.0000", "shown": "86"},
    ]
    assert standing["url"] == indicator.get_absolute_url()
    assert standing["priority"].endswith(indicator.priority.title)


@pytest.mark.django_db
def test_a_standing_at_a_period_ignores_later_values(indicator):
    partnership = indicator.strategy.partnership
    q1, q2 = quarter(partnership, 2024, 1), quarter(partnership, 2024, 2)
    IndicatorValueFactory(indicator=indicator, period=q1, value=Decimal("70"))
    IndicatorValueFactory(indicator=indicator, period=q2, value=Decimal("75"))

    (standing,) = standing_of([indicator], period=q1)

    assert standing["value"] == "70" and standing["direction"] == "newly_rated"
    assert standing["rating"] == "no_target"


@pytest.mark.django_db
def test_an_indicator_with_no_values_stands_nowhere(indicator):
    (standing,) = standing_of([indicator], period=None)

    assert (standing["value"], standing["period"], standing["target"]) == ("", "", "")
    assert standing["rating"] == "no_target" and standing["direction"] == "no_update"
    assert standing["trend"] == []


@pytest.mark.django_db
def test_the_trend_keeps_the_latest_values(indicator):
    partnership = indicator.strategy.partnership
    periods = [quarter(partnership, 2024 + n // 4, n % 4 + 1) for n in range(TREND_LENGTH + 2)]
    for n, period in enumerate(periods):
        IndicatorValueFactory(indicator=indicator, period=period, value=Decimal(n))

    (standing,) = standing_of([indicator], period=None)

    assert len(standing["trend"]) == TREND_LENGTH
    assert standing["trend"][-1]["period"] == periods[-1].name
    assert standing["trend"][0]["shown"] == "2"


@pytest.mark.django_db
def test_off_target_picks_the_off_target_standings():
    strategy = StrategyFactory()
    period = quarter(strategy.partnership, 2024, 1)
    ok, bad = (IndicatorFactory(priority__strategy=strategy) for _ in range(2))
    for indicator, value in ((ok, "100"), (bad, "50")):
        IndicatorTargetFactory(indicator=indicator, financial_year=2024, value=Decimal("100"))
        IndicatorValueFactory(indicator=indicator, period=period, value=Decimal(value))

    standings = standing_of(
        list(indicators_with_targets(Indicator.objects.filter(pk__in=[ok.pk, bad.pk]).order_by("pk"))),
        period=period,
    )

    assert [s["pk"] for s in off_target(standings)] == [bad.pk]


@pytest.mark.django_db
def test_standings_take_the_same_queries_for_1_and_20_indicators():
    def count(n):
        strategy = StrategyFactory()
        period = quarter(strategy.partnership, 2024, 1)
        for _ in range(n):
            indicator = IndicatorFactory(priority__strategy=strategy)
            IndicatorTargetFactory(indicator=indicator, financial_year=2024)
            IndicatorValueFactory(indicator=indicator, period=period)
        with CaptureQueriesContext(connection) as queries:
            standing_of(
                list(indicators_with_targets(Indicator.objects.filter(strategy=strategy))), period=period
            )
        return len(queries)

    assert count(1) == count(20) == 3  # the indicators, their targets, their values


@pytest.mark.django_db
def test_the_target_is_the_one_for_the_financial_year_a_day_falls_in_or_a_period_ends_in(indicator):
    partnership = indicator.strategy.partnership
    IndicatorTargetFactory(indicator=indicator, financial_year=2024, value=Decimal("100"))
    IndicatorTargetFactory(indicator=indicator, financial_year=2025, value=Decimal("80"))

    assert target_of(indicator, quarter(partnership, 2024, 4)) == Decimal("100")
    assert target_of(indicator, quarter(partnership, 2025, 1)) == Decimal("80")
    assert target_of(indicator, datetime.date(2025, 3, 31)) == Decimal("100")
    assert target_of(indicator, datetime.date(2025, 4, 1)) == Decimal("80")
    assert target_of(indicator, datetime.date(2027, 1, 1)) is None


@pytest.mark.parametrize(("year", "label"), [(2024, "2024/25"), (2009, "2009/10"), (1999, "1999/00")])
def test_a_financial_year_is_written_as_uk_public_bodies_write_it(year, label):
    assert financial_year_label(year) == label


def test_the_indicator_pages_share_one_helper_for_each_thing():
    """The target, the financial year's label, the number reader and the latest open period each have
    one home."""
    assert pages.target_of is editing.target_of is standing.target_of
    assert not hasattr(standing, "_target_for")
    assert getattr(pages, "latest_open_period", latest_open_period) is latest_open_period
    assert not hasattr(forms, "year_label") and not hasattr(forms, "number_from_text")
