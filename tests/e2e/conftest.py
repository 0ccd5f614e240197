"""Browser journeys: Playwright drives Debian's chromium against the live test server.

Every page a journey visits is checked with axe-core against the WCAG 2.2 AA tags, and
any violation fails the test. Use the `visit` fixture (or call `assert_accessible(page)`
after an action that changes the page).
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from accounts.models import User
from accounts.two_factor import two_factor_required
from tests.accounts.two_factor_support import authenticator, code_for

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary synchronous calls, so Django may allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DEMO_PASSWORD = "sbp-demo-2024"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


_axe = Axe()


def assert_accessible(page):
    """Fail with axe's report if the page has any WCAG 2.2 AA violation."""
    results = _axe_results(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def _axe_results(page, attempts=3):
    """Run axe on a settled page: a click just before may still be loading the next one."""
    page.wait_for_load_state()
    try:
        return _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    except PlaywrightError as error:
        navigated = "documentElement" in error.message or "context was destroyed" in error.message
        if attempts == 1 or not navigated:
            raise
        return _axe_results(page, attempts - 1)


@pytest.fixture
def visit(page, live_server):
    """Open a path on the live server and check the page with axe."""

    def go(path):
        response = page.goto(live_server.url + path)
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        assert_accessible(page)
        return page

    return go


@pytest.fixture
def demo(transactional_db):
    """The demo partnerships, as `manage.py load_demo` builds them."""
    call_command("load_demo", verbosity=0)


@pytest.fixture
def sign_in(page, visit):
    """Sign in through the real form as one of the demo accounts.

    Someone who must use two-factor sign-in, or has an authenticator app, then enters the code their
    app would show (demo-admin's comes from the published demo secret): an administrator made by a
    factory is given an authenticator first, as if they had set one up.
    """

    def as_user(username, password=DEMO_PASSWORD):
        user = User.objects.filter(username=username).first()
        if user is not None and two_factor_required(user):
            authenticator(user)
        visit("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert_accessible(page)
        if "/accounts/two-factor/" in page.url:
            page.get_by_label("Code from your authenticator app").fill(code_for(authenticator(user)))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
            assert_accessible(page)
        return page

    return as_user
