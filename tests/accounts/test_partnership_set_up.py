import pytest
from django.urls import reverse

from accounts.models import Membership, Partnership
from tests.accounts.factories import PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "name": "Safer Example Partnership",
    "short_name": "SEP",
    "slug": "safer-example",
    "organisation_name": "Example Borough Council",
    "organisation_short_name": "EBC",
    "is_responsible_authority": "on",
}


def test_a_platform_superuser_sets_up_a_partnership_and_becomes_its_administrator(client):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)

    response = client.post(reverse("accounts:partnership_set_up"), ANSWERS)

    partnership = Partnership.objects.get(slug="safer-example")
    assert response["Location"] == reverse("accounts:manage", kwargs={"slug": "safer-example"})
    membership = Membership.objects.get(user=superuser, partnership=partnership)
    assert membership.role == Membership.Role.ADMINISTRATOR
    assert membership.organisation.short_name == "EBC"
    assert membership.organisation.is_responsible_authority
    assert partnership.status_ratings.count() == 5
    assert client.get(response["Location"]).status_code == 200


def test_a_taken_web_address_is_refused_and_nothing_is_created(client):
    PartnershipFactory(slug="safer-example")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.post(reverse("accounts:partnership_set_up"), ANSWERS)

    assert response.status_code == 200
    assert "<title>Error:" in response.content.decode()
    assert "Another partnership already uses this web address." in response.content.decode()
    assert Partnership.objects.count() == 1


def test_only_platform_superusers_set_up_partnerships(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:partnership_set_up")).status_code == 403
    assert client.post(reverse("accounts:partnership_set_up"), ANSWERS).status_code == 403
    assert not Partnership.objects.exists()
