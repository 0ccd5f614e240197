"""The two exception rules that are not about actions (issue 13, item 6), each on its own: "a performance
indicator is off target" lists the strategy's indicators off target at the period, and "a risk is high,
above tolerance or rising" reports the risk register as it was last released to the board, never as it
stands in preparation. The rules page lists and switches them like the others and says what each does."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from core.conflicts import version_of
from delivery.models import ReportingPeriod
from indicators.ratings import Polarity, TargetRating
from priorities.models import Priority
from reports.exceptions import exception_report_build, rules_in_force
from reports.models import ExceptionReport, ExceptionRule, ExceptionRuleSetting
from reports.services import exception_report_publish, exception_rules_set
from risks.models import Risk
from risks.services import register_release
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ReportingPeriodFactory
from tests.indicators.factories import IndicatorFactory, IndicatorTargetFactory, IndicatorValueFactory
from tests.meetings.factories import MeetingFactory
from tests.priorities.factories import StrategyFactory
from tests.risks.factories import RiskFactory, RiskRegisterFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)
ACTION_RULES = set(ExceptionRule) - {
    ExceptionRule.INDICATOR_OFF_TARGET,
    ExceptionRule.RISK_ABOVE_TOLERANCE,
}


# Helpers the board paper's and the plan's tests share.


def only(partnership, *rules) -> None:
    """Switch every exception rule off but `rules`."""
    exception_rules_set(partnership=partnership, enabled=set(rules))


def build(partnership, period) -> dict:
    return exception_report_build(partnership=partnership, period=period, meeting=None, today=TODAY)


def indicator(
    priority, name, *, value, target=Decimal("100"), period, polarity=Polarity.HIGHER_IS_BETTER, **kw
):
    """An indicator of a priority with a target for 2026/27 and one value for `period`."""
    made = IndicatorFactory(priority=priority, name=name, polarity=polarity, **kw)
    IndicatorTargetFactory(indicator=made, financial_year=2026, value=target)
    if value is not None:
        IndicatorValueFactory(indicator=made, period=period, value=Decimal(value), note=f"Note on {name}")
    return made


def rescore(risk, likelihood, impact) -> None:
    """Change a risk's residual score as a review would, keeping it at or below its inherent score."""
    risk.inherent_likelihood = risk.inherent_impact = 5
    risk.residual_likelihood, risk.residual_impact = likelihood, impact
    risk.save()


def release(register, *, when=None):
    """Release the register to the board as it stands."""
    register.refresh_from_db()
    return register_release(
        register=register,
        released_by=MembershipFactory(
            partnership=register.partnership, user__first_name="Claire", user__last_name="Chair"
        ).user,
        note="",
        version=version_of(register),
        now=when or timezone.now(),
        today=TODAY,
    )


def risk(register, reference, likelihood, impact, **kwargs):
    made = RiskFactory(register=register, reference=reference, title=f"Risk {reference}", **kwargs)
    rescore(made, likelihood, impact)
    return made


def references(content) -> list[str]:
    return [item["reference"] for item in content["risks"]["items"]]


# Indicators off target


@pytest.fixture
def indicators(plan):
    """Six indicators of the fixture plan's strategy, off target, within tolerance and on target for each
    polarity (a 5% tolerance, target 100 or 50), with their values for Q2 2026/27."""
    partnership, q2 = plan
    prevention = Priority.objects.get(strategy__partnership=partnership, title="Prevention")
    people = Priority.objects.get(strategy__partnership=partnership, title="People")
    lower = {"polarity": Polarity.LOWER_IS_BETTER, "target": Decimal("50")}
    indicator(prevention, "Higher, off target", value="90", period=q2)
    indicator(prevention, "Higher, within tolerance", value="96", period=q2)
    indicator(prevention, "Higher, on target", value="100", period=q2)
    indicator(people, "Lower, off target", value="60", period=q2, **lower)
    indicator(people, "Lower, within tolerance", value="52", period=q2, **lower)
    indicator(people, "Lower, on target", value="40", period=q2, **lower)
    return partnership, q2


