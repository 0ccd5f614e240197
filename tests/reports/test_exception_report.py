"""The exception report on a fixture partnership whose expected items are written out by hand."""

import datetime

from core.ratings import Rating
from delivery.models import Action
from reports.exceptions import exception_report_build
from reports.models import ExceptionReport, ExceptionRule
from reports.services import exception_report_publish, exception_rules_set
from tests.accounts.factories import MembershipFactory
from tests.meetings.factories import MeetingFactory

TODAY = datetime.date(2026, 11, 22)  # the day the fixture partnership is reported on


def items_of(content):
    return [
        (item["reference"], item["title"], item["reasons"])
        for section in content["sections"]
        for ambition in section["ambitions"]
        for item in ambition["items"]
    ]


def test_the_report_lists_exactly_the_actions_the_rules_select(plan):
    partnership, q2 = plan

    content = exception_report_build(partnership=partnership, period=q2, meeting=None, today=TODAY)

    assert items_of(content) == [
        ("1.1.1", "Knife crime sessions", ["Rated red", "Worse than the previous period: green to red"]),
        ("1.2.1", "Online safety campaign", ["Rated amber", "Overdue: it was due on 1 October 2026"]),
        ("2.1.1", "Refresh the VAWG plan", ["No update submitted by the deadline of 31 October 2026"]),
        ("2.1.2", "Independent advocate service", ["Asks the board for a decision or support"]),
        ("2.1.3", "MARAC review", ["Completed on 15 September 2026, ahead of its due date"]),
        ("2.1.4", "Elder abuse awareness", ["Milestone overdue: Leaflets printed (due 1 November 2026)"]),
        ("2.1.5", "Scams prevention", ["No update submitted by the deadline of 31 October 2026"]),
    ]
    assert content["item_count"] == 7
    assert content["on_track_count"] == 1
    assert [s["priority"] for s in content["sections"]] == ["1. Prevention", "2. People"]
    assert [a["ambition"] for a in content["sections"][0]["ambitions"]] == [
        "1.1 Reduce serious violence",
        "1.2 Counter online harm",
    ]


def test_items_carry_the_lead_ratings_and_text_the_board_needs(plan):
    partnership, q2 = plan

    content = exception_report_build(partnership=partnership, period=q2, meeting=None, today=TODAY)

    first = content["sections"][0]["ambitions"][0]["items"][0]
    assert first["owner"] == "Tom Fletcher"
    assert first["organisation"] == "LBB Council"
    assert (first["rating_label"], first["previous_rating_label"], first["direction"]) == (
        "Red",
        "Green",
        "Worse",
    )
    assert first["narrative"] == "Two schools withdrew"
    assert first["mitigation"] == "Extra officer time agreed"
    assert first["due_on"] == "2027-03-31"


def test_items_carry_issues_and_risks_and_the_path_of_their_action(plan):
    partnership, q2 = plan
    q2.progress_updates.filter(action__title="Knife crime sessions").update(issues_and_risks="Venue lost")

    content = exception_report_build(partnership=partnership, period=q2, meeting=None, today=TODAY)

    prevention = content["sections"][0]["ambitions"]
    knife, online = prevention[0]["items"][0], prevention[1]["items"][0]
    assert knife["issues_and_risks"] == "Venue lost"
    assert knife["url"] == Action.objects.get(title="Knife crime sessions").get_absolute_url()
    assert online["issues_and_risks"] == ""
    silent = content["sections"][1]["ambitions"][0]["items"][0]
    assert (silent["title"], silent["issues_and_risks"]) == ("Refresh the VAWG plan", "")


def test_the_actions_on_track_are_listed_with_the_path_of_each(plan):
    partnership, q2 = plan

    content = exception_report_build(partnership=partnership, period=q2, meeting=None, today=TODAY)

    youth = Action.objects.get(title="Youth outreach")
    assert content["on_track"] == [
        {
            "reference": "1.1.2",
            "title": "Youth outreach",
            "url": youth.get_absolute_url(),
            "rating": "green",
            "rating_label": "Green",
        }
    ]
    assert len(content["on_track"]) == content["on_track_count"]


def test_each_summary_count_keeps_the_path_of_the_delivery_plan_filtered_to_it(plan):
    partnership, q2 = plan

    summary = exception_report_build(partnership=partnership, period=q2, meeting=None, today=TODAY)["summary"]

    prevention = summary["rows"][0]
    priority = Action.objects.get(title="Knife crime sessions").ambition.priority
    plan_path = f"/p/{partnership.slug}/actions/"
    where = f"strategy={priority.strategy_id}&period={q2.pk}"
    assert prevention["links"]["red"] == f"{plan_path}?{where}&priority={priority.pk}&rating=red"
    assert prevention["total_link"] == f"{plan_path}?{where}&priority={priority.pk}"
    assert summary["totals"]["links"]["not_rated"] == f"{plan_path}?{where}&rating=not_rated"
    assert summary["totals"]["total_link"] == f"{plan_path}?{where}"


def test_the_summary_counts_ratings_per_priority_now_and_before(plan):
    partnership, q2 = plan

    summary = exception_report_build(partnership=partnership, period=q2, meeting=None, today=TODAY)["summary"]

    prevention, people = summary["rows"]
    assert prevention["counts"] == {"red": 1, "amber": 1, "green": 1, "blue": 0, "not_rated": 0}
    assert prevention["previous_counts"] == {"red": 0, "amber": 0, "green": 2, "blue": 0, "not_rated": 1}
    assert people["counts"] == {"red": 0, "amber": 0, "green": 2, "blue": 1, "not_rated": 2}
    assert summary["totals"]["total"] == 8
    assert summary["totals"]["counts"]["green"] == 3


def test_a_rule_switched_off_reports_nothing_by_it(plan):
    partnership, q2 = plan
    exception_rules_set(
        partnership=partnership, enabled={r for r in ExceptionRule if r != ExceptionRule.MISSING_RETURN}
    )

    content = exception_report_build(partnership=partnership, period=q2, meeting=None, today=TODAY)

    assert [ref for ref, _, _ in items_of(content)] == ["1.1.1", "1.2.1", "2.1.2", "2.1.3", "2.1.4"]
    assert content["on_track_count"] == 3
    assert "No update submitted by the deadline" not in content["rules"]


def test_a_published_report_is_frozen_and_republishing_keeps_the_old_version(plan):
    partnership, q2 = plan
    meeting = MeetingFactory(partnership=partnership, held_on=datetime.date(2026, 12, 10))
    admin = MembershipFactory(partnership=partnership).user

    first = exception_report_publish(
        partnership=partnership, period=q2, meeting=meeting, published_by=admin, today=TODAY
    )
    update = q2.progress_updates.get(action__title="Knife crime sessions")
    update.narrative = "Rewritten after the meeting"
    update.rating, update.mitigation = Rating.GREEN, ""
    update.save()
    second = exception_report_publish(
        partnership=partnership, period=q2, meeting=meeting, published_by=admin, today=TODAY
    )

    first.refresh_from_db()
    frozen = items_of(first.content)
    assert frozen[0] == (
        "1.1.1",
        "Knife crime sessions",
        ["Rated red", "Worse than the previous period: green to red"],
    )
    assert first.content["sections"][0]["ambitions"][0]["items"][0]["narrative"] == "Two schools withdrew"
    assert (first.version, second.version) == (1, 2)
    assert "1.1.1" not in [ref for ref, _, _ in items_of(second.content)]
    assert ExceptionReport.objects.filter(meeting=meeting).count() == 2
    assert first.content["meeting"] == {"title": meeting.title, "held_on": "2026-12-10"}
