"""Actions keep their timescales as the plan writes them, and are sorted, chased and reported by the
last day each covers; an ongoing action is never overdue; a start date is optional."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from core.conflicts import version_of
from delivery.filters import SORTS
from delivery.models import Action
from delivery.services.actions import action_update
from delivery.services.updates import progress_update_save
from reports.exceptions import exception_report_build
from reports.exports.csv_file import exception_report_csv
from tests.delivery.factories import ActionFactory, ReportingPeriodFactory
from tests.delivery.test_plan_import import confirm, csv_file, make_plan, preview_of, row, upload
from tests.priorities.factories import StrategicAmbitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambition():
    return StrategicAmbitionFactory(priority__order=1, order=1)


@pytest.fixture
def admin(ambition, member_of):
    return member_of(ambition.priority.strategy.partnership, Membership.Role.ADMINISTRATOR)


def form(action=None, **changes):
    owner = action.owner if action else None
    return {
        "title": action.title if action else "Refresh the serious violence needs assessment",
        "owner": str(owner.pk) if owner else "",
        "due": action.timescale if action else "",
        "status": "in_progress",
        "version": version_of(action) if action else "",
        **changes,
    }


@pytest.mark.parametrize(
    ("due", "due_on", "due_timescale", "shown"),
    [
        ("Q3 2026/27", datetime.date(2026, 12, 31), "Q3 2026/27", "Q3 2026/27"),
        ("March 2027", datetime.date(2027, 3, 31), "March 2027", "March 2027"),
        ("2026/27", datetime.date(2027, 3, 31), "2026/27", "2026/27"),
        ("ongoing", None, "Ongoing", "Ongoing"),
        ("31/03/2027", datetime.date(2027, 3, 31), "", "31 March 2027"),
    ],
)
def test_the_action_form_takes_a_timescale_as_written_without_a_start(
    client, ambition, admin, due, due_on, due_timescale, shown
):
    owner = ambition.priority.strategy.partnership.memberships.first().user
    client.force_login(admin)
    slug = ambition.priority.strategy.partnership.slug

    response = client.post(
        reverse("delivery:action_create", kwargs={"slug": slug, "ambition_pk": ambition.pk}),
        {
            **form(due=due),
            "owner": str(owner.pk),
            "lead_organisation": str(owner.memberships.get().organisation_id),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    action = Action.objects.get()
    assert (action.starts_on, action.due_on, action.due_timescale) == (None, due_on, due_timescale)
    page = client.get(action.get_absolute_url()).content.decode()
    plan = client.get(reverse("delivery:action_list", kwargs={"slug": slug})).content.decode()
    assert f"Due {shown}" in page
    assert shown in plan


@pytest.mark.parametrize(
    ("due", "message"),
    [
        ("soon", "“soon” is not a timescale the service understands"),
        ("", "Enter when the action is due, or Ongoing"),
        ("Q3 2026", "is not a timescale the service understands"),
        ("x" * 61, "Write the timescale in 60 characters or fewer"),
    ],
)
def test_a_timescale_that_cannot_be_read_is_refused_on_the_page(client, ambition, admin, due, message):
    client.force_login(admin)
    slug = ambition.priority.strategy.partnership.slug

    response = client.post(
        reverse("delivery:action_create", kwargs={"slug": slug, "ambition_pk": ambition.pk}),
        {**form(due=due), "owner": str(admin.pk)},
    )

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode() and message in response.content.decode()
    assert not Action.objects.exists()


def test_an_ongoing_action_is_never_overdue_and_sorts_last(ambition):
    long_ago = datetime.date(2020, 1, 1)
    ongoing = ActionFactory(
        ambition=ambition, order=1, starts_on=long_ago, due_on=None, due_timescale="Ongoing"
    )
    dated = ActionFactory(ambition=ambition, order=2, starts_on=long_ago, due_on=datetime.date(2021, 3, 31))
    today = timezone.localdate()

    assert not ongoing.is_overdue(today) and dated.is_overdue(today)
    assert list(Action.objects.overdue(today)) == [dated]
    assert list(Action.objects.order_by(*SORTS["due"])) == [dated, ongoing]


def test_moving_a_dated_action_to_ongoing_is_a_revision_with_its_reason(ambition):
    action = ActionFactory(ambition=ambition, due_on=datetime.date(2026, 12, 31))

    action_update(
        action=action,
        data={"due_on": None, "due_timescale": "Ongoing", "due_revision_reason": "Now business as usual"},
        version=version_of(action),
    )

    action.refresh_from_db()
    assert (action.due_on, action.original_due_on) == (None, datetime.date(2026, 12, 31))
    assert action.timescale == "Ongoing"


def test_the_report_and_its_csv_keep_the_timescale_as_written_and_overdue_says_it(ambition):
    partnership = ambition.priority.strategy.partnership
    period = ReportingPeriodFactory(
        partnership=partnership, starts_on=datetime.date(2024, 10, 1), ends_on=datetime.date(2024, 12, 31)
    )
    ActionFactory(
        ambition=ambition,
        starts_on=None,
        due_on=datetime.date(2024, 12, 31),
        due_timescale="Q3 2024/25",
        status=Action.Status.IN_PROGRESS,
    )

    content = exception_report_build(
        partnership=partnership, period=period, meeting=None, today=timezone.localdate()
    )

    [item] = content["sections"][0]["ambitions"][0]["items"]
    assert item["due_timescale"] == "Q3 2024/25"
    assert "Overdue: due Q3 2024/25 (by 31 December 2024)" in item["reasons"]
    assert "2024-12-31,Q3 2024/25," in exception_report_csv(content=content)


def test_the_import_reads_written_timescales_and_empty_starts_and_reads_them_again_unchanged(client):
    plan = make_plan()
    rows = [
        row(**{"Reference": "1.1.1", "Start date": "", "Due date": "Q3 2024/25"}),
        row(**{"Reference": "1.1.2", "Start date": "2021-22", "Due date": "Ongoing"}),
        row(**{"Reference": "1.1.3", "Start date": "October 2023", "Due date": "March 2025"}),
    ]

    plan_import = preview_of(upload(client, plan, csv_file(rows)))
    assert plan_import.errors == []
    confirm(client, plan, plan_import)

    got = {a.reference: (a.starts_on, a.due_on, a.due_timescale) for a in Action.objects.all()}
    assert got == {
        "1.1.1": (None, datetime.date(2024, 12, 31), "Q3 2024/25"),
        "1.1.2": (datetime.date(2021, 4, 1), None, "Ongoing"),
        "1.1.3": (datetime.date(2023, 10, 1), datetime.date(2025, 3, 31), "March 2025"),
    }
    # The same file again changes nothing: the written timescales read back the same.
    again = preview_of(upload(client, plan, csv_file(rows)))
    assert {r["outcome"] for r in again.rows} == {"unchanged"}


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("Outstanding", Action.Status.OUTSTANDING),
        ("In progress (with revised timescale)", Action.Status.IN_PROGRESS),
        ("Ongoing", Action.Status.IN_PROGRESS),
        ("Not yet started", Action.Status.NOT_STARTED),
        ("Complete", Action.Status.COMPLETED),
    ],
)
def test_the_import_reads_statuses_as_published_plans_write_them(client, written, status):
    plan = make_plan()

    confirm(client, plan, preview_of(upload(client, plan, csv_file([row(Status=written)]))))

    assert Action.objects.get().status == status


def test_a_first_rated_update_starts_an_outstanding_action(ambition):
    action = ActionFactory(ambition=ambition, status=Action.Status.OUTSTANDING)
    period = ReportingPeriodFactory(partnership=ambition.priority.strategy.partnership)

    progress_update_save(
        action=action,
        period=period,
        author=action.owner,
        data={
            "rating": "green",
            "percent_complete": 10,
            "narrative": "Started",
            "issues_and_risks": "",
            "mitigation": "",
            "board_ask": "",
            "is_exceptional_performance": False,
            "exceptional_performance_reason": "",
        },
        version="",
        submit=True,
    )

    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
