"""The demo's second live plan: the Domestic Abuse Duty Action Plan 2025-27 beside the 2024-27 strategy.

Its actions are led by agencies (some jointly) with lead officers, keep their timescales as written,
and report twice a year, so its exception report and plan on a page have content of their own.
"""

import datetime
from html import unescape

import pytest
from django.urls import reverse

from accounts.models import User
from delivery.models import Action, ProgressUpdate, ReportingPeriod
from priorities.models import Strategy
from tests.demo.test_load_demo import TODAY, load_demo, row_counts, sbp

pytestmark = pytest.mark.django_db

DA_TITLE = "Domestic Abuse Duty Action Plan 2025-27"
MAIN_TITLE = "Safer Bromley Partnership Strategy 2024-27"


def da_plan() -> Strategy:
    return Strategy.objects.get(partnership=sbp(), title=DA_TITLE)


def da_actions():
    return Action.objects.filter(ambition__priority__strategy=da_plan()).in_order()


def da_updates():
    return ProgressUpdate.objects.filter(action__ambition__priority__strategy=da_plan())


def board_client(client):
    client.force_login(User.objects.get(username="demo-board"))
    return client


def page(client, name: str, query: dict) -> str:
    path = reverse(name, kwargs={"slug": "safer-bromley"})
    response = client.get(path, query)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_plan_is_adopted_beside_the_strategy_and_reports_twice_a_year():
    load_demo()
    plan = da_plan()
    priorities = list(plan.priorities.order_by("order"))

    assert plan.status == Strategy.Status.ADOPTED
    assert plan.reporting_rhythm == Strategy.ReportingRhythm.TWICE_YEARLY
    assert (plan.starts_on, plan.ends_on) == (datetime.date(2025, 4, 1), datetime.date(2027, 3, 31))
    assert plan.summary.startswith("Illustrative: invented for the demo")
    responsible = sbp().organisations.filter(is_responsible_authority=True)
    assert set(plan.sign_offs.values_list("organisation", flat=True)) == set(
        responsible.values_list("pk", flat=True)
    )
    assert len(priorities) == 3
    assert all(p.lead and p.lead_organisation for p in priorities)
    for priority in priorities:
        assert priority.ambitions.count() == 1
        assert 2 <= Action.objects.filter(ambition__priority=priority).count() <= 4
    # The 2024-27 strategy is unchanged beside it and still reports every quarter.
    main = Strategy.objects.get(partnership=sbp(), title=MAIN_TITLE)
    assert main.reporting_rhythm == Strategy.ReportingRhythm.QUARTERLY
    assert Action.objects.filter(ambition__priority__strategy=main).count() == 30
    assert set(Strategy.objects.filter(partnership=sbp()).live().values_list("title", flat=True)) == {
        MAIN_TITLE,
        DA_TITLE,
    }


def test_the_2024_strategy_stays_the_current_one():
    load_demo()

    strategies = list(Strategy.objects.filter(partnership=sbp()))

    assert Strategy.current_of(strategies, today=TODAY).title == MAIN_TITLE


def test_actions_are_led_by_agencies_some_jointly_with_lead_officers_among_the_members():
    load_demo()
    actions = list(da_actions().prefetch_related("lead_partners"))

    assert all(a.lead_organisation is not None for a in actions)
    assert sum(1 for a in actions if a.lead_partners.exists()) >= 3
    assert {a.lead_organisation.short_name for a in actions} >= {"LBB", "MPS", "ICB", "PS", "VCS"}
    for action in actions:
        assert action.owner.memberships.filter(partnership=sbp(), is_active=True).exists()
        assert action.lead_organisation not in action.lead_partners.all()
    joint = next(a for a in actions if a.title.startswith("Train frontline staff"))
    assert joint.lead_in_words() == (
        "NHS South East London Integrated Care Board and London Borough of Bromley (Rebecca Clarke)"
    )


def test_written_timescales_are_kept_with_the_day_they_end():
    load_demo()
    timescales = {a.due_timescale: a.due_on for a in da_actions()}

    assert timescales == {
        "Q4 2025/26": datetime.date(2026, 3, 31),
        "March 2027": datetime.date(2027, 3, 31),
        "Ongoing": None,
        "September 2026": datetime.date(2026, 9, 30),
        "Q3 2026/27": datetime.date(2026, 12, 31),
        "2026/27": datetime.date(2027, 3, 31),
        "Q2 2026/27": datetime.date(2026, 9, 30),
        "Q4 2026/27": datetime.date(2027, 3, 31),
    }
    assert not da_actions().filter(original_due_on__isnull=False).exists()


