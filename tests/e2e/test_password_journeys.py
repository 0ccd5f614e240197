import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership
from tests.accounts.factories import MembershipFactory
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

PASSWORD = "a-good-test-password"  # UserFactory's
NEW_PASSWORD = "violet kettle harbour 42"


def reset_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def submit(page, button):
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_forgotten_password_request_the_link_set_a_new_password_and_sign_in(page, visit, transactional_db):
    membership = MembershipFactory(
        user__username="olu.officer",
        user__email="olu@example.org",
        partnership__name="Safer Bromley Partnership",
    )
    visit("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")

    submit(page, "Send reset link")  # nothing entered
    expect(page).to_have_title(re.compile("^Error: Reset your password"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")

    page.get_by_label("Email address").fill("Olu@Example.org")
    submit(page, "Send reset link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    (message,) = mail.outbox
    visit(reset_path(message))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill("kamakazi")
    page.get_by_label("Confirm new password").fill("kamakazi")
    submit(page, "Set new password")
    expect(page.locator(".govuk-error-summary")).to_contain_text("This password is too common.")

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    submit(page, "Set new password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been reset")

    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.get_by_label("Username").fill("olu.officer")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    submit(page, "Sign in")
    expect(page).to_have_url(re.compile(re.escape(membership.partnership.get_absolute_url()) + "$"))

    # The link worked once.
    visit(reset_path(message))
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired or been used")


def test_an_officer_changes_their_password_from_your_account(page, sign_in, transactional_db):
    MembershipFactory(user__username="olu.officer")
    sign_in("olu.officer", PASSWORD)

    page.get_by_role("link", name="Your account").click()
    assert_accessible(page)
    page.get_by_role("link", name="Change your password").click()
    assert_accessible(page)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    submit(page, "Change password")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password has been changed.")


def test_an_administrator_sends_a_reset_link_and_reads_the_sign_ins(page, sign_in, transactional_db):
    administrator = MembershipFactory(user__username="ada.admin", role=Membership.Role.ADMINISTRATOR)
    MembershipFactory(
        partnership=administrator.partnership,
        user__username="olu.officer",
        user__first_name="Olu",
        user__last_name="Officer",
        user__email="olu@example.org",
    )
    sign_in("ada.admin", PASSWORD)

    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="People").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send a password reset link to Olu Officer").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(page.locator("main")).to_contain_text("A password reset link has been sent to olu@example.org")
    assert [message.to for message in mail.outbox] == [["olu@example.org"]]

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Sign-ins").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-ins")
    assert_accessible(page)
    expect(page.locator("tbody")).to_contain_text("ada.admin")
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # reflows, no sideways scrolling
    assert_accessible(page)
