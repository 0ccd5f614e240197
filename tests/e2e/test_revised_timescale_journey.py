"""A browser journey through revising an action's timescale: an administrator moves an active action's
due date later, is told to say why, gives a reason (with markup and a look-alike letter in it), and
then sees the due date "revised from" the original one, with the reason as plain text, on the action's
page, in the delivery plan and in the open period's exception report, which reports the action for it;
switching the rule off takes it out again. Every page is checked with axe."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from core.templatetags.govuk import long_date
from delivery.models import Action, ReportingPeriod
from reports.exceptions import exception_report_build
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

SLUG = "safer-bromley"
REASON_LABEL = "Why is the due date changing? (only if you change it)"
RULE = "Its due date was revised this period"
# Markup that must be shown as text, and a full-width f (U+FF46) that looks like a plain one.
REASON = "<b>Contractor</b> delay — \uff46unding"


def heading(page):
    return page.get_by_role("heading", level=1)


def submit(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)


def error_summary(page):
    return page.locator(".govuk-error-summary")


def due_date_fill(page, day: datetime.date):
    page.get_by_label("Due", exact=True).fill(f"{day:%d/%m/%Y}")


def report_card(page, action):
    """The exception report's card for the action, found by its heading."""
    title = f"{action.reference} {action.title}"
    return page.locator(".govuk-summary-card").filter(has=page.get_by_role("heading", name=title, exact=True))


def summary_value(within, key):
    """The value of the summary-list row whose key is exactly `key`."""
    key_cell = within.page.locator("dt", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    return (
        within.locator(".govuk-summary-list__row").filter(has=key_cell).locator(".govuk-summary-list__value")
    )


def test_a_revised_due_date_is_explained_shown_and_reported_until_the_rule_is_switched_off(
    page, visit, sign_in, demo
):
    period = ReportingPeriod.objects.get(partnership__slug=SLUG, state=ReportingPeriod.State.OPEN)
    today = timezone.localdate()
    # The demo lays the open period out so that today is inside its update window: a due date revised
    # today was revised in this period, which is what the rule looks for.
    assert period.starts_on <= today <= max(period.ends_on, period.update_deadline)
    # An active action the open period's report counts as on track, so that it is reported only for
    # the revision (and the rule alone decides whether it is reported).
    content = exception_report_build(partnership=period.partnership, period=period, meeting=None, today=today)
    on_track = {entry["url"] for entry in content["on_track"]}
    action = next(
        a
        for a in Action.objects.filter(
            ambition__priority__strategy__partnership__slug=SLUG,
            status=Action.Status.IN_PROGRESS,
            original_due_on__isnull=True,
        ).order_by("pk")
        if a.get_absolute_url() in on_track
    )
    original = action.due_on
    revised = original + datetime.timedelta(days=90)
    revised_text = f"{long_date(revised)} (revised from {long_date(original)}: {REASON})"
    name = f"{action.reference} {action.title}"

    sign_in("demo-admin")
    visit(reverse("delivery:action_edit", kwargs={"slug": SLUG, "pk": action.pk}))
    reason = page.get_by_label(REASON_LABEL)
    expect(reason).to_have_value("")

    # A reason without a new due date is refused.
    reason.fill("Nothing has moved")
    submit(page, "Save changes")
    expect(error_summary(page).get_by_role("heading")).to_have_text("There is a problem")
    expect(error_summary(page)).to_contain_text(
        "The due date has not changed: change it, or clear the reason"
    )
    reason.fill("")

    # Moving the due date without saying why is refused, and nothing is saved.
    due_date_fill(page, revised)
    submit(page, "Save changes")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page).get_by_role("heading")).to_have_text("There is a problem")
    summary_link = error_summary(page).get_by_role(
        "link", name="Say why the due date is changing", exact=True
    )
    expect(summary_link).to_be_visible()
    expect(reason).to_have_accessible_description(re.compile(r"Say why the due date is changing"))
    expect(
        page.locator(".govuk-error-message").filter(has_text="Say why the due date is changing")
    ).to_have_count(1)
    summary_link.click()
    expect(reason).to_be_focused()
    action.refresh_from_db()
    assert action.due_on == original and action.original_due_on is None and action.due_revised_on is None

    # The answers are kept; with the reason the change is saved.
    expect(page.get_by_label("Due", exact=True)).to_have_value(f"{revised:%d/%m/%Y}")
    reason.fill(REASON)
    submit(page, "Save changes")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Action {action.reference} updated."
    )

    # The action's page shows the new date, the original and the reason, as text.
    expect(heading(page)).to_contain_text(action.title)
    expect(summary_value(page.locator("main"), "Dates")).to_have_text(
        f"{long_date(action.starts_on)} to {revised_text}"
    )
    expect(page.locator("main b")).to_have_count(0)

    # So does the delivery plan, filtered to the action's strategic ambition.
    visit(reverse("delivery:action_list", kwargs={"slug": SLUG}))
    expect(heading(page)).to_have_text("Delivery plan")
    page.get_by_label("Strategic ambition").select_option(str(action.ambition_id))
    submit(page, "Apply filters")
    plan = page.get_by_role("table", name="Delivery-plan actions")
    row = plan.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").last).to_have_text(revised_text)
    expect(plan.locator("b")).to_have_count(0)

    # The open period's exception report lists the action for the revision, with the revised due date.
    report_url = reverse("reports:exception_report", kwargs={"slug": SLUG}) + f"?period={period.pk}"
    visit(report_url)
    expect(heading(page)).to_have_text(f"Exception report: {period.name}")
    card = report_card(page, action)
    expect(card).to_have_count(1)
    expect(summary_value(card, "Why it is reported")).to_have_text(f"Due date revised on {long_date(today)}")
    expect(summary_value(card, "Due")).to_have_text(revised_text)
    expect(page.locator("main b")).to_have_count(0)

    # Switch the rule off: the action is no longer reported for it (it is on track again).
    visit(reverse("reports:exception_rules", kwargs={"slug": SLUG}))
    expect(heading(page)).to_have_text("Exception rules")
    rule = page.get_by_role("checkbox", name=RULE, exact=True)
    expect(rule).to_be_checked()
    rule.uncheck()
    submit(page, "Save rules")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Exception rules saved.")
    expect(page.get_by_role("checkbox", name=RULE, exact=True)).not_to_be_checked()

    visit(report_url)
    expect(report_card(page, action)).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Due date revised on")
    page.get_by_text(re.compile(r"^List the actions? on track$")).click()
    expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()

    # The original due date is kept, with when and why it was revised.
    action.refresh_from_db()
    assert action.due_on == revised
    assert action.original_due_on == original
    assert action.due_revised_on == today
    assert action.due_revision_reason == REASON
