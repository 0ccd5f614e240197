"""How many queries each page makes for a partnership administrator, with one of everything and then with
ten: every page an administrator opens in each app costs the same for one row as for ten, and at most
`GOAL` queries unless `BUDGETS` holds a page to its count today, so that it cannot grow. The helpers serve
the apps' own query-count tests too (tests/accounts, tests/delivery).

A page whose count grows with its rows makes a query a row somewhere; the test compares the two counts.
Each page is opened as it is within a minute of the person's last recorded activity, when the session
is left as it is (accounts.sessions.ACTIVITY_RECORDED_EVERY): a request that records activity saves the
session too, which a test's database sees as three queries, the UPDATE and a savepoint either side.
"""

import datetime

import pytest
from axes.models import AccessLog
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.conflicts import version_of
from delivery.models import ReportingPeriod
from meetings.models import SupportingDocument
from risks.models import RiskRegister
from risks.services import register_release
from tests.accounts.factories import InvitationFactory, MembershipFactory, OrganisationFactory
from tests.accounts.session_support import activity_recorded_now
from tests.delivery.factories import (
    ActionFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
)
from tests.indicators.factories import IndicatorFactory, IndicatorTargetFactory, IndicatorValueFactory
from tests.meetings.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    BoardActionFactory,
    BoardActionNoteFactory,
    MeetingFactory,
)
from tests.priorities.factories import (
    ConsultationFactory,
    PriorityFactory,
    SignOffFactory,
    StrategicAmbitionFactory,
)
from tests.risks.factories import RiskFactory, RiskReviewFactory
from tests.test_access_matrix import ACCESS, ACTORS, address, complete_world
from tests.urls import url_patterns
from tests.world import one_of_everything

GOAL = 12
ROWS = 10

# Pages not yet within twelve: held to their count today, so that it cannot grow.
BUDGETS = {
    "delivery:action_list": 13,
    "delivery:action_detail": 17,
    "reports:plan": 13,
    "reports:exception_report": 21,
    "reports:activity": 30,
}

# Of the delivery and reports apps, the pages that read the plan and its returns; every page of the others.
PAGES = {
    "delivery": (
        "delivery:my_actions",
        "delivery:action_list",
        "delivery:action_detail",
        "delivery:progress_update",
        "delivery:progress_update_for",
        "delivery:period_list",
        "delivery:period_detail",
    ),
    "reports": ("reports:plan", "reports:exception_report", "reports:board_asks", "reports:activity"),
}


def administrators_pages(app: str) -> list[tuple[str, tuple[str, ...]]]:
    """The app's pages an administrator opens with GET (200 in the access matrix), with their parameters."""
    admin = ACTORS.index("admin")
    return [
        (name, parameters)
        for name, parameters, _ in url_patterns()
        if name.startswith(f"{app}:") and ACCESS.get(name, ("",))[0][admin : admin + 1] == "2"
    ]


def signed_in_world(client) -> dict:
    """The access matrix's world of one of everything, its administrator signed in; the person pages
    are about the officer who holds one of each kind of work."""
    world = complete_world(one_of_everything())
    world["pks"]["accounts:person"] = world["officer_membership"].pk
    client.force_login(world["admin"])
    return world


def queries_of(client, url: str) -> list[str]:
    """The SQL a GET of `url` makes, which must answer 200, within a minute of the last recorded activity."""
    activity_recorded_now()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return [query["sql"] for query in queries.captured_queries]


def next_order(items) -> int:
    """The order after the highest of `items`: the factories number their rows across the whole run, so
    a fixed number could be one already taken."""
    return (items.aggregate(top=Max("order"))["top"] or 0) + 1


