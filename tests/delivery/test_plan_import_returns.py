"""Past returns in an imported delivery plan (issue 11, point 5): a rating and a progress narrative per
reporting period, matched from the file's own columns, written as submitted updates in locked and
open periods, never over an update an officer submitted, and only in the periods the strategy reports in."""

import datetime
import html

import pytest
from django.urls import reverse

from core.ratings import Rating
from delivery.imports.columns import COLUMNS
from delivery.models import Action, PlanImport, ProgressUpdate, ReportingPeriod
from priorities.models import Strategy
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.delivery.test_plan_import import HEADINGS, confirm, csv_file, import_url, make_plan, row, upload
from tests.delivery.test_plan_import_columns import choices, columns_url, matching_of, selected

RETURN_HEADINGS = ["RAG Q1 2025/26", "Update Q1 2025/26", "Q2 2025/26 status", "Progress update Sept 2025"]
HEADINGS_WITH_RETURNS = [*HEADINGS, *RETURN_HEADINGS]


@pytest.fixture
def plan(db):
    plan = make_plan()
    plan.q1 = ReportingPeriodFactory(
        partnership=plan.partnership,
        name="Q1 2025/26",
        starts_on=datetime.date(2025, 4, 1),
        ends_on=datetime.date(2025, 6, 30),
        state=ReportingPeriod.State.LOCKED,
    )
    plan.q2 = ReportingPeriodFactory(
        partnership=plan.partnership,
        name="Q2 2025/26",
        starts_on=datetime.date(2025, 7, 1),
        ends_on=datetime.date(2025, 9, 30),
        state=ReportingPeriod.State.OPEN,
    )
    return plan


def returns_row(**returns) -> dict:
    values = {
        "RAG Q1 2025/26": "G",
        "Update Q1 2025/26": "Sessions booked in four schools.",
        "Q2 2025/26 status": "Amber",
        "Progress update Sept 2025": "Two schools postponed to the spring.",
    }
    return row(**{**values, **returns})


def return_keys(plan) -> list[str]:
    return [
        f"rating:{plan.q1.pk}",
        f"progress:{plan.q1.pk}",
        f"rating:{plan.q2.pk}",
        f"progress:{plan.q2.pk}",
    ]


def matched(client, plan, rows) -> PlanImport:
    """Upload a file with the return columns, match them as suggested, and return its preview."""
    plan_import = matching_of(upload(client, plan, csv_file(rows, headings=HEADINGS_WITH_RETURNS)))
    page = client.get(columns_url(plan, plan_import)).content.decode()
    assert selected(page)[len(HEADINGS) :] == return_keys(plan)
    response = client.post(
        columns_url(plan, plan_import), choices(*(c.key for c in COLUMNS), *return_keys(plan))
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    plan_import.refresh_from_db()
    return plan_import


def preview_page(client, plan, plan_import) -> str:
    return client.get(import_url(plan, "plan_import_preview", import_pk=plan_import.pk)).content.decode()


def imported(client, plan, plan_import) -> PlanImport:
    assert plan_import.errors == []
    confirm(client, plan, plan_import)
    plan_import.refresh_from_db()
    assert plan_import.state == PlanImport.State.IMPORTED, plan_import.failure
    return plan_import


def test_returns_are_matched_previewed_and_written_into_locked_and_open_periods(client, plan):
    page = client.get(
        columns_url(
            plan, matching_of(upload(client, plan, csv_file([returns_row()], headings=HEADINGS_WITH_RETURNS)))
        )
    ).content.decode()
    assert "Rating for Q1 2025/26" in page and "Progress for Q2 2025/26" in page

    plan_import = matched(client, plan, [returns_row()])
    page = preview_page(client, plan, plan_import)
    assert "Past returns: Q1 2025/26: Green; Q2 2025/26: Amber" in page
    assert "To write as submitted progress updates: 2 returns." in page
    imported(client, plan, plan_import)

    action = Action.objects.get()
    q1, q2 = (ProgressUpdate.objects.get(action=action, period=p) for p in (plan.q1, plan.q2))
    assert (q1.rating, q1.narrative, q1.is_submitted) == (
        Rating.GREEN,
        "Sessions booked in four schools.",
        True,
    )
    assert (q2.rating, q2.narrative, q2.is_submitted) == (
        Rating.AMBER,
        "Two schools postponed to the spring.",
        True,
    )
    assert q2.mitigation.startswith("None recorded in the plan.")
    assert q1.author == plan.admin
    assert q1.history.latest().history_change_reason == "Imported from plan.csv"
    assert action.status == Action.Status.IN_PROGRESS  # as the file's Status says, not the ratings

    # The next file with these headings is matched as before, straight to its preview.
    again = PlanImport.objects.get(
        pk=int(
            upload(client, plan, csv_file([returns_row()], headings=HEADINGS_WITH_RETURNS))["Location"]
            .rstrip("/")
            .rsplit("/", 1)[1]
        )
    )
    assert again.state == PlanImport.State.PREVIEW
    assert (
        "Q1 2025/26: Green (kept: already reported); Q2 2025/26: Amber (kept: already reported)"
        in preview_page(client, plan, again)
    )


def test_an_unknown_rating_is_a_problem_of_its_row_and_column_and_nothing_is_written(client, plan):
    plan_import = matched(client, plan, [returns_row(**{"RAG Q1 2025/26": "Purple"})])

    [error] = plan_import.errors
    assert (error["row"], error["column"]) == (2, "Rating for Q1 2025/26")
    assert error["message"].startswith("Unknown rating “Purple”: use Red, Amber, Green or Blue")
    confirm(client, plan, plan_import)
    assert not Action.objects.exists() and not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "submitted_at", [datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC), None], ids=["submitted", "draft"]
)
def test_an_officers_update_is_kept_and_the_others_written(client, plan, submitted_at):
    action = ActionFactory(ambition=plan.violence, order=1, owner=plan.owner)
    officers = ProgressUpdateFactory(
        action=action,
        period=plan.q2,
        rating=Rating.GREEN,
        narrative="Officer's own words.",
        submitted_at=submitted_at,
    )

    plan_import = matched(client, plan, [returns_row()])
    assert "Q1 2025/26: Green; Q2 2025/26: Amber (kept: already reported)" in preview_page(
        client, plan, plan_import
    )
    imported(client, plan, plan_import)

    officers.refresh_from_db()
    assert (officers.rating, officers.narrative, officers.author, officers.submitted_at) == (
        Rating.GREEN,
        "Officer's own words.",
        plan.owner,
        submitted_at,
    )
    assert ProgressUpdate.objects.get(action=action, period=plan.q1).rating == Rating.GREEN