def test_the_indicator_rule_alone_lists_only_the_off_target_indicators_of_both_polarities(indicators):
    partnership, q2 = indicators
    only(partnership, ExceptionRule.INDICATOR_OFF_TARGET)

    content = build(partnership, q2)

    assert [i["name"] for i in content["indicators"]] == ["Higher, off target", "Lower, off target"]
    assert content["indicator_count"] == 6
    higher, lower = content["indicators"]
    assert higher["rating"] == lower["rating"] == TargetRating.OFF_TARGET
    assert (higher["value"], higher["target"]) == ("90", "100")
    assert (lower["value"], lower["target"], lower["priority"]) == ("60", "50", "2. People")
    assert higher["note"] == "Note on Higher, off target"
    assert higher["priority"] == "1. Prevention"
    assert higher["url"].endswith(f"/indicators/{higher['pk']}/")
    assert higher["owner"]
    assert set(higher) >= {
        "name",
        "priority",
        "value",
        "target",
        "rating",
        "direction",
        "note",
        "owner",
        "url",
    }
    # No action rule is on: every action is on track, and the report says no action rule applies.
    assert content["item_count"] == 0
    assert content["rules"] == []
    assert "risks" not in content


def test_the_indicator_rule_off_leaves_the_indicators_out(indicators):
    partnership, q2 = indicators
    only(partnership)

    content = build(partnership, q2)

    assert "indicators" not in content
    assert "indicator_count" not in content
    assert "risks" not in content


def test_the_latest_value_up_to_the_period_counts_and_other_strategies_indicators_do_not(plan):
    partnership, q2 = plan
    q1 = ReportingPeriod.objects.get(partnership=partnership, name="Q1 2026/27")
    q3 = ReportingPeriodFactory(
        partnership=partnership, name="Q3 2026/27", starts_on=datetime.date(2026, 10, 1)
    )
    prevention = Priority.objects.get(strategy__partnership=partnership, title="Prevention")
    recovered = indicator(prevention, "Off in Q1, on target in Q2", value="80", period=q1)
    IndicatorValueFactory(indicator=recovered, period=q2, value=Decimal("120"))
    indicator(prevention, "Off in Q1, no value since", value="80", period=q1)
    indicator(prevention, "Off only in Q3", value="10", period=q3)
    other = StrategyFactory(partnership=partnership, title="Domestic abuse duty plan")
    indicator(None, "Another plan's indicator", value="1", period=q2, strategy=other)
    only(partnership, ExceptionRule.INDICATOR_OFF_TARGET)

    content = build(partnership, q2)

    assert [i["name"] for i in content["indicators"]] == ["Off in Q1, no value since"]
    assert content["indicators"][0]["period"] == "Q1 2026/27"
    assert content["indicator_count"] == 3


def test_a_strategy_without_indicators_reports_none_of_none(plan):
    partnership, q2 = plan
    only(partnership, ExceptionRule.INDICATOR_OFF_TARGET)

    content = build(partnership, q2)

    assert content["indicators"] == []
    assert content["indicator_count"] == 0


# Risks above tolerance or rising


@pytest.fixture
def register(plan):
    """A register (low up to 4, medium up to 12, tolerance 12) released twice: R1 high, R2 medium at
    the tolerance, R3 risen from 4 to 9, R4 fallen from 16 to 9, R5 low, R6 high but closed."""
    partnership, q2 = plan
    register = RiskRegisterFactory(partnership=partnership)
    risk(register, "R1", 4, 4)
    risk(register, "R2", 3, 4)
    rising = risk(register, "R3", 2, 2)
    falling = risk(register, "R4", 4, 4)
    risk(register, "R5", 1, 2)
    risk(register, "R6", 5, 4, status=Risk.Status.CLOSED)
    release(register, when=timezone.now() - datetime.timedelta(days=30))
    rescore(rising, 3, 3)
    rescore(falling, 3, 3)
    latest = release(register)
    return partnership, q2, register, latest