def more_of_everything(world: dict, count: int) -> None:
    """Add to the world until it holds `count` of each thing the pages list: people and organisations,
    priorities, actions, milestones, updates, periods, meetings and their papers, board actions and
    notes, consultations, sign-offs, risks and reviews, indicators, values and targets, invitations,
    sign-ins, and more work of each kind held by the officer the person pages are about."""
    partnership, strategy, officer = world["partnership"], world["strategy"], world["officer"]
    action, risk, indicator, meeting = world["action"], world["risk"], world["indicator"], world["meeting"]
    first_item = meeting.agenda_items.order_by("pk").first()
    for n in range(world.setdefault("grown_to", 1), count):
        organisation = OrganisationFactory(partnership=partnership, is_responsible_authority=True)
        member = MembershipFactory(partnership=partnership, organisation=organisation).user
        AccessLog.objects.create(username=member.username, ip_address="192.0.2.1", user_agent="pytest")
        InvitationFactory(partnership=partnership, invited_by=world["admin"], organisation=organisation)
        start = datetime.date(2020, 4, 1) + datetime.timedelta(days=92 * n)
        period = ReportingPeriodFactory(
            partnership=partnership,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=90),
            update_deadline=start + datetime.timedelta(days=91),
            state=ReportingPeriod.State.LOCKED,
        )
        priority = PriorityFactory(
            strategy=strategy,
            order=next_order(strategy.priorities),
            lead=officer,
            lead_organisation=organisation,
        )
        ambition = StrategicAmbitionFactory(priority=priority, order=1)
        theirs = ActionFactory(ambition=ambition, order=1, owner=member)
        theirs.delegates.add(officer)
        mine = ActionFactory(
            ambition=world["ambition"], order=next_order(world["ambition"].actions), owner=officer
        )
        MilestoneFactory(action=action)
        ProgressUpdateFactory(action=theirs, period=world["period"], author=member, board_ask="More funding.")
        ProgressUpdateFactory(action=mine, period=world["period"], author=officer)
        ProgressUpdateFactory(action=action, period=period, author=officer)
        item = AgendaItemFactory(meeting=meeting, action=theirs, order=next_order(meeting.agenda_items))
        for on in (item, first_item):
            SupportingDocument.objects.create(
                agenda_item=on, title=f"Paper {n}", url="https://example.org/p.pdf"
            )
        AttendanceFactory(meeting=meeting, person=member, name=str(member), organisation=organisation)
        board_action = BoardActionFactory(meeting=meeting, owner=officer, action=theirs, agenda_item=item)
        BoardActionNoteFactory(board_action=board_action, author=officer)
        BoardActionNoteFactory(board_action=world["board_action"], author=member)
        earlier = MeetingFactory(
            partnership=partnership, body=meeting.body, held_on=meeting.held_on - datetime.timedelta(days=n)
        )
        BoardActionFactory(meeting=earlier, owner=member, action=theirs)  # a matter arising
        ConsultationFactory(strategy=strategy)
        SignOffFactory(strategy=strategy, organisation=organisation)
        organisation.nominated_contact = officer
        organisation.save()
        theirs_risk = RiskFactory(
            register=risk.register, owner=member, owner_organisation=organisation, review_on=period.ends_on
        )
        theirs_risk.priorities.add(priority, world["ambition"].priority)
        theirs_risk.actions.add(action, theirs)
        theirs_risk.treating_actions.add(mine)
        risk.priorities.add(priority)
        risk.actions.add(theirs)
        risk.treating_actions.add(mine)
        RiskReviewFactory(risk=theirs_risk, period=world["period"], reviewed_by=member)
        RiskReviewFactory(risk=risk, period=period, reviewed_by=officer)
        theirs_indicator = IndicatorFactory(priority=priority, owner=member, owner_organisation=organisation)
        IndicatorTargetFactory(indicator=theirs_indicator, financial_year=2026)
        IndicatorValueFactory(indicator=theirs_indicator, period=world["period"], entered_by=member)
        IndicatorValueFactory(indicator=indicator, period=period, entered_by=officer)
        IndicatorTargetFactory(indicator=indicator, financial_year=2000 + n)
        register = RiskRegister.objects.get(pk=risk.register_id)
        register_release(
            register=register,
            released_by=world["admin"],
            note=f"Release {n}.",
            version=version_of(register),
            now=timezone.now(),
            today=world["period"].ends_on,
        )
    world["grown_to"] = max(count, world["grown_to"])


def over_budget(client, world: dict, pages) -> dict[str, str]:
    """Each page whose count differs between one row and `ROWS` rows, or passes its budget (`GOAL`
    unless `BUDGETS` says), with both lists of SQL: empty when every page keeps to them."""
    urls = {name: address(world, name, parameters) for name, parameters in pages}
    few = {name: queries_of(client, url) for name, url in urls.items()}
    more_of_everything(world, ROWS)
    many = {name: queries_of(client, url) for name, url in urls.items()}
    found = {}
    for name in urls:
        budget = BUDGETS.get(name, GOAL)
        if len(few[name]) != len(many[name]) or len(few[name]) > budget:
            found[name] = (
                f"{len(few[name])} queries for one row, {len(many[name])} for {ROWS}, budget {budget}\n"
                + listed("one row", few[name])
                + listed(f"{ROWS} rows", many[name])
            )
    return found


def listed(heading: str, queries: list[str]) -> str:
    return f"  {heading}:\n" + "".join(f"    {n:3}. {sql[:300]}\n" for n, sql in enumerate(queries, 1))


def report(found: dict[str, str]) -> str:
    return "pages over their budget, or whose count grows with their rows:\n" + "\n".join(
        f"{name}: {text}" for name, text in found.items()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "app", ["accounts", "delivery", "indicators", "meetings", "priorities", "reports", "risks"]
)
def test_every_page_costs_the_same_for_one_row_and_ten_and_keeps_to_its_budget(client, app):
    world = signed_in_world(client)
    pages = [
        (name, parameters) for name, parameters in administrators_pages(app) if name in PAGES.get(app, [name])
    ]

    found = over_budget(client, world, pages)

    names = {name for name, _ in pages}
    assert names == set(PAGES[app]) if app in PAGES else len(names) >= 5
    assert found == {}, report(found)
