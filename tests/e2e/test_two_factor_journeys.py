"""Browser journeys: setting up and using two-factor sign-in, and the session timeout warning."""

import base64
import datetime
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.models import Membership
from tests.accounts.factories import MembershipFactory
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

PASSWORD = "a-good-test-password"


def password_step(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert_accessible(page)


def code_from(secret: str, *, after: int = -1) -> tuple[str, int]:
    """What an authenticator app given this secret shows now (or the next code, if now's was used)."""
    totp = TOTP(base64.b32decode(secret))
    totp.time = time.time()
    if totp.t() <= after:
        totp.time += 30
    return f"{totp.token():06d}", totp.t()


def test_an_administrator_sets_up_an_authenticator_then_signs_in_with_a_code(
    page, live_server, transactional_db
):
    membership = MembershipFactory(role=Membership.Role.ADMINISTRATOR)
    user = membership.user

    # After the password, an administrator without an authenticator must set one up.
    password_step(page, live_server, user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.locator("#authenticator-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)

    # A wrong code is refused with an error summary.
    code, _ = code_from(secret)
    page.get_by_label("Code from your authenticator app").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_title(re.compile("^Error: Set up two-factor sign-in"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_accessible(page)

    # The wrong code is throttled for a second or two; then the right code confirms the app.
    page.wait_for_timeout(2_500)
    code, used = code_from(secret)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is set up")
    assert_accessible(page)
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(re.compile(re.escape(membership.partnership.get_absolute_url()) + "$"))
    assert_accessible(page)

    # Your account shows it, with the way to reset it.
    page.goto(live_server.url + "/accounts/account/")
    assert_accessible(page)
    expect(page.get_by_text("You have 10 unused recovery codes.")).to_be_visible()
    page.locator(".app-header__account").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    # Signing in again takes the password and then a code from the app.
    password_step(page, live_server, user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    code, _ = code_from(secret, after=used)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(re.escape(membership.partnership.get_absolute_url()) + "$"))
    assert_accessible(page)

    # A recovery code works instead of the app, once.
    page.locator(".app-header__account").get_by_role("button", name="Sign out").click()
    password_step(page, live_server, user.username)
    page.get_by_text("I cannot use my authenticator app").click()
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You used a recovery code. You have 9 left"
    )
    assert_accessible(page)


def test_demo_admin_signs_in_with_the_published_demo_secret(page, sign_in, demo):
    sign_in("demo-admin")  # the password, then the code the demo secret gives

    expect(page.locator(".app-header__user")).to_have_text("Priya Shah")


def test_the_timeout_warning_lets_someone_stay_signed_in_and_otherwise_signs_them_out(
    page, sign_in, demo, settings, live_server
):
    sign_in("demo-officer")
    plan = page.url
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(seconds=12)
    settings.SESSION_TIMEOUT_WARNING = datetime.timedelta(seconds=8)
    page.goto(plan)

    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog).to_contain_text("For your security, we will sign you out in")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page)

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(6_000)  # past the first deadline: still signed in, because they stayed
    page.reload()
    assert_accessible(page)
    expect(page.locator(".app-header__user")).to_have_text("Tom Fletcher")

    # Left alone, the dialog comes back and then the server signs them out, saying why.
    expect(dialog).to_be_visible(timeout=10_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in", timeout=15_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You have been signed out because you did nothing for 12 seconds."
    )
    assert_accessible(page)
    assert page.url.startswith(live_server.url + "/accounts/login/?next=")
