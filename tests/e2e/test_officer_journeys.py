"""Browser journeys through the delivery plan: an officer's progress updates, a board member's
read-only view, and the owner's delegates. Every page visited is checked with axe."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from delivery.models import Action, ProgressUpdate, ReportingPeriod
from priorities.models import Strategy
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

SLUG = "safer-bromley"
MITIGATION_ERROR = "Describe the mitigation or corrective action for a red or amber rating."


def open_period():
    return ReportingPeriod.objects.get(partnership__slug=SLUG, state=ReportingPeriod.State.OPEN)


def my_actions_link(page):
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=re.compile(r"^My actions"))


def updates_due_in_navigation(page) -> int:
    """The count of updates due shown beside "My actions", read from its accessible text."""
    link = my_actions_link(page)
    expect(link).to_be_visible()
    match = re.search(r"(\d+)\s+updates due", link.text_content())
    return int(match.group(1)) if match else 0


def open_my_actions(page):
    my_actions_link(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    assert_accessible(page)


def due_rows(page):
    """The My actions rows whose update for the open period is "Due", with their "Update progress" link."""
    return (
        page.get_by_role("row")
        .filter(has=page.locator(".govuk-tag", has_text=re.compile(r"^\s*Due\s*$")))
        .filter(has=page.get_by_role("link", name=re.compile(r"^Update progress on ")))
    )


def row_for(page, action):
    """The My actions row of one action, found by the link to it."""
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=str(action), exact=True))


def action_of(row) -> Action:
    """The action a My actions row is about, from its "Update progress" link."""
    href = row.get_by_role("link", name=re.compile(r"^Update progress on ")).get_attribute("href")
    return Action.objects.get(pk=int(re.search(r"/actions/(\d+)/update/", href).group(1)))


def test_officer_submits_a_red_update_after_fixing_the_missing_mitigation(page, sign_in, demo):
    period = open_period()
    sign_in("demo-officer")

    open_my_actions(page)
    expect(page.locator(".govuk-inset-text")).to_contain_text(f"{period.name} is open for updates")
    rows = due_rows(page)
    expect(rows.first).to_be_visible()
    due_before = updates_due_in_navigation(page)
    not_submitted = (
        page.get_by_role("row")
        .filter(has=page.locator(".govuk-tag", has_text=re.compile(r"^\s*(Due|Draft saved|Late)\s*$")))
        .count()
    )
    assert due_before >= 1
    assert due_before == not_submitted, "the navigation count should match the updates not yet submitted"

    row = rows.first
    action = action_of(row)
    row.get_by_role("link", name=re.compile(r"^Update progress on ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Update progress for {period.name}")
    assert_accessible(page)

    narrative = "Panel terms of reference agreed; two partners have still to name their members."
    page.get_by_role("radio", name="Red", exact=True).check()
    page.get_by_label("Progress this period").fill(narrative)
    page.get_by_role("button", name="Submit update").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    error_link = summary.get_by_role("link", name=MITIGATION_ERROR)
    expect(error_link).to_have_attribute("href", "#id_mitigation")
    mitigation = page.get_by_label("Mitigation or corrective action")
    expect(mitigation).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Progress this period")).to_have_value(narrative)
    expect(page.get_by_role("radio", name="Red", exact=True)).to_be_checked()
    assert_accessible(page)
    assert not ProgressUpdate.objects.filter(
        action_id=action.pk, period__state="open", submitted_at__isnull=False
    ).exists()

    error_link.click()
    expect(mitigation).to_be_focused()

    mitigation_text = "Escalated to the chair, who will write to both partners this week."
    mitigation.fill(mitigation_text)
    page.get_by_role("button", name="Submit update").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(str(action))
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Progress update for {period.name} submitted.")
    card = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name=period.name, exact=True)
    )
    expect(card).to_have_count(1)
    expect(card.locator(".app-rating")).to_have_text("Red")
    expect(card).to_contain_text(narrative)
    expect(card).to_contain_text(mitigation_text)
    assert_accessible(page)
    update = ProgressUpdate.objects.get(action_id=action.pk, period__state="open")
    assert update.is_submitted and update.rating == "red" and update.mitigation == mitigation_text

    open_my_actions(page)
    row = row_for(page, action)
    expect(row.locator(".govuk-tag")).to_have_text("Submitted")
    expect(row.get_by_role("link", name=re.compile(r"^Change update on "))).to_be_visible()
    assert updates_due_in_navigation(page) == due_before - 1


def test_officer_saves_a_draft_and_finds_it_kept(page, sign_in, demo):
    sign_in("demo-officer")
    open_my_actions(page)
    due_before = updates_due_in_navigation(page)
    rows = due_rows(page)
    expect(rows.first).to_be_visible()
    row = rows.last  # another due action than the first journey's
    action = action_of(row)

    row.get_by_role("link", name=re.compile(r"^Update progress on ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Update progress for "))
    assert_accessible(page)

    narrative = "Leaflet copy written with Age UK; printing booked for next month."
    page.get_by_role("radio", name="Green", exact=True).check()
    page.get_by_label("Progress this period").fill(narrative)
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(str(action))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Draft saved")
    expect(page.get_by_role("heading", name=re.compile(r"\(draft\)$"))).to_be_visible()
    assert_accessible(page)
    draft = ProgressUpdate.objects.get(action_id=action.pk, period__state="open")
    assert not draft.is_submitted and draft.narrative == narrative

    open_my_actions(page)
    row = row_for(page, action)
    expect(row.locator(".govuk-tag")).to_have_text("Draft saved")
    # A draft is still owed: the count of updates due does not change until it is submitted.
    assert updates_due_in_navigation(page) == due_before

    row.get_by_role("link", name=re.compile(r"^Update progress on ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Update progress for "))
    expect(page.locator("main")).to_contain_text("A draft is saved.")
    expect(page.get_by_label("Progress this period")).to_have_value(narrative)
    expect(page.get_by_role("radio", name="Green", exact=True)).to_be_checked()
    assert_accessible(page)


def test_board_member_filters_the_plan_and_reads_an_action_but_may_not_update_it(
    page, sign_in, demo, live_server
):
    sign_in("demo-board")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Delivery plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery plan")
    assert_accessible(page)

    page.get_by_label("Latest rating").select_option(label="Red")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"[?&]rating=red(&|$)"))
    expect(page.get_by_label("Latest rating")).to_have_value("red")
    current = Strategy.current_of(
        list(Strategy.objects.filter(partnership__slug=SLUG)), today=timezone.localdate()
    )
    red_count = (
        Action.objects.filter(ambition__priority__strategy=current)  # the plan opens on the current strategy
        .with_latest_update()
        .filter(latest_rating="red")
        .count()
    )
    assert red_count >= 1
    expect(page.get_by_role("status")).to_have_text(f"{red_count} action{'s' if red_count != 1 else ''}")
    body_rows = page.locator("tbody").get_by_role("row")
    expect(body_rows).to_have_count(red_count)
    for index in range(red_count):
        expect(body_rows.nth(index).get_by_role("cell").nth(2).locator(".app-rating")).to_have_text("Red")
    assert_accessible(page)

    body_rows.first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Progress updates")).to_be_visible()
    assert_accessible(page)
    expect(page.locator(".govuk-summary-card").first).to_be_visible()
    expect(page.get_by_role("heading", name="Change history")).to_be_visible()
    history = page.locator("main").get_by_role("listitem")
    expect(history.filter(has_text="created the action")).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile(r"^Update progress"))).to_have_count(0)
    expect(page.get_by_role("link", name="Change delegates")).to_have_count(0)

    update_url = page.url.rstrip("/") + "/update/"
    response = page.goto(update_url)

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have permission to do this")
    expect(page).to_have_title(re.compile(r"^You do not have permission to do this"))
    assert_accessible(page)


def test_owner_adds_and_removes_a_delegate(page, sign_in, demo):
    officer = User.objects.get(username="demo-officer")
    action = (
        Action.objects.filter(ambition__priority__strategy__partnership__slug=SLUG, owner=officer)
        .filter(delegates__isnull=True)
        .in_order()
        .first()
    )
    assert action is not None, "the demo should give demo-officer an action with no delegates"
    sign_in("demo-officer")
    open_my_actions(page)

    page.get_by_role("link", name=str(action), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(action))
    assert_accessible(page)

    page.get_by_role("link", name="Change delegates", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delegates")
    expect(page.locator("main")).to_contain_text("No delegates yet.")
    assert_accessible(page)

    # Adding nobody is refused with the GOV.UK error summary.
    page.get_by_role("button", name="Add delegate").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Choose a person to add")).to_be_visible()
    assert_accessible(page)

    select = page.get_by_label("Add a delegate")
    label = select.locator("option").nth(1).text_content().strip()  # "Jane Smith (Metropolitan Police)"
    person = label.rsplit(" (", 1)[0]
    select.select_option(label=label)
    page.get_by_role("button", name="Add delegate").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{person} can now update this action."
    )
    delegates = page.locator("main .govuk-summary-list")
    expect(delegates.get_by_role("term")).to_have_text([person])
    remove = page.get_by_role("button", name=f"Remove {person}")
    expect(remove).to_be_visible()
    expect(select.locator("option", has_text=person)).to_have_count(0)
    assert_accessible(page)
    assert [str(d) for d in action.delegates.all()] == [person]

    remove.click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{person} can no longer update this action."
    )
    expect(page.locator("main")).to_contain_text("No delegates yet.")
    expect(page.get_by_role("button", name=re.compile(r"^Remove "))).to_have_count(0)
    expect(select.locator("option", has_text=person)).to_have_count(1)
    assert_accessible(page)
    assert not action.delegates.exists()
