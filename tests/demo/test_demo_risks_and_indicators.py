"""The demo's risk register and performance indicators: the 2024-27 strategy's risks, released twice by the
Board's chair with movement between, in preparation again at the end; and indicators for each priority
with values for the periods that have ended, some off target."""

import datetime
from decimal import Decimal

import pytest

from delivery.models import ReportingPeriod
from demo.data.safer_bromley_indicators import ILLUSTRATIVE as ILLUSTRATIVE_FIGURES
from demo.data.safer_bromley_risks import ILLUSTRATIVE as ILLUSTRATIVE_SCORES
from indicators.models import Indicator, IndicatorValue
from indicators.ratings import TargetRating
from indicators.standing import indicators_with_targets, standing_of
from meetings.models import Body
from priorities.models import Strategy
from risks.models import Risk, RiskRegister, RiskReview
from risks.register import Movement, latest_release, register_content
from tests.demo.test_load_demo import TODAY, load_demo, open_period, row_counts, sbp

pytestmark = pytest.mark.django_db

STRATEGY = "Safer Bromley Partnership Strategy 2024-27"
BOARD = "Safer Bromley Partnership Board"


def register() -> RiskRegister:
    return RiskRegister.objects.get(partnership=sbp())


def risk(reference: str) -> Risk:
    return register().risks.get(reference=reference)


def strategy() -> Strategy:
    return Strategy.objects.get(partnership=sbp(), title=STRATEGY)


def board_chair():
    return Body.objects.get(partnership=sbp(), name=BOARD).chair


def movements(content: dict) -> dict[str, str]:
    return {r["reference"]: r["movement"] for r in content["risks"]}


def test_the_register_holds_the_strategys_risks_owned_linked_and_marked_illustrative():
    load_demo()
    risks = list(register().risks.select_related("owner", "owner_organisation").order_by("reference"))
    titles = " ".join(r.title for r in risks).lower()

    assert [r.reference for r in risks] == [f"SBP-R{n}" for n in range(1, 7)]
    for word in ("funding", "data", "analytical", "serious violence duty", "board"):
        assert word in titles
    assert len({r.category for r in risks}) == 6
    for r in risks:
        assert r.status == Risk.Status.OPEN
        assert r.cause and r.effect and r.existing_controls
        assert r.further_actions.endswith(ILLUSTRATIVE_SCORES)
        assert r.owner_organisation.partnership == sbp()
        assert r.owner.memberships.get(partnership=sbp()).organisation == r.owner_organisation
        assert r.residual_score <= r.inherent_score
        assert r.target_score < r.residual_score
        assert r.priorities.exists()
        assert set(r.priorities.values_list("strategy", flat=True)) == {strategy().pk}
        assert r.actions.exists()
        assert set(r.actions.values_list("ambition__priority__strategy", flat=True)) == {strategy().pk}
    assert {r.owner_organisation.short_name for r in risks} >= {"LBB", "MPS"}
    assert risk("SBP-R4").treating_actions.filter(title__contains="local definition").exists()
    assert "more analytical resource" in risk("SBP-R3").cause


def test_the_chair_released_the_register_twice_and_the_board_saw_the_reviews_move_two_risks():
    load_demo()
    first, second = register().releases.order_by("released_at")
    the_open = open_period(sbp())

    assert first.released_by == second.released_by == board_chair()
    assert first.released_at.date() < the_open.ends_on <= second.released_at.date() < TODAY
    assert set(movements(first.content).values()) == {Movement.NEW}
    assert movements(second.content) == {
        "SBP-R1": Movement.UP,
        "SBP-R2": Movement.SAME,
        "SBP-R3": Movement.SAME,
        "SBP-R4": Movement.DOWN,
        "SBP-R5": Movement.SAME,
        "SBP-R6": Movement.SAME,
    }
    assert second.content["previous_release"] == first.released_at.isoformat()
    assert "Chairman and Vice Chairman" in first.note
    # The rising funding risk is above the tolerance, and goes to the board.
    funding = next(r for r in second.content["risks"] if r["reference"] == "SBP-R1")
    assert (funding["previous_residual_score"], funding["residual"]["score"]) == (12, 16)
    assert funding["is_above_tolerance"]


def test_one_review_since_the_last_release_leaves_the_register_in_preparation():
    load_demo()
    the_register = register()
    live = register_content(the_register, today=TODAY, previous=latest_release(the_register))
    reviews = RiskReview.objects.filter(risk__register=the_register).select_related("risk", "period")

    assert the_register.state == RiskRegister.State.IN_PREPARATION
    assert movements(live)["SBP-R2"] == Movement.DOWN
    assert [m for m in movements(live).values() if m != Movement.SAME] == [Movement.DOWN]
    # Every review is for the open period, by the risk's owner; the analytical resource risk is still
    # to be reviewed by the demo officer, and the Board attendance risk is overdue.
    assert {r.period for r in reviews} == {open_period(sbp())}
    assert all(r.reviewed_by == r.risk.owner for r in reviews)
    assert sorted(r.risk.reference for r in reviews) == ["SBP-R1", "SBP-R2", "SBP-R4", "SBP-R6"]
    assert risk("SBP-R3").owner.username == "demo-officer"
    assert risk("SBP-R3").review_on == open_period(sbp()).update_deadline
    assert live["counts"]["review_overdue"] == 1
    assert live["counts"]["high"] == 2
    assert risk("SBP-R1").history.filter(history_change_reason__startswith="Reviewed for").exists()


