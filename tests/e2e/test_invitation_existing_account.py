"""Browser journey of someone who already has an account and is invited to another partnership: they
sign in with their own credentials to accept, someone else signed in is refused, and the password
stays theirs. Every page visited is checked with axe (WCAG 2.2 AA)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership, Partnership, User
from accounts.services import invitation_send
from demo.data.northfield import NORTHFIELD_SLUG
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e

INVITATION_PATH = re.compile(r"/accounts/invitation/[^/\s]+/")


def heading(page):
    return page.get_by_role("heading", level=1)


def test_an_existing_account_signs_in_to_accept_and_another_account_is_refused(
    page, visit, sign_in, demo, live_server
):
    officer = User.objects.get(username="demo-officer")
    password_hash = officer.password
    northfield = Partnership.objects.get(slug=NORTHFIELD_SLUG)
    mail.outbox.clear()
    invitation_send(
        partnership=northfield,
        email=officer.email.upper(),
        first_name=officer.first_name,
        last_name=officer.last_name,
        organisation=northfield.organisations.first(),
        role=Membership.Role.BOARD_MEMBER,
        job_title="",
        invited_by=User.objects.get(username="demo-other"),
    )
    assert mail.outbox[-1].to == [officer.email]
    path = INVITATION_PATH.search(mail.outbox[-1].body).group(0)

    # Signed in as someone else: refused, and nothing changes.
    sign_in("demo-board")
    response = page.goto(live_server.url + path)
    assert response.status == 403
    assert_accessible(page)
    expect(heading(page)).to_have_text("This invitation is for a different account")
    page.locator(".app-header").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    # Signed out: no password to choose, only a way to sign in.
    visit(path)
    expect(heading(page)).to_have_text("You already have an account. Sign in to accept")
    expect(page.get_by_label("Password")).to_have_count(0)
    page.get_by_role("button", name="Sign in to accept").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Username").fill("demo-officer")
    page.get_by_label("Password").fill("sbp-demo-2024")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert_accessible(page)
    expect(heading(page)).to_have_text(f"Join {northfield.name}")

    page.get_by_role("button", name="Accept and join").click()
    page.wait_for_load_state()
    assert_accessible(page)

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"You have joined {northfield.name}."
    )
    assert Membership.objects.filter(user=officer, partnership=northfield, is_active=True).exists()
    officer.refresh_from_db()
    assert officer.password == password_hash
