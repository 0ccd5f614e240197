"""Browser journey: an administrator builds the next strategy, orders it, consults, and adopts it.

Every page visited is checked with axe (WCAG 2.2 AA).
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from priorities.models import Strategy
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

TITLE = "Safer Bromley Partnership Strategy 2027-30"


def fill_date(page, field, value: datetime.date):
    page.locator(f"#id_{field}_0").fill(str(value.day))
    page.locator(f"#id_{field}_1").fill(str(value.month))
    page.locator(f"#id_{field}_2").fill(str(value.year))


def submit(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)


def follow(page, name):
    page.get_by_role("link", name=name).first.click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_an_administrator_builds_consults_on_and_adopts_a_strategy(page, visit, sign_in, demo):
    sign_in("demo-admin")
    visit("/p/safer-bromley/strategies/")
    follow(page, "Create a strategy")

    submit(page, "Create strategy")
    expect(page).to_have_title(re.compile("^Error: Create a strategy"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the strategy's title")

    page.get_by_label("Title").fill(TITLE)
    fill_date(page, "starts_on", datetime.date(2027, 4, 1))
    fill_date(page, "ends_on", datetime.date(2030, 3, 31))
    submit(page, "Create strategy")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("created as a draft")

    for title in ("Prevention", "People"):
        follow(page, re.compile("^Add a priority"))
        page.get_by_label("Title").fill(title)
        page.get_by_label("Lead (optional)").select_option(index=1)
        submit(page, "Add priority")
    expect(page.locator(".govuk-summary-card__title")).to_have_text(["1. Prevention", "2. People"])

    submit(page, "Move up priority 2. People")
    expect(page.locator(".govuk-summary-card__title")).to_have_text(["1. People", "2. Prevention"])

    follow(page, "Add a strategic ambition to priority 1. People")
    page.get_by_label("Title").fill("Protecting people from harm")
    page.get_by_label("Strategic plan (optional)").fill("Work with schools and youth services.")
    submit(page, "Add strategic ambition")
    expect(page.locator("main")).to_contain_text("1.1 Protecting people from harm")

    follow(page, re.compile("^Add a consultation"))
    page.get_by_label("Title").fill("Public consultation on the priorities")
    fill_date(page, "opens_on", datetime.date(2026, 12, 15))
    fill_date(page, "closes_on", datetime.date(2026, 12, 1))
    submit(page, "Add consultation")
    expect(page.locator(".govuk-error-summary")).to_contain_text("must close on or after the day it opens")
    fill_date(page, "closes_on", datetime.date(2027, 2, 4))
    submit(page, "Add consultation")

    follow(page, re.compile("^Change details"))
    page.get_by_label("Summary (optional)").fill("Prevention, people and places.")
    submit(page, "Save changes")

    for status in ("Consultation", "Awaiting sign-off"):
        follow(page, re.compile("^Change status"))
        page.get_by_label(status, exact=True).check()
        submit(page, "Change status")

    follow(page, re.compile("^Change status"))
    page.get_by_label("Adopted", exact=True).check()
    submit(page, "Change status")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Not agreed yet:")

    follow(page, "Record decision of Metropolitan Police Service")
    page.get_by_label("Agreed", exact=True).check()
    fill_date(page, "decided_on", datetime.date.today())
    page.get_by_label("Who agreed or declined").fill("Borough Commander")
    submit(page, "Save decision")
    expect(page.locator("#sign-off ~ .app-table-container table").first).to_contain_text("Borough Commander")

    follow(page, re.compile("^Change status"))
    page.get_by_label("Adopted", exact=True).check()
    page.get_by_label("Reason (optional)").fill("The other authorities agreed at the board on 4 March.")
    submit(page, "Change status")

    strategy = Strategy.objects.get(title=TITLE)
    assert strategy.status == Strategy.Status.ADOPTED
    assert strategy.adoption_override_reason == "The other authorities agreed at the board on 4 March."
    expect(page.locator("main")).to_contain_text("The other authorities agreed at the board on 4 March.")
