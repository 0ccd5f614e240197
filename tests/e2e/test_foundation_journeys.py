import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_sign_in_page_and_a_failed_sign_in_are_accessible(page, visit, transactional_db):
    visit("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile("^Error: Sign in"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your username")
    assert_accessible(page)


def test_administrator_opens_the_2016_strategy_and_sees_the_five_priorities_and_leads(
    page, visit, sign_in, demo
):
    sign_in("demo-admin")
    page.get_by_role("link", name="Strategies").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Safer Bromley Partnership Strategy 2024-27")
    for priority in (
        "Prevention: Being stronger together",
        "People: Protecting people",
        "Places: Resilient communities",
    ):
        expect(page.get_by_role("heading", name=re.compile(priority))).to_be_visible()

    page.get_by_role("link", name="Safer Bromley Partnership Strategy 2016-2019").click()
    assert_accessible(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Safer Bromley Partnership Strategy 2016-2019")
    priorities = page.locator(".govuk-summary-card__title")
    expect(priorities).to_have_text(
        [
            "1. Domestic Abuse",
            "2. Preventing Violent Extremism",
            "3. Reducing Re-offending",
            "4. Serious Youth Violence and Gang Activity",
            "5. Envirocrime and associated ASB",
        ]
    )
    cards = page.locator(".govuk-summary-card")
    for index, (lead, organisation) in enumerate(
        [
            ("Trevor Lawry", "Metropolitan Police Service"),
            ("Nigel Davies", "London Borough of Bromley"),
            ("Sharon Kirk", "London Community Rehabilitation Company"),
            ("Jane Bailey", "London Borough of Bromley"),
            ("Dan Cartwright", "London Fire Brigade"),
        ]
    ):
        expect(cards.nth(index)).to_contain_text(lead)
        expect(cards.nth(index)).to_contain_text(organisation)


def test_meetings_show_the_minutes_and_resolutions(page, visit, sign_in, demo):
    sign_in("demo-board")
    page.get_by_role("link", name="Meetings").click()
    assert_accessible(page)

    # Newest first: the last of the board's meetings is the earliest, whose minutes are approved.
    page.get_by_role("link", name="Safer Bromley Partnership Board").last.click()
    assert_accessible(page)

    expect(page.locator("main")).to_contain_text("RESOLVED that")


def test_a_member_of_another_partnership_gets_page_not_found(page, visit, sign_in, demo, live_server):
    sign_in("demo-other")
    expect(page.locator("h1")).not_to_contain_text("Safer Bromley")

    response = page.goto(live_server.url + "/p/safer-bromley/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_the_accessibility_check_fails_on_a_violation(page):
    page.set_content("<html><head><title>Broken</title></head><body><img src='chart.png'></body></html>")

    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
