import datetime

import pytest
import time_machine
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accounts.sign_in import client_ip_address
from tests.accounts.factories import MembershipFactory, UserFactory

PASSWORD = "a-good-test-password"


@pytest.mark.django_db
def test_sign_in_takes_a_member_to_their_partnership(client):
    membership = MembershipFactory(user__username="officer")

    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == membership.partnership.get_absolute_url()
    assert response.context["user"] == membership.user


@pytest.mark.django_db
def test_wrong_password_shows_the_error_summary_and_keeps_the_username(client):
    UserFactory(username="officer")

    response = client.post(reverse("login"), {"username": "officer", "password": "wrong"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in page
    assert "govuk-error-summary" in page
    assert "Enter a correct username and password" in page
    assert 'value="officer"' in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_empty_sign_in_says_what_is_missing(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})

    page = response.content.decode()
    assert "Enter your username" in page
    assert "Enter your password" in page


@pytest.mark.django_db
def test_five_failures_lock_the_account_from_that_address_for_15_minutes(client):
    UserFactory(username="officer")
    for _ in range(5):
        client.post(reverse("login"), {"username": "officer", "password": "wrong"})

    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_home_offers_a_choice_to_a_member_of_several_partnerships(client):
    first = MembershipFactory(partnership__name="Alpha Partnership")
    MembershipFactory(user=first.user, partnership__name="Beta Partnership")
    client.force_login(first.user)

    response = client.get(reverse("accounts:home"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose a partnership" in page
    assert page.index("Alpha Partnership") < page.index("Beta Partnership")


@pytest.mark.django_db
def test_home_explains_when_a_person_belongs_to_no_partnership(client):
    client.force_login(MembershipFactory(is_active=False).user)

    response = client.get(reverse("accounts:home"))

    assert "You are not a member of a partnership yet" in response.content.decode()


# Client address behind a proxy, lockout by username and address, cool-off, per-address throttle ---


def fail_to_sign_in(client, username, times=1, **headers):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong"}, **headers)


def sign_in(client, username, **headers):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD}, **headers)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.django_db
def test_behind_a_configured_proxy_two_clients_are_told_apart():
    UserFactory(username="officer")
    stranger, colleague = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.1")  # the proxy

    fail_to_sign_in(stranger, "officer", times=5, HTTP_X_FORWARDED_FOR="203.0.113.9")
    locked = sign_in(stranger, "officer", HTTP_X_FORWARDED_FOR="203.0.113.9")
    response = sign_in(colleague, "officer", HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert locked.status_code == 429
    assert response.status_code == 302
    assert is_signed_in(colleague)


@pytest.mark.django_db
def test_without_a_configured_proxy_a_forged_forwarded_for_is_ignored():
    UserFactory(username="officer")
    client = Client(REMOTE_ADDR="203.0.113.9")
    fail_to_sign_in(client, "officer", times=5, HTTP_X_FORWARDED_FOR="192.0.2.1")

    # A new X-Forwarded-For for each try does not make a new client: the lockout holds.
    response = sign_in(client, "officer", HTTP_X_FORWARDED_FOR="192.0.2.2")

    assert response.status_code == 429
    assert not is_signed_in(client)


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.1"),  # no proxy trusted: the connection's address
        (1, "192.0.2.66, 203.0.113.9", "203.0.113.9"),  # the client wrote the left entry: not trusted
        (2, "192.0.2.66, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.1"),  # did not come through both proxies
        (1, "not-an-address", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_trusts_only_the_configured_number_of_proxies(
    count, forwarded_for, expected, settings
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip_address(request) == expected


@pytest.mark.django_db
def test_a_stranger_elsewhere_cannot_lock_a_member_out():
    UserFactory(username="officer")
    stranger, member = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.7")
    fail_to_sign_in(stranger, "officer", times=10)

    response = sign_in(member, "officer")

    assert response.status_code == 302
    assert is_signed_in(member)


@pytest.mark.django_db
def test_the_lockout_ends_15_minutes_after_the_fifth_failure_however_often_it_is_retried():
    UserFactory(username="officer")
    client = Client()
    start = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        fail_to_sign_in(client, "officer", times=5)
        for minutes in (1, 5, 10, 14):  # keep trying during the lockout
            traveller.move_to(start + datetime.timedelta(minutes=minutes))
            assert (
                client.post(reverse("login"), {"username": "officer", "password": "wrong"}).status_code == 429
            )
        traveller.move_to(start + datetime.timedelta(minutes=14, seconds=59))
        still_locked = sign_in(client, "officer")
        traveller.move_to(start + datetime.timedelta(minutes=15, seconds=1))
        response = sign_in(client, "officer")
        signed_in = is_signed_in(client)  # while the clock still says so: sessions expire

    assert still_locked.status_code == 429
    assert response.status_code == 302
    assert signed_in


@pytest.mark.django_db
def test_one_address_failing_for_many_usernames_is_throttled():
    UserFactory(username="officer")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(20):  # one try each: no username reaches its own lockout
        fail_to_sign_in(client, f"guess{number}")

    response = sign_in(client, "officer")

    page = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many attempts" in page
    assert "too many unsuccessful attempts to sign in from your network" in page
    assert not is_signed_in(client)
    # Another address is not affected.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), "officer").status_code == 302


@pytest.mark.django_db
def test_the_address_throttle_lifts_when_its_window_ends():
    UserFactory(username="officer")
    client = Client(REMOTE_ADDR="203.0.113.9")
    start = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for number in range(20):
            fail_to_sign_in(client, f"guess{number}")
        traveller.move_to(start + datetime.timedelta(minutes=10))
        throttled = sign_in(client, "officer")
        traveller.move_to(start + datetime.timedelta(minutes=15, seconds=1))
        response = sign_in(client, "officer")

    assert throttled.status_code == 429
    assert response.status_code == 302


@pytest.mark.django_db
def test_successful_sign_ins_from_one_address_are_not_throttled():
    users = [UserFactory() for _ in range(21)]
    client = Client(REMOTE_ADDR="203.0.113.9")  # an office behind one address
    for user in users:
        assert sign_in(client, user.username).status_code == 302
        client.post(reverse("logout"))


def test_sign_in_page_links_to_password_reset(client):
    page = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("accounts:password_reset")}">Forgotten your password?</a>' in page
