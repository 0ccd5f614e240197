import datetime

import factory
from factory.django import DjangoModelFactory

from risks.models import Risk, RiskRegister, RiskReview
from tests.accounts.factories import MembershipFactory, PartnershipFactory
from tests.delivery.factories import ReportingPeriodFactory


class RiskRegisterFactory(DjangoModelFactory):
    class Meta:
        model = RiskRegister
        django_get_or_create = ["partnership"]

    partnership = factory.SubFactory(PartnershipFactory)


class RiskFactory(DjangoModelFactory):
    """An open risk owned by a member of the register's partnership, for their organisation."""

    class Meta:
        model = Risk

    register = factory.SubFactory(RiskRegisterFactory)
    reference = factory.Sequence(lambda n: f"R{n + 1}")
    title = factory.Sequence(lambda n: f"Risk {n}")
    cause = "Partners may not share the data the analysis needs."
    effect = "The strategic assessment would be late and incomplete."
    category = Risk.Category.INFORMATION
    owner = factory.LazyAttribute(lambda r: MembershipFactory(partnership=r.register.partnership).user)
    owner_organisation = factory.LazyAttribute(
        lambda r: r.owner.memberships.get(partnership=r.register.partnership).organisation
    )
    inherent_likelihood = 4
    inherent_impact = 4
    residual_likelihood = 3
    residual_impact = 3
    target_score = 6
    review_on = datetime.date(2025, 6, 30)


class RiskReviewFactory(DjangoModelFactory):
    class Meta:
        model = RiskReview

    risk = factory.SubFactory(RiskFactory)
    period = factory.SubFactory(
        ReportingPeriodFactory, partnership=factory.SelfAttribute("..risk.register.partnership")
    )
    inherent_likelihood = 4
    inherent_impact = 4
    residual_likelihood = 3
    residual_impact = 3
    narrative = "Controls are working."
    reviewed_by = factory.SelfAttribute("risk.owner")
