"""A browser journey through running a board meeting in the service (issue 12): an administrator adds a
meeting of the Safer Bromley Partnership Board, records its attendance, minutes an agenda item with a
resolution (markup in the minutes shown as text), and raises a board action linked to a delivery-plan
action; the action's page shows the decision and the board action, and the board's next meeting
carries the board action as a matter arising. The administrator publishes the open period's exception
report to that next meeting and turns one of its board asks into an agenda item in one step. The board
action's owner then records progress and closes it, and the next meeting no longer lists it. Every page
is checked with axe."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership, Partnership, User
from core.forms import member_label
from delivery.models import Action, ReportingPeriod
from meetings.models import AgendaItem, Attendance, BoardAction, BoardActionNote, Body, Meeting
from reports.models import ExceptionReport
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

SLUG = "safer-bromley"
BOARD = "Safer Bromley Partnership Board"
TITLE = "Safer Bromley Partnership Board (extraordinary meeting)"
ITEM_TITLE = "Domestic abuse of the elderly"
MINUTES = "Ms Roberts said that <b>x</b> should be written into the Plan.\n\nThe Board agreed."
RESOLUTION = "RESOLVED that the domestic abuse of the elderly be written into the Plan."
BOARD_ACTION = "Write the domestic abuse of the elderly into the Plan <i>by March</i>"
PROGRESS = "Written into the Plan; the <b>revised</b> plan goes to the Board."


def heading(page):
    return page.get_by_role("heading", level=1)


def settle(page):
    page.wait_for_load_state()
    assert_accessible(page)


def submit(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    settle(page)


def follow(page, name, within=None):
    """Follow the link called `name` (inside `within`, a part of the page, if given)."""
    (within or page).get_by_role("link", name=name, exact=True).click()
    settle(page)


def success(page):
    return page.locator(".govuk-notification-banner--success")


def date_fill(page, legend, day):
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def long_day(day):
    return f"{day.day} {day:%B %Y}"


def to_agenda_name(reference):
    """The name of the button that puts a board ask on the agenda: its visible words first, then the
    visually hidden "(board ask on …)"."""
    return re.compile(rf"^Add to the agenda \(board ask on {re.escape(reference)}\)$")


def matters_arising(page):
    return page.get_by_role("region", name="Matters arising", exact=True)


def test_an_administrator_runs_a_meeting_from_agenda_to_board_action_and_its_owner_closes_it(
    page, visit, sign_in, demo
):
    partnership = Partnership.objects.get(slug=SLUG)
    body = Body.objects.get(partnership=partnership, name=BOARD)
    today = timezone.localdate()
    # The demo's next meeting of the Board, after the open period's deadline: later than the new one.
    next_meeting = Meeting.objects.filter(body=body, held_on__gt=today).order_by("held_on").first()
    assert next_meeting is not None
    # An active (in progress) delivery-plan action of the demo; the officer will own the board action.
    action = (
        Action.objects.for_partnership(partnership)
        .filter(status=Action.Status.IN_PROGRESS)
        .select_related("ambition__priority__strategy")
        .order_by("pk")
        .first()
    )
    action_name = f"{action.reference} {action.title}"
    officer = User.objects.members_of(partnership).get(username="demo-officer")
    # Three active members whose attendance is recorded: present, apologies, a substitute.
    members = sorted(
        Membership.objects.for_partnership(partnership).active().select_related("user", "organisation"),
        key=lambda m: (m.organisation.name, str(m.user)),
    )
    present, apologies, substituted = (str(m.user) for m in members[:3])
    substitute = "Inspector O’Neill"

    # 1. Meetings → Add a meeting.
    sign_in("demo-admin")
    visit(reverse("delivery:action_list", kwargs={"slug": SLUG}))
    follow(page, "Meetings", within=page.locator(".govuk-service-navigation"))
    expect(heading(page)).to_have_text("Meetings")
    follow(page, "Add a meeting")
    expect(heading(page)).to_have_text("Add a meeting")
    page.get_by_label("Board or group").select_option(label=BOARD)
    page.get_by_label("Title").fill(TITLE)
    date_fill(page, "Date", today)
    page.get_by_label("Start time (optional)").fill("14:30")
    page.get_by_label("Place (optional)").fill("Bromley Civic Centre, Committee Room 1")
    page.get_by_role("radio", name="Held", exact=True).check()
    submit(page, "Add meeting")
    meeting = Meeting.objects.get(partnership=partnership, title=TITLE)
    expect(success(page)).to_contain_text(f"{meeting} added.")
    expect(heading(page)).to_have_text(f"{TITLE}, {long_day(today)}")
    assert meeting.body == body and meeting.status == Meeting.Status.HELD

    # 2. Attendance: one present, one sends apologies, one a substitute.
    follow(page, "Record attendance for this meeting")
    expect(heading(page)).to_have_text("Record attendance")
    page.get_by_role("group", name=f"{present} – attendance").get_by_role("radio", name="Present").check()
    page.get_by_role("group", name=f"{apologies} – attendance").get_by_role("radio", name="Apologies").check()
    page.get_by_role("group", name=f"{substituted} – attendance").get_by_role(
        "radio", name="Sent a substitute"
    ).check()
    page.get_by_label(f"Who came in place of {substituted} (only if they sent a substitute)").fill(substitute)
    submit(page, "Save attendance")
    expect(success(page)).to_contain_text("Attendance recorded: 3 people.")
    attendance = page.locator("#attendance + dl")
    expect(attendance).to_contain_text(f"{present}: present")
    expect(attendance).to_contain_text(f"{apologies}: apologies")
    expect(attendance).to_contain_text(f"{substitute} for {substituted}: substitute")
    assert dict(Attendance.objects.filter(meeting=meeting).values_list("name", "status")) == {
        present: Attendance.Status.PRESENT,
        apologies: Attendance.Status.APOLOGIES,
        substituted: Attendance.Status.SUBSTITUTE,
    }

    # 3. An agenda item with minutes (markup in them shown as text) and a resolution.
    follow(page, "Add agenda item")
    expect(heading(page)).to_have_text("Add an agenda item")
    page.get_by_label("Title").fill(ITEM_TITLE)
    page.get_by_label("Presenter (optional)").fill("LBB Head of Safer Communities")
    page.get_by_label("Minutes (optional)").fill(MINUTES)
    page.get_by_label("Resolution (optional)").fill(RESOLUTION)
    strategy = action.ambition.priority.strategy.title
    page.get_by_label("Delivery-plan action (optional)").select_option(label=f"{action_name} ({strategy})")
    submit(page, "Add agenda item")
    expect(success(page)).to_contain_text(f"Agenda item 1, {ITEM_TITLE}, added.")
    item = page.get_by_role("region", name=f"1. {ITEM_TITLE}")
    expect(item).to_contain_text("Ms Roberts said that <b>x</b> should be written into the Plan.")
    expect(item).to_contain_text(RESOLUTION)
    expect(item.get_by_role("link", name=action_name, exact=True)).to_be_visible()
    expect(page.locator("main b")).to_have_count(0)

    # 4. A board action arising from the item, linked to the delivery-plan action, owned by the officer.
    follow(page, "Add a board action")
    expect(heading(page)).to_have_text("Add a board action")
    page.get_by_label("What the board asked to be done").fill(BOARD_ACTION)
    page.get_by_label("Owner (optional if an organisation owns it)").select_option(
        label=member_label(officer)
    )
    date_fill(page, "Due date (optional)", next_meeting.held_on)
    page.get_by_label("Agenda item (optional)").select_option(label=f"1. {ITEM_TITLE}")
    page.get_by_label("Delivery-plan action (optional)").select_option(label=f"{action_name} ({strategy})")
    submit(page, "Add board action")
    expect(success(page)).to_contain_text("Board action added.")
    expect(heading(page)).to_have_text("Board action")
    expect(page.locator("main")).to_contain_text(BOARD_ACTION)
    expect(page.locator("main i")).to_have_count(0)
    board_action = BoardAction.objects.get(meeting=meeting)
    assert board_action.owner == officer and board_action.action == action
    assert board_action.agenda_item == AgendaItem.objects.get(meeting=meeting, order=1)

    # 5. The delivery-plan action's page shows the decision and the board action.
    follow(page, action_name)
    expect(heading(page)).to_contain_text(action.title)
    board_section = page.locator("main")
    expect(page.get_by_role("heading", name="Board decisions and actions", exact=True)).to_be_visible()
    expect(board_section.get_by_role("link", name=f"{TITLE}, {long_day(today)}", exact=True)).to_be_visible()
    expect(board_section).to_contain_text(RESOLUTION)
    board_actions = page.get_by_role("region", name="Board actions about this action", exact=True)
    expect(board_actions.get_by_role("link", name=BOARD_ACTION, exact=True)).to_be_visible()
    expect(board_actions).to_contain_text(str(officer))
    expect(page.locator("main b, main i")).to_have_count(0)

    # 6. The Board's next meeting carries it as a matter arising.
    follow(page, "Meetings", within=page.locator(".govuk-service-navigation"))
    upcoming = page.get_by_role("region", name="Upcoming meetings", exact=True)
    next_row = upcoming.get_by_role("row").filter(
        has_text=f"{next_meeting.held_on.day} {next_meeting.held_on:%b %Y}"
    )
    follow(page, BOARD, within=next_row)
    expect(heading(page)).to_have_text(f"{BOARD}, {long_day(next_meeting.held_on)}")
    arising = (
        matters_arising(page)
        .get_by_role("row")
        .filter(has=page.get_by_role("link", name=BOARD_ACTION, exact=True))
    )
    expect(arising).to_have_count(1)
    expect(arising).to_contain_text(f"Delivery-plan action {action.reference}")
    expect(arising).to_contain_text(str(officer))

    # 7. The open period's exception report is published to that meeting; a board ask in it becomes an
    # agenda item in one step, linked back to the ask.
    period = ReportingPeriod.objects.get(partnership=partnership, state=ReportingPeriod.State.OPEN)
    visit(reverse("reports:exception_report", kwargs={"slug": SLUG}) + f"?period={period.pk}")
    page.get_by_label("Meeting", exact=True).select_option(label=str(next_meeting))
    submit(page, "Publish to meeting")
    report = ExceptionReport.objects.get(meeting=next_meeting)
    asks = [
        entry
        for section in report.content["sections"]
        for ambition in section["ambitions"]
        for entry in ambition["items"]
        if (entry.get("board_ask") or "").strip() and entry.get("update_pk")
    ]
    assert asks, "the open period's exception report has no board ask"
    ask = asks[0]
    visit(next_meeting.get_absolute_url())
    expect(page.get_by_role("heading", name="Exception reports", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"Board ask on {ask['reference']} {ask['title']}")
    items_before = AgendaItem.objects.filter(meeting=next_meeting).count()
    add_to_agenda = page.get_by_role("button", name=to_agenda_name(ask["reference"]))
    expect(add_to_agenda).to_have_count(1)
    add_to_agenda.click()
    settle(page)
    order = items_before + 1
    expect(success(page)).to_contain_text(
        f"The board ask on {ask['reference']} is on the agenda as item {order}."
    )
    new_item = AgendaItem.objects.get(meeting=next_meeting, order=order)
    assert new_item.board_ask_id == ask["update_pk"]
    assert new_item.title == f"Board ask: {ask['reference']} {ask['title']}"
    agenda_entry = page.get_by_role("region", name=f"{order}. {new_item.title}", exact=True)
    expect(agenda_entry).to_be_visible()
    expect(
        agenda_entry.get_by_role("link", name=f"{ask['reference']} {ask['title']}", exact=True)
    ).to_be_visible()
    # The ask says where it is on the agenda, and can no longer be added again.
    expect(page.locator("main")).to_contain_text(f"On the agenda as item {order}.")
    expect(page.get_by_role("button", name=to_agenda_name(ask["reference"]))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"^Add to the agenda"))).to_have_count(len(asks) - 1)
    page.locator(".app-header").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    # The owner records progress and closes the board action.
    sign_in("demo-officer")
    visit(board_action.get_absolute_url())
    follow(page, "Add progress")
    expect(heading(page)).to_have_text("Add progress")
    page.get_by_label("Progress").fill(PROGRESS)
    page.get_by_role("radio", name="Done", exact=True).check()
    submit(page, "Add progress")
    expect(success(page)).to_contain_text("Progress added.")
    expect(page.locator("main")).to_contain_text(PROGRESS)
    expect(page.locator("main b")).to_have_count(0)
    board_action.refresh_from_db()
    assert board_action.status == BoardAction.Status.DONE
    assert BoardActionNote.objects.get(board_action=board_action).author == officer

    # The next meeting no longer lists it as a matter arising; the Board's other open ones stay.
    visit(next_meeting.get_absolute_url())
    expect(matters_arising(page)).to_be_visible()
    expect(matters_arising(page).get_by_role("row")).to_have_count(
        1 + BoardAction.objects.matters_arising_for(next_meeting).count()
    )
    expect(page.get_by_role("link", name=BOARD_ACTION, exact=True)).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(BOARD_ACTION)