def test_the_risk_rule_alone_reports_the_high_above_tolerance_and_rising_risks_of_the_latest_release(
    register,
):
    partnership, q2, _the_register, latest = register
    only(partnership, ExceptionRule.RISK_ABOVE_TOLERANCE)

    content = build(partnership, q2)

    assert references(content) == ["R1", "R3"]
    risks = content["risks"]
    assert risks["released_at"] == latest.released_at.isoformat()
    assert risks["released_by"] == "Claire Chair"
    assert risks["tolerance"] == 12
    assert risks["bands"] == {"low_up_to": 4, "medium_up_to": 12}
    assert risks["counts"] == latest.content["counts"]
    assert risks["counts"]["open"] == 5
    assert risks["heat_map"] == latest.content["heat_map"]
    assert risks["heat_map"][1][3]["references"] == ["R1"]  # impact 4, likelihood 4
    r1, r3 = risks["items"]
    assert (r1["residual"]["band"], r1["is_above_tolerance"]) == ("high", True)
    assert (r3["movement"], r3["previous_residual_score"]) == ("up", 4)
    assert content["item_count"] == 0
    assert "indicators" not in content


def test_a_risk_above_the_tolerance_is_reported_though_it_is_not_high(plan):
    partnership, q2 = plan
    the_register = RiskRegisterFactory(partnership=partnership, tolerance=8)
    risk(the_register, "R1", 3, 3)  # 9: medium, above a tolerance of 8
    risk(the_register, "R2", 2, 4)  # 8: medium, at the tolerance
    release(the_register)
    only(partnership, ExceptionRule.RISK_ABOVE_TOLERANCE)

    content = build(partnership, q2)

    assert references(content) == ["R1"]
    assert content["risks"]["items"][0]["residual"]["band"] == "medium"


def test_the_register_in_preparation_after_a_release_is_never_reported(register):
    partnership, q2, the_register, latest = register
    low = Risk.objects.get(register=the_register, reference="R5")
    rescore(low, 5, 5)
    risk(the_register, "R7", 5, 5)
    the_register.state = the_register.State.IN_PREPARATION
    the_register.save()
    only(partnership, ExceptionRule.RISK_ABOVE_TOLERANCE)

    content = build(partnership, q2)

    assert references(content) == ["R1", "R3"]
    assert content["risks"]["counts"] == latest.content["counts"]
    assert content["risks"]["heat_map"][0][4]["references"] == []  # impact 5, likelihood 5, as released


def test_a_register_never_released_reports_none(plan):
    partnership, q2 = plan
    only(partnership, ExceptionRule.RISK_ABOVE_TOLERANCE)
    assert build(partnership, q2)["risks"] is None  # no register at all

    risk(RiskRegisterFactory(partnership=partnership), "R1", 5, 5)

    content = build(partnership, q2)
    assert "risks" in content
    assert content["risks"] is None


def test_another_partnerships_release_is_not_reported(plan):
    partnership, q2 = plan
    elsewhere = RiskRegisterFactory()
    risk(elsewhere, "X1", 5, 5)
    release(elsewhere)
    only(partnership, ExceptionRule.RISK_ABOVE_TOLERANCE)

    assert build(partnership, q2)["risks"] is None


def test_the_risk_rule_off_leaves_the_risks_out(register):
    partnership, q2, *_ = register
    only(partnership, *ACTION_RULES)

    content = build(partnership, q2)

    assert "risks" not in content
    assert "indicators" not in content
    assert content["item_count"] > 0


def test_both_rules_sit_beside_the_action_rules(register, indicators):
    partnership, q2, *_ = register
    exception_rules_set(partnership=partnership, enabled=set(ExceptionRule))

    content = build(partnership, q2)

    assert references(content) == ["R1", "R3"]
    assert [i["name"] for i in content["indicators"]] == ["Higher, off target", "Lower, off target"]
    assert content["item_count"] == 7  # the action rules select as before
    assert ExceptionRule.INDICATOR_OFF_TARGET.label not in content["rules"]
    assert set(rules_in_force(partnership)) == set(ExceptionRule)


