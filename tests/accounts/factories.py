import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.identity import normalise_email
from accounts.models import Invitation, Membership, Organisation, Partnership, User


class UserFactory(DjangoModelFactory):
    """A person who can sign in; their email address is stored normalised, as every write path does."""

    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("a-good-test-password")

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["email"] = normalise_email(kwargs.get("email"))
        return kwargs


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    short_name = factory.Sequence(lambda n: f"P{n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"AG{n}")
    is_responsible_authority = True


class MembershipFactory(DjangoModelFactory):
    """A person's membership; their organisation belongs to the same partnership."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory, partnership=factory.SelfAttribute("..partnership"))
    role = Membership.Role.OFFICER


class InvitationFactory(DjangoModelFactory):
    """An invitation sent a day ago by an administrator, to an organisation of the same partnership.

    Its link's token is not known: tests that follow a link send the invitation with the service.
    """

    class Meta:
        model = Invitation

    partnership = factory.SubFactory(PartnershipFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    organisation = factory.SubFactory(OrganisationFactory, partnership=factory.SelfAttribute("..partnership"))
    role = Membership.Role.OFFICER
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    invited_by = factory.LazyAttribute(
        lambda i: MembershipFactory(partnership=i.partnership, role=Membership.Role.ADMINISTRATOR).user
    )
    sent_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    expires_at = factory.LazyAttribute(lambda i: i.sent_at + datetime.timedelta(days=7))

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["email"] = normalise_email(kwargs["email"])
        return kwargs
