"""Sessions: idle timeout, absolute limit, sign out everywhere, and a new session key at each privilege change."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from accounts.sessions import LAST_ACTIVITY_AT, SIGNED_IN_AT
from tests.accounts.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-test-password"


@pytest.fixture
def member():
    return MembershipFactory(role=Membership.Role.OFFICER).user


def plan_url(user) -> str:
    return user.memberships.get().partnership.get_absolute_url()


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def set_clock(client, **seconds_ago):
    """Move the session's clocks back: `last_activity_at=60` means the last activity was a minute ago."""
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[{"last_activity_at": LAST_ACTIVITY_AT, "signed_in_at": SIGNED_IN_AT}[key]] = now - ago
    session.save()


# A new session key at sign-in and at each privilege change -------------------------------------------


def test_signing_in_gives_the_session_a_new_key_and_ends_the_old_one(client, member):
    session = client.session
    session["before"] = "anonymous"
    session.save()
    anonymous_key = session.session_key

    client.post(reverse("login"), {"username": member.username, "password": PASSWORD})

    assert signed_in(client)
    assert client.session.session_key != anonymous_key
    assert not Session.objects.filter(session_key=anonymous_key).exists()


def test_signing_in_starts_both_clocks(client, member):
    before = time.time()
    client.post(reverse("login"), {"username": member.username, "password": PASSWORD})

    assert client.session[SIGNED_IN_AT] >= before
    assert client.session[LAST_ACTIVITY_AT] >= before


def test_changing_the_password_gives_a_new_key_and_ends_other_sessions(client, member):
    other = Client()
    other.force_login(member)
    client.force_login(member)
    key_before = client.session.session_key

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-9",
            "new_password2": "a-new-long-passphrase-9",
        },
    )

    assert response.status_code == 302
    assert signed_in(client)
    assert client.session.session_key != key_before
    assert other.get(plan_url(member))["Location"].startswith(reverse("login"))


# Idle timeout ------------------------------------------------------------------------------------


def test_activity_within_30_minutes_keeps_the_session_and_restarts_the_clock(client, member):
    client.force_login(member)
    set_clock(client, last_activity_at=29 * 60)

    assert client.get(plan_url(member)).status_code == 200
    assert time.time() - client.session[LAST_ACTIVITY_AT] < 5


def test_activity_is_recorded_a_minute_apart_so_that_most_pages_write_nothing(client, member):
    client.force_login(member)
    set_clock(client, last_activity_at=30)
    recorded = client.session[LAST_ACTIVITY_AT]

    with CaptureQueriesContext(connection) as queries:
        assert client.get(plan_url(member)).status_code == 200

    assert client.session[LAST_ACTIVITY_AT] == recorded
    assert not [
        q["sql"] for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]
    ]
    set_clock(client, last_activity_at=61)
    assert client.get(plan_url(member)).status_code == 200
    assert time.time() - client.session[LAST_ACTIVITY_AT] < 5


def test_30_minutes_without_activity_signs_out_with_a_message_and_returns_after_sign_in(client, member):
    client.force_login(member)
    set_clock(client, last_activity_at=30 * 60 + 1)

    response = client.get(plan_url(member))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={plan_url(member)}"
    assert not signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "You have been signed out because you did nothing for 30 minutes." in page


def test_the_idle_timeout_is_enforced_on_the_server_whatever_the_browser_keeps(member):
    first = Client()
    first.force_login(member)
    cookie = first.cookies["sessionid"].value
    set_clock(first, last_activity_at=31 * 60)
    copy = Client()
    copy.cookies["sessionid"] = cookie  # a copied cookie does not revive the session

    assert copy.get(plan_url(member)).status_code == 302
    assert not Session.objects.filter(session_key=cookie).exists()


def test_the_timer_status_does_not_count_as_activity(client, member):
    client.force_login(member)
    set_clock(client, last_activity_at=10 * 60)

    response = client.get(reverse("accounts:session_status"))

    assert response.json()["can_extend"] is True
    assert 19 * 60 < response.json()["seconds_left"] <= 20 * 60
    assert time.time() - client.session[LAST_ACTIVITY_AT] >= 10 * 60


def test_stay_signed_in_restarts_the_idle_clock(client, member):
    client.force_login(member)
    set_clock(client, last_activity_at=28 * 60)

    response = client.post(reverse("accounts:session_extend"))

    assert response.status_code == 200
    assert response.json()["seconds_left"] > 29 * 60
    assert client.get(reverse("accounts:session_extend")).status_code == 405
    set_clock(client, last_activity_at=20)  # within the minute a page would not record
    client.post(reverse("accounts:session_extend"))
    assert time.time() - client.session[LAST_ACTIVITY_AT] < 5


def test_stay_signed_in_needs_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    assert client.post(reverse("accounts:session_extend")).status_code == 403


def test_signed_in_pages_carry_the_timeout_warning_and_public_pages_do_not(client, member):
    assert 'id="timeout-warning"' not in client.get(reverse("login")).content.decode()
    client.force_login(member)

    page = client.get(plan_url(member)).content.decode()

    assert '<dialog class="app-timeout-warning" id="timeout-warning"' in page
    assert 'data-warning-seconds="120"' in page
    assert 'data-seconds-left="1800"' in page
    assert "js/timeout-warning.js" in page
    assert "Stay signed in" in page


# Absolute limit ----------------------------------------------------------------------------------


def test_a_session_ends_12_hours_after_sign_in_however_active(client, member):
    client.force_login(member)
    set_clock(client, signed_in_at=12 * 60 * 60 + 1, last_activity_at=10)

    response = client.get(plan_url(member))

    assert response["Location"].startswith(reverse("login"))
    assert not signed_in(client)
    assert "you had been signed in for 12 hours" in client.get(response["Location"]).content.decode()


def test_near_the_absolute_limit_the_warning_cannot_extend(client, member):
    client.force_login(member)
    set_clock(client, signed_in_at=12 * 60 * 60 - 60, last_activity_at=0)

    status = client.get(reverse("accounts:session_status")).json()

    assert status["can_extend"] is False
    assert status["seconds_left"] <= 60


# Sign out everywhere -----------------------------------------------------------------------------


def test_sign_out_everywhere_ends_every_session_of_the_person_only(client, member):
    laptop, phone, colleague = Client(), Client(), Client()
    laptop.force_login(member)
    phone.force_login(member)
    someone_else = MembershipFactory().user
    colleague.force_login(someone_else)

    response = laptop.post(reverse("accounts:sign_out_everywhere"))

    assert response["Location"] == reverse("login")
    assert not signed_in(laptop)
    assert phone.get(plan_url(member))["Location"].startswith(reverse("login"))
    assert colleague.get(plan_url(someone_else)).status_code == 200
    assert "You have been signed out on every device" in laptop.get(reverse("login")).content.decode()


def test_sign_out_everywhere_is_a_post_and_is_on_your_account(client, member):
    client.force_login(member)

    assert client.get(reverse("accounts:sign_out_everywhere")).status_code == 405
    page = client.get(reverse("accounts:account")).content.decode()
    assert f'action="{reverse("accounts:sign_out_everywhere")}"' in page
    assert signed_in(client)
