"""Passwords: common and breached ones refused, change for everyone, reset by email, and an
administrator's "Send a password reset link"."""

import datetime
import gzip
import re
import socket
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from tests.accounts.factories import MembershipFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

COMMON_PASSWORDS_PATH = next(
    Path(validator["OPTIONS"]["password_list_path"])
    for validator in settings.AUTH_PASSWORD_VALIDATORS
    if validator["NAME"].endswith("CommonPasswordValidator")
)
PASSWORD = "a-good-test-password"  # UserFactory's
NEW_PASSWORD = "violet kettle harbour 42"


def refusal(password, user=None) -> str:
    """The validators' messages for a password, or "" when it is accepted."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def signs_in(username, password) -> bool:
    client = Client()
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


# Common and breached passwords -------------------------------------------------------------------


def test_the_bundled_list_is_large_and_starts_with_the_most_common():
    with gzip.open(COMMON_PASSWORDS_PATH, "rt") as lines:
        passwords = [line.strip() for line in lines]

    assert len(passwords) >= 100_000
    assert len(set(passwords)) == len(passwords)
    assert passwords[:4] == ["123456", "password", "12345678", "qwerty"]


def test_a_common_password_deep_in_the_list_is_refused():
    # Entry 40,000 or so of the bundled list: Django's own list of 20,000 lets it through.
    assert "kamakazi" not in CommonPasswordValidator().passwords

    assert "This password is too common." in refusal("kamakazi")
    assert "This password is too common." in refusal("Play2Win")  # compared in lower case


def test_a_breached_password_near_the_end_of_the_list_is_refused():
    # About the 99,000th most common password of the breach lists.
    assert "resurrection" not in CommonPasswordValidator().passwords

    assert "This password is too common." in refusal("Resurrection")


def test_a_good_password_is_accepted():
    assert refusal(NEW_PASSWORD) == ""


def test_checking_a_password_makes_no_network_call(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("a password check tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)

    assert refusal("kamakazi")
    assert refusal(NEW_PASSWORD) == ""


# Your account and password change ----------------------------------------------------------------


def test_your_account_shows_the_persons_details_and_links_to_change_password(client):
    user = UserFactory(username="olu", first_name="Olu", last_name="Officer", email="olu@example.org")
    client.force_login(user)

    response = client.get(reverse("accounts:account"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Olu Officer" in page
    assert "olu@example.org" in page
    assert f'href="{reverse("accounts:password_change")}"' in page
    assert f'href="{reverse("accounts:account")}">Your account</a>' in page  # in the header


def test_account_pages_need_sign_in(client):
    for name in ("accounts:account", "accounts:password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_officer_changes_their_password_and_stays_signed_in(client):
    user = MembershipFactory(user__username="officer").user
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:account")
    assert "Your password has been changed." in response.content.decode()
    assert response.context["user"] == user
    assert signs_in("officer", NEW_PASSWORD)
    assert not signs_in("officer", PASSWORD)


def test_changing_password_ends_the_persons_other_sessions(client):
    user = UserFactory()
    elsewhere = Client()
    elsewhere.force_login(user)
    client.force_login(user)

    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert elsewhere.get(reverse("accounts:account")).status_code == 302  # sent to sign in


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, "Your current password is incorrect"),
        ({"old_password": PASSWORD, "new_password1": "kamakazi", "new_password2": "kamakazi"}, "This password is too common."),
        ({"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "different"}, "The passwords do not match"),
        ({"old_password": "", "new_password1": "", "new_password2": ""}, "Enter your current password"),
    ],
)  # fmt: skip
def test_a_refused_password_change_says_why_and_changes_nothing(client, data, message):
    user = UserFactory(username="officer")
    client.force_login(user)

    response = client.post(reverse("accounts:password_change"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Change your password" in page
    assert "govuk-error-summary" in page
    assert message in page
    assert signs_in("officer", PASSWORD)


# Password reset by email -------------------------------------------------------------------------


def reset_link(message) -> str:
    """The path of the reset link in an email's text."""
    url = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)
    assert url, message.body
    return url.group(1)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"


def test_the_reset_pages_need_no_sign_in(client):
    for name in (
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_complete",
    ):
        assert client.get(reverse(name)).status_code == 200
    response = client.get(reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "x-y"}))
    assert response.status_code == 200
    assert "This link has expired or been used" in response.content.decode()


def test_known_and_unknown_addresses_get_the_same_answer(client):
    UserFactory(username="officer", email="officer@example.org")

    known = client.post(reverse("accounts:password_reset"), {"email": "officer@example.org"}, follow=True)
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("accounts:password_reset_done"), 302)]
    assert known.content == unknown.content
    assert "Check your email" in known.content.decode()
    assert [message.to for message in mail.outbox] == [["officer@example.org"]]


def test_the_address_is_matched_exactly_once_normalised(client):
    UserFactory(username="priya", email="priya.shah@example.org")

    client.post(reverse("accounts:password_reset"), {"email": "  Priya.Shah@EXAMPLE.org "})
    client.post(reverse("accounts:password_reset"), {"email": "pr\u0131ya.shah@example.org"})  # dotless i

    assert [message.to for message in mail.outbox] == [["priya.shah@example.org"]]


def test_an_inactive_account_gets_no_reset_link(client):
    UserFactory(email="gone@example.org", is_active=False)

    client.post(reverse("accounts:password_reset"), {"email": "gone@example.org"})

    assert mail.outbox == []


