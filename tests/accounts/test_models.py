import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import StatusRating
from accounts.services import partnership_create
from core.ratings import Rating
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_partnership_gets_the_default_rating_wording():
    partnership = partnership_create(name="Safer Example Partnership", slug="safer-example")

    ratings = list(StatusRating.objects.filter(partnership=partnership))
    assert [r.rating for r in ratings] == [
        Rating.RED,
        Rating.AMBER,
        Rating.GREEN,
        Rating.BLUE,
        Rating.NOT_RATED,
    ]
    assert ratings[2].meaning == "On track."


def test_email_addresses_are_unique_whatever_their_case():
    UserFactory(email="Officer@Example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="officer@example.org")
    assert UserFactory(email="").pk and UserFactory(email="").pk


def test_one_membership_per_person_per_partnership():
    membership = MembershipFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=membership.user, partnership=membership.partnership)


def test_a_member_represents_an_organisation_of_their_own_partnership():
    membership = MembershipFactory()
    membership.organisation = OrganisationFactory()

    with pytest.raises(ValidationError) as error:
        membership.full_clean()

    assert error.value.message_dict["organisation"] == ["Choose an organisation of this partnership."]


def test_organisation_short_names_are_unique_within_a_partnership():
    organisation = OrganisationFactory(short_name="LBB")

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(partnership=organisation.partnership, short_name="LBB")
    assert OrganisationFactory(short_name="LBB").pk
