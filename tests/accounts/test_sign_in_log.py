"""Partnership administrators see their members' sign-ins, failures and lockouts; log lines cannot
be forged through what a client types."""

import logging

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from accounts.sign_in import client_str, log_text
from tests.accounts.factories import MembershipFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-test-password"  # UserFactory's


@pytest.fixture
def partnership():
    return PartnershipFactory()


@pytest.fixture
def administrator(partnership):
    return MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user


def log_url(partnership):
    return reverse("accounts:sign_in_log", kwargs={"slug": partnership.slug})


def attempt(username, password, address="203.0.113.9"):
    Client(REMOTE_ADDR=address).post(reverse("login"), {"username": username, "password": password})


def test_an_administrator_sees_their_members_sign_ins_failures_and_lockouts(
    client, partnership, administrator
):
    MembershipFactory(partnership=partnership, user__username="olu")
    MembershipFactory(partnership=partnership, user__username="bea")
    MembershipFactory(user__username="elsewhere")  # another partnership's member
    attempt("olu", PASSWORD)
    for _ in range(5):
        attempt("bea", "wrong")
    attempt("elsewhere", "wrong")
    attempt("nobody-here", "wrong")
    client.force_login(administrator)

    response = client.get(log_url(partnership))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Sign-ins" in page
    assert "Signed in" in page
    assert page.count("Failed: locked out") == 1
    assert page.count(">Failed<") == 4
    locked_now = page.split("Locked out now")[1].split("Sign-ins and failures")[0]
    assert "bea" in locked_now
    assert "203.0.113.9" in locked_now
    assert "olu" not in locked_now
    assert "elsewhere" not in page
    assert "nobody-here" not in page


def test_the_manage_page_links_to_sign_ins(client, partnership, administrator):
    client.force_login(administrator)

    page = client.get(reverse("accounts:manage", kwargs={"slug": partnership.slug})).content.decode()

    assert f'href="{log_url(partnership)}"' in page


def test_only_the_partnerships_administrators_see_its_sign_ins(client, partnership):
    client.force_login(MembershipFactory(partnership=partnership).user)
    assert client.get(log_url(partnership)).status_code == 403
    client.force_login(MembershipFactory(role=Membership.Role.ADMINISTRATOR).user)
    assert client.get(log_url(partnership)).status_code == 404


def test_a_deactivated_members_sign_ins_are_not_shown(client, partnership, administrator):
    MembershipFactory(partnership=partnership, user__username="gone", is_active=False)
    AccessLog.objects.create(
        username="gone", ip_address="203.0.113.9", user_agent="", http_accept="", path_info="/"
    )
    client.force_login(administrator)

    assert ">gone<" not in client.get(log_url(partnership)).content.decode()


def test_sign_ins_are_paginated_and_the_query_count_does_not_grow(
    client, partnership, administrator, assert_same_queries
):
    MembershipFactory(partnership=partnership, user__username="olu")

    def make_rows(count):
        AccessFailureLog.objects.bulk_create(
            AccessFailureLog(
                username="olu", ip_address="203.0.113.9", user_agent="", http_accept="", path_info="/"
            )
            for _ in range(count - AccessFailureLog.objects.count())
        )

    client.force_login(administrator)
    _, first = assert_same_queries(make_rows, lambda _: client.get(log_url(partnership)), many=60)
    second = client.get(log_url(partnership), {"page": 2})

    assert first.content.decode().count(">Failed<") == 50
    assert 'rel="next"' in first.content.decode()
    assert second.content.decode().count(">Failed<") == 10
    assert client.get(log_url(partnership), {"page": 99}).status_code == 404


HOSTILE_USERNAME = 'olu\nAXES: Successful login by {username: "admin"}<script>alert(1)</script>'


def test_a_hostile_username_is_shown_as_text(client, partnership, administrator):
    # Usernames the sign-up rules would refuse, made directly, as a platform superuser could.
    MembershipFactory(partnership=partnership, user__username="<script>alert(1)</script>")
    attempt("<script>alert(1)</script>", "wrong")
    AccessFailureLog.objects.create(
        username="<script>alert(1)</script>",
        ip_address="203.0.113.9",
        user_agent="<img src=x onerror=alert(1)>",
        http_accept="",
        path_info="/",
    )
    client.force_login(administrator)

    page = client.get(log_url(partnership)).content.decode()

    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2
    assert "<script>alert(1)</script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img src=x" not in page


def test_a_hostile_username_cannot_forge_a_log_line(caplog):
    with caplog.at_level(logging.INFO):
        attempt(HOSTILE_USERNAME, "wrong")

    messages = [record.getMessage() for record in caplog.records]
    axes_lines = [message for message in messages if "login failure" in message]
    assert axes_lines, messages
    for message in messages:
        assert "\n" not in message
        assert "\r" not in message
    assert '\\nAXES: Successful login by {username: \\"admin\\"}' in axes_lines[0]


def test_log_text_escapes_control_characters_and_line_separators():
    assert log_text("a\nb\rc\td\x1be\u2028f\u202eg\\h") == "a\\nb\\rc\\td\\x1be\\u2028f\\u202eg\\\\h"
    assert log_text(None) == ""
    assert log_text("Zoë O'Brien") == "Zoë O'Brien"
    assert client_str("x\ny", "203.0.113.9", "agent", "/accounts/login/", None) == (
        '{username: "x\\ny", ip_address: "203.0.113.9", path_info: "/accounts/login/"}'
    )