def test_updates_are_only_in_the_twice_yearly_periods_the_plan_reports_in():
    load_demo()
    updates = da_updates().select_related("period", "action")

    assert updates.count() >= 15
    assert {u.period.ends_on.month for u in updates} == {3, 9}
    for update in updates:
        # Every update is one the plan's rhythm asks for (a completed action's stays "complete").
        action = update.action
        done_before = action.completed_on is not None and action.completed_on < update.period.starts_on
        assert done_before or action in Action.objects.expected_to_report(update.period)
        assert update.author_id == update.action.owner_id
    # The open period (ending in September) is one it reports in, with a missing return.
    the_open = ReportingPeriod.objects.get(partnership=sbp(), state=ReportingPeriod.State.OPEN)
    expected = Action.objects.expected_to_report(the_open).filter(ambition__priority__strategy=da_plan())
    assert expected.exclude(progress_updates__period=the_open).exists()
    # A quarter ending in December is not: nobody on the plan is asked for an update in it.
    december = ReportingPeriod.objects.get(partnership=sbp(), name="Q3 2025/26")
    assert (
        not Action.objects.expected_to_report(december)
        .filter(ambition__priority__strategy=da_plan())
        .exists()
    )


def test_the_delivery_plan_shows_the_agencies_first_and_the_timescales_as_written(client):
    load_demo()

    html = page(board_client(client), "delivery:action_list", {"strategy": da_plan().pk})

    assert (
        "NHS South East London Integrated Care Board and London Borough of Bromley (Rebecca Clarke)" in html
    )
    assert "Bromley Voluntary Sector Forum (Laura Harper)" in html
    for written in ("Q3 2026/27", "September 2026", "2026/27", "Ongoing"):
        assert written in html
    assert "Knife crime" not in html  # the 2024-27 strategy's actions are not in this plan


def test_its_exception_report_and_plan_on_a_page_have_content_of_their_own(client):
    load_demo()
    client = board_client(client)
    the_open = ReportingPeriod.objects.get(partnership=sbp(), state=ReportingPeriod.State.OPEN)
    query = {"strategy": da_plan().pk, "period": the_open.pk}

    report = page(client, "reports:exception_report", query)
    plan = page(client, "reports:plan", query)

    assert "Place an independent domestic violence advocate in the emergency department" in report
    assert (
        "NHS South East London Integrated Care Board and Bromley Voluntary Sector Forum (Rebecca Clarke)"
        in report
    )
    assert "Make full use of Domestic Abuse Protection Notices and Orders" in report  # missing return
    assert "jointly fund the post" in report  # its board ask
    assert "knife crime" not in report.lower()
    assert "Holding perpetrators to account" in plan
    assert "Safe accommodation and support" in plan


def test_loading_again_changes_nothing_even_after_a_run_as_of_another_day():
    load_demo()
    first = row_counts()
    updates = set(da_updates().values_list("action__title", "period__name", "rating", "narrative"))

    load_demo()
    assert row_counts() == first

    load_demo(datetime.date(2027, 2, 10))
    load_demo()
    assert set(da_updates().values_list("action__title", "period__name", "rating", "narrative")) == updates
    assert {a.due_timescale for a in da_actions()} >= {"Ongoing", "Q3 2026/27", "2026/27"}
    assert not da_actions().filter(original_due_on__isnull=False).exists()


def test_the_plan_has_two_levels_with_its_own_words_outcomes_and_themes():
    load_demo()
    plan = da_plan()

    assert plan.levels == Strategy.Levels.TWO
    assert (plan.words.priority, plan.words.priorities, plan.words.actions) == (
        "Objective",
        "Objectives",
        "Actions",
    )
    assert [a.reference for a in da_actions()][:4] == ["1.1", "1.2", "1.3", "2.1"]
    assert all(priority.ambitions.count() == 1 for priority in plan.priorities.all())
    first = plan.priorities.get(order=1)
    assert first.outcome_list[0].startswith("Every victim and their children")
    assert {tag.name for tag in sbp().tags.all()} >= {"VAWG", "Safe accommodation", "Serious Violence Duty"}
    vawg = da_actions().filter(tags__name="VAWG")
    assert vawg.count() == len(da_actions())
    assert da_actions().get(title__startswith="Review MARAC").other_partners == "All MARAC representatives"
