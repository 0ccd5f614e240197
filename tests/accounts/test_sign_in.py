import pytest
from django.urls import reverse

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