def test_a_badly_formed_address_says_so(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "not an address"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Reset your password" in page
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert mail.outbox == []


def test_forgotten_password_journey_and_the_link_works_once(client):
    UserFactory(username="officer", email="officer@example.org", first_name="<b>Olu</b>")
    client.post(reverse("accounts:password_reset"), {"email": "officer@example.org"})
    (message,) = mail.outbox
    link = reset_link(message)

    form = client.get(link, follow=True)
    set_password_url = form.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    again = client.get(link, follow=True)

    assert "Choose a new password" in form.content.decode()
    assert done.redirect_chain[-1][0] == reverse("accounts:password_reset_complete")
    assert "Your password has been reset" in done.content.decode()
    assert signs_in("officer", NEW_PASSWORD)
    assert "This link has expired or been used" in again.content.decode()
    # The email: text, and HTML in which the person's name is text, not markup.
    assert message.subject == "Reset your password for Partnership tracker"
    html = message.alternatives[0][0]
    assert "&lt;b&gt;Olu&lt;/b&gt;" in html
    assert "<b>Olu</b>" not in html
    assert "Your username is officer." in message.body


def test_a_reset_link_expires_after_an_hour(client):
    UserFactory(username="officer", email="officer@example.org")
    start = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.post(reverse("accounts:password_reset"), {"email": "officer@example.org"})
        traveller.move_to(start + datetime.timedelta(minutes=61))
        response = client.get(reset_link(mail.outbox[0]), follow=True)

    assert "This link has expired or been used" in response.content.decode()


def test_a_weak_new_password_is_refused_on_the_reset_page(client):
    UserFactory(username="officer", email="officer@example.org")
    client.post(reverse("accounts:password_reset"), {"email": "officer@example.org"})
    set_password_url = client.get(reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(set_password_url, {"new_password1": "kamakazi", "new_password2": "kamakazi"})

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert signs_in("officer", PASSWORD)


def test_one_address_asking_for_many_reset_links_is_throttled():
    client = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(20):
        assert (
            client.post(
                reverse("accounts:password_reset"), {"email": f"guess{number}@example.org"}
            ).status_code
            == 302
        )

    response = client.post(reverse("accounts:password_reset"), {"email": "another@example.org"})

    assert response.status_code == 429
    assert "too many requests to reset a password from your network" in response.content.decode()
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.post(reverse("accounts:password_reset"), {"email": "x@example.org"}).status_code == 302


# An administrator's "Send a password reset link" -------------------------------------------------


@pytest.fixture
def partnership():
    return PartnershipFactory()


@pytest.fixture
def administrator(partnership):
    return MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user


def send_link_url(membership):
    return reverse(
        "accounts:person_password_reset", kwargs={"slug": membership.partnership.slug, "pk": membership.pk}
    )


def test_an_administrator_sends_a_member_a_reset_link(client, partnership, administrator):
    member = MembershipFactory(
        partnership=partnership, user__username="officer", user__email="officer@example.org"
    )
    client.force_login(administrator)

    people = client.get(reverse("accounts:people", kwargs={"slug": partnership.slug})).content.decode()
    response = client.post(send_link_url(member), follow=True)

    assert f'action="{send_link_url(member)}"' in people
    assert response.redirect_chain[-1][0] == reverse("accounts:people", kwargs={"slug": partnership.slug})
    assert "A password reset link has been sent to officer@example.org" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["officer@example.org"]
    assert "your partnership administrator, has asked" in message.body
    set_password_url = Client().get(reset_link(message), follow=True).redirect_chain[-1][0]
    assert set_password_url.endswith("/set-password/")


def test_only_administrators_of_the_members_partnership_can_send_a_reset_link(client, partnership):
    member = MembershipFactory(partnership=partnership)
    officer = MembershipFactory(partnership=partnership).user
    elsewhere = MembershipFactory(role=Membership.Role.ADMINISTRATOR)

    client.force_login(officer)
    assert client.post(send_link_url(member)).status_code == 403
    client.force_login(elsewhere.user)
    assert client.post(send_link_url(member)).status_code == 404
    # Their own partnership's URL with another partnership's member: 404 too.
    other_url = reverse(
        "accounts:person_password_reset", kwargs={"slug": elsewhere.partnership.slug, "pk": member.pk}
    )
    assert client.post(other_url).status_code == 404
    assert mail.outbox == []


def test_sending_a_reset_link_is_post_only_and_not_for_inactive_members(client, partnership, administrator):
    member = MembershipFactory(partnership=partnership)
    inactive = MembershipFactory(partnership=partnership, is_active=False)
    client.force_login(administrator)

    assert client.get(send_link_url(member)).status_code == 405
    assert client.post(send_link_url(inactive)).status_code == 404
    assert mail.outbox == []


def test_a_member_without_an_email_address_is_told_about(client, partnership, administrator):
    member = MembershipFactory(
        partnership=partnership, user__email="", user__first_name="No", user__last_name="Mail"
    )
    client.force_login(administrator)

    response = client.post(send_link_url(member), follow=True)

    assert "No Mail has no email address, so a reset link cannot be sent." in response.content.decode()
    assert mail.outbox == []


def test_a_password_built_on_the_partnerships_name_is_refused():
    partnership = PartnershipFactory(name="Safer Bromley Partnership", short_name="SBP", slug="safer-bromley")
    user = MembershipFactory(partnership=partnership).user

    assert "too like the name of this service or your partnership" in refusal("Bromley2024!", user)
    assert "too like the name" in refusal("SaferPartnership1")
    assert refusal("violet kettle harbour community", user) == ""
