import datetime

import factory
from factory.django import DjangoModelFactory

from priorities.models import Consultation, Priority, SignOff, StrategicAmbition, Strategy
from tests.accounts.factories import MembershipFactory, OrganisationFactory, PartnershipFactory


class StrategyFactory(DjangoModelFactory):
    class Meta:
        model = Strategy

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Community Safety Strategy {n}")
    starts_on = datetime.date(2024, 4, 1)
    ends_on = datetime.date(2027, 3, 31)
    status = Strategy.Status.ADOPTED


class PriorityFactory(DjangoModelFactory):
    """A priority whose lead is a member, and whose lead organisation a partner, of its partnership."""

    class Meta:
        model = Priority

    strategy = factory.SubFactory(StrategyFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority {n}")
    lead_organisation = factory.SubFactory(
        OrganisationFactory, partnership=factory.SelfAttribute("..strategy.partnership")
    )
    lead = factory.LazyAttribute(
        lambda p: MembershipFactory(partnership=p.strategy.partnership, organisation=p.lead_organisation).user
    )


class StrategicAmbitionFactory(DjangoModelFactory):
    class Meta:
        model = StrategicAmbition

    priority = factory.SubFactory(PriorityFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Strategic ambition {n}")
    strategic_plan = "How the ambition will be achieved."


class SignOffFactory(DjangoModelFactory):
    """A responsible authority's sign-off; the authority is a partner of the strategy's partnership."""

    class Meta:
        model = SignOff

    strategy = factory.SubFactory(StrategyFactory)
    organisation = factory.SubFactory(
        OrganisationFactory,
        partnership=factory.SelfAttribute("..strategy.partnership"),
        is_responsible_authority=True,
    )
    decision = SignOff.Decision.PENDING


class ConsultationFactory(DjangoModelFactory):
    class Meta:
        model = Consultation

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Public consultation {n}")
    opens_on = datetime.date(2023, 12, 15)
    closes_on = datetime.date(2024, 2, 4)
