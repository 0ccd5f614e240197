import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from indicators.models import Indicator, IndicatorTarget, IndicatorValue
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ReportingPeriodFactory
from tests.priorities.factories import PriorityFactory


class IndicatorFactory(DjangoModelFactory):
    """An indicator of a priority, owned by a member of the priority's partnership for their organisation."""

    class Meta:
        model = Indicator

    priority = factory.SubFactory(PriorityFactory)
    strategy = factory.SelfAttribute("priority.strategy")
    name = factory.Sequence(lambda n: f"Indicator {n}")
    definition = "Counted from the monthly crime figures."
    owner = factory.LazyAttribute(lambda i: MembershipFactory(partnership=i.strategy.partnership).user)
    owner_organisation = factory.LazyAttribute(
        lambda i: i.owner.memberships.get(partnership=i.strategy.partnership).organisation
    )
    baseline_value = Decimal("100")
    baseline_on = datetime.date(2024, 3, 31)


class IndicatorTargetFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    indicator = factory.SubFactory(IndicatorFactory)
    financial_year = 2024
    value = Decimal("100")


class IndicatorValueFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.SubFactory(
        ReportingPeriodFactory, partnership=factory.SelfAttribute("..indicator.strategy.partnership")
    )
    value = Decimal("100")
    entered_by = factory.SelfAttribute("indicator.owner")