def standings():
    indicators = list(indicators_with_targets(Indicator.objects.for_partnership(sbp())).in_order())
    return standing_of(indicators, period=open_period(sbp()))


def test_each_priority_has_indicators_with_targets_for_every_year_of_the_strategy():
    load_demo()
    indicators = Indicator.objects.for_partnership(sbp()).select_related("owner", "owner_organisation")

    assert set(indicators.values_list("strategy", flat=True)) == {strategy().pk}
    for priority in strategy().priorities.all():
        assert 2 <= priority.indicators.count() <= 3
    assert {i.polarity for i in indicators} == {"higher", "lower"}
    assert {i.unit for i in indicators} == set(Indicator.Unit.values) - {Indicator.Unit.MONEY}
    for indicator in indicators:
        assert indicator.definition
        assert indicator.data_source.endswith(ILLUSTRATIVE_FIGURES)
        assert indicator.baseline_value is not None and indicator.baseline_on
        assert list(indicator.targets.values_list("financial_year", flat=True)) == [2024, 2025, 2026]
        assert indicator.owner.memberships.get(partnership=sbp()).organisation == indicator.owner_organisation
    marac = indicators.get(name="Repeat referrals to MARAC")
    assert marac.polarity == "lower"
    assert marac.targets.get(financial_year=2026).value == Decimal("28")


def test_indicator_values_fill_the_ended_periods_and_some_are_off_target():
    load_demo()
    values = IndicatorValue.objects.filter(indicator__strategy=strategy()).select_related(
        "period", "indicator"
    )
    by_name = {s["name"]: s for s in standings()}
    ratings = [s["rating"] for s in by_name.values()]

    assert not values.filter(period__state=ReportingPeriod.State.UPCOMING).exists()
    assert all(v.entered_by == v.indicator.owner for v in values)
    for indicator in Indicator.objects.for_partnership(sbp()).filter(frequency="quarterly"):
        assert indicator.values.count() >= 8
    assert TargetRating.OFF_TARGET in ratings
    assert TargetRating.WITHIN_TOLERANCE in ratings
    assert TargetRating.ON_TARGET in ratings
    assert by_name["Repeat referrals to MARAC"]["rating"] == TargetRating.OFF_TARGET
    assert by_name["Repeat referrals to MARAC"]["note"]
    assert by_name["Knife crime with injury, victims under 25"]["rating"] == TargetRating.WITHIN_TOLERANCE
    yes_no = values.filter(indicator__unit=Indicator.Unit.YES_NO)
    assert yes_no.exists() and set(yes_no.values_list("value", flat=True)) <= {0, 1}
    assert all(v.period.ends_on.month == 3 for v in yes_no)
    # The demo officer still has the anti-social behaviour figure to enter for the open period.
    asb = Indicator.objects.get(strategy=strategy(), name__startswith="Anti-social behaviour")
    assert asb.owner.username == "demo-officer"
    assert not asb.values.filter(period=open_period(sbp())).exists()
    assert asb.values.filter(period__state=ReportingPeriod.State.LOCKED).count() >= 8


def test_loading_again_changes_nothing_and_restores_what_was_changed_by_hand():
    load_demo()
    first = row_counts()
    load_demo()
    assert row_counts() == first

    edited = risk("SBP-R3")
    edited.residual_likelihood = 1
    edited.save()
    register().releases.order_by("released_at").first().delete()
    IndicatorValue.objects.filter(indicator__strategy=strategy()).first().delete()
    Indicator.objects.get(strategy=strategy(), name="Knife crime with injury, victims under 25").delete()
    load_demo()
    restored = row_counts()
    load_demo()

    assert row_counts() == restored
    assert risk("SBP-R3").residual_likelihood == 4
    assert register().releases.count() == 2
    assert register().state == RiskRegister.State.IN_PREPARATION
    assert Indicator.objects.filter(strategy=strategy(), name__startswith="Knife crime").count() == 1
    counts = {
        name: restored[name]
        for name in ("risks.Risk", "risks.RiskReview", "indicators.Indicator", "indicators.IndicatorValue")
    }
    assert counts == {name: first[name] for name in counts}


@pytest.mark.parametrize("earlier", [datetime.date(2027, 2, 10), datetime.date(2027, 5, 10)])
def test_a_run_as_of_another_day_lays_the_history_out_again_around_the_open_period(earlier):
    load_demo(earlier)
    load_demo(TODAY)

    the_open = open_period(sbp())
    reviews = RiskReview.objects.filter(risk__register=register())
    first, second = register().releases.order_by("released_at")
    assert set(reviews.values_list("period", flat=True)) == {the_open.pk}
    assert first.released_at.date() < the_open.ends_on
    assert reviews.count() == 4
    assert second.released_at.date() < TODAY
    assert movements(second.content)["SBP-R1"] == Movement.UP
    assert register().state == RiskRegister.State.IN_PREPARATION
    values = IndicatorValue.objects.filter(indicator__strategy=strategy())
    assert not values.filter(period__starts_on__gt=the_open.starts_on).exists()


def test_the_demo_loads_as_of_the_strategys_first_year():
    load_demo(datetime.date(2025, 4, 5))

    the_open = open_period(sbp())
    assert the_open.name == "Q4 2024/25"
    assert register().releases.count() == 2
    assert RiskReview.objects.filter(risk__register=register(), period=the_open).count() == 4
    assert {s["period"] for s in standings()} == {"Q4 2024/25", "Q3 2024/25"}