def test_a_return_for_a_period_the_strategy_does_not_report_in_is_refused(client, plan):
    plan.strategy.reporting_rhythm = Strategy.ReportingRhythm.TWICE_YEARLY
    plan.strategy.save()

    plan_import = matched(client, plan, [returns_row()])

    [error] = plan_import.errors
    assert (error["row"], error["column"]) == (2, "Rating for Q1 2025/26")
    assert "does not report in Q1 2025/26" in error["message"]


def test_a_completion_in_a_locked_period_is_rated_blue_with_the_files_narrative(client, plan):
    rows = [
        returns_row(
            Status="Complete",
            **{
                "Date completed": "20/06/2025",
                "RAG Q1 2025/26": "Completed",
                "Update Q1 2025/26": "All sessions delivered.",
                "Q2 2025/26 status": "",
                "Progress update Sept 2025": "",
            },
        )
    ]
    plan_import = matched(client, plan, rows)
    page = preview_page(client, plan, plan_import)
    assert "Completed on 20 June 2025: rated Blue in Q1 2025/26 (locked)" in page
    assert "Past returns: Q1 2025/26: Blue</p>" in page
    imported(client, plan, plan_import)

    [update] = ProgressUpdate.objects.all()
    assert (update.period, update.rating, update.narrative) == (
        plan.q1,
        Rating.BLUE,
        "All sessions delivered.",
    )
    assert update.is_submitted and update.percent_complete == 100


def test_a_rating_other_than_blue_in_the_completions_period_is_refused(client, plan):
    rows = [returns_row(Status="Complete", **{"Date completed": "20/06/2025", "RAG Q1 2025/26": "Red"})]

    plan_import = matched(client, plan, rows)

    assert [(e["column"], e["message"]) for e in plan_import.errors] == [
        (
            "Rating for Q1 2025/26",
            "The action was completed in Q1 2025/26: rate it Blue there, or leave it empty",
        )
    ]


def test_plan_on_a_page_shows_the_imported_ratings_for_that_period(client, plan):
    imported(client, plan, matched(client, plan, [returns_row()]))

    url = reverse("reports:plan", kwargs={"slug": plan.partnership.slug})
    q1 = client.get(url, {"strategy": plan.strategy.pk, "period": plan.q1.pk}).content.decode()
    q2 = client.get(url, {"strategy": plan.strategy.pk, "period": plan.q2.pk}).content.decode()

    assert '1<span class="govuk-visually-hidden"> green, whole partnership</span>' in q1
    assert '1<span class="govuk-visually-hidden"> amber, whole partnership</span>' in q2


def test_a_hostile_narrative_is_shown_as_text(client, plan):
    hostile = '<script>alert("x")</script><b>bold</b>'
    imported(client, plan, matched(client, plan, [returns_row(**{"Update Q1 2025/26": hostile})]))

    update = ProgressUpdate.objects.get(period=plan.q1)
    assert update.narrative == hostile
    page = client.get(update.action.get_absolute_url()).content.decode()
    assert html.escape(hostile, quote=False) in page or html.escape(hostile) in page
    assert hostile not in page


def test_a_narrative_is_taken_up_to_the_progress_forms_limit_and_refused_beyond_it(client, plan):
    limit = ProgressUpdate._meta.get_field("narrative").max_length
    too_long = csv_file(
        [returns_row(**{"Update Q1 2025/26": "x" * (limit + 1)})], headings=HEADINGS_WITH_RETURNS
    )

    response = upload(client, plan, too_long)

    assert response.status_code == 200
    assert f"must be {limit:,} characters or fewer" in response.content.decode()
    assert not PlanImport.objects.exists()

    imported(client, plan, matched(client, plan, [returns_row(**{"Update Q1 2025/26": "x" * limit})]))
    assert len(ProgressUpdate.objects.get(period=plan.q1).narrative) == limit