# Frozen when published


def test_a_published_report_keeps_its_indicators_and_risks_after_later_changes(register, indicators):
    partnership, q2, the_register, _latest = register
    report = exception_report_publish(
        partnership=partnership,
        period=q2,
        meeting=MeetingFactory(partnership=partnership),
        published_by=MembershipFactory(partnership=partnership).user,
        today=TODAY,
    )
    frozen = report.content

    # The off-target indicator recovers; a rising risk is brought down and the register released again.
    q2.indicator_values.filter(indicator__name="Higher, off target").update(value=Decimal("150"))
    rescore(Risk.objects.get(register=the_register, reference="R3"), 1, 1)
    rescore(Risk.objects.get(register=the_register, reference="R1"), 1, 1)
    release(the_register)

    report = ExceptionReport.objects.get(pk=report.pk)
    assert report.content == frozen
    assert [i["name"] for i in report.content["indicators"]] == ["Higher, off target", "Lower, off target"]
    assert references(report.content) == ["R1", "R3"]
    live = build(partnership, q2)
    assert [i["name"] for i in live["indicators"]] == ["Lower, off target"]
    assert references(live) == []
    assert live["risks"]["released_at"] != frozen["risks"]["released_at"]


# The rules page


def rules_url(partnership):
    return reverse("reports:exception_rules", kwargs={"slug": partnership.slug})


def test_the_rules_page_lists_the_new_rules_and_says_what_each_does(client, plan):
    partnership, _ = plan
    client.force_login(MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user)

    html = client.get(rules_url(partnership)).content.decode()

    assert "Report an action by exception when" in html
    assert "Also report to the board when" in html
    for rule in ExceptionRule:
        assert f'value="{rule.value}"' in html
    assert "A performance indicator is off target" in html
    assert "whose latest value for the period is off target" in html
    assert "A risk is high, above the partnership&#x27;s tolerance, or rising" in html
    assert "A register still in preparation is never shown." in html
    assert len(re.findall(r'value="[a-z_]+"\s+checked', html)) == len(ExceptionRule)  # all on by default


def test_administrators_switch_the_new_rules_on_and_off(client, plan):
    partnership, _ = plan
    client.force_login(MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user)

    response = client.post(
        rules_url(partnership), {"rules": ["red"], "board_rules": ["risk_above_tolerance"]}
    )

    assert response.status_code == 302
    assert set(rules_in_force(partnership)) == {ExceptionRule.RED, ExceptionRule.RISK_ABOVE_TOLERANCE}
    html = client.get(rules_url(partnership)).content.decode()
    assert re.search(r'value="risk_above_tolerance"\s+checked', html)
    assert not re.search(r'value="indicator_off_target"\s+checked', html)

    client.post(rules_url(partnership), {"board_rules": ["indicator_off_target", "risk_above_tolerance"]})

    assert set(rules_in_force(partnership)) == {
        ExceptionRule.INDICATOR_OFF_TARGET,
        ExceptionRule.RISK_ABOVE_TOLERANCE,
    }


@pytest.mark.parametrize(
    "data",
    [
        {"board_rules": ["<script>alert(1)</script>"]},
        {"board_rules": ["red"]},  # an action rule in the other list
        {"rules": ["indicator_off_target"]},
        {"board_rules": ["ｒｉｓｋ_above_tolerance"]},  # full-width look-alikes
        {"board_rules": ["x" * 10_000]},
    ],
)
def test_a_rule_that_is_not_offered_is_refused_and_nothing_is_saved(client, plan, data):
    partnership, _ = plan
    client.force_login(MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user)

    response = client.post(rules_url(partnership), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Select a valid choice" in html
    assert "<script>alert(1)</script>" not in html
    assert not ExceptionRuleSetting.objects.exists()
