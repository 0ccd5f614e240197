import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from priorities.models import SignOff
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db


def violates_constraint(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()
    return True


def test_strategy_starts_before_it_ends():
    assert violates_constraint(
        lambda: StrategyFactory(starts_on=datetime.date(2027, 1, 1), ends_on=datetime.date(2024, 1, 1))
    )


def test_priority_and_ambition_orders_are_unique_and_start_at_one():
    priority = PriorityFactory(order=1)
    assert violates_constraint(lambda: PriorityFactory(strategy=priority.strategy, order=1))
    assert violates_constraint(lambda: PriorityFactory(order=0))

    ambition = StrategicAmbitionFactory(priority=priority, order=1)
    assert violates_constraint(lambda: StrategicAmbitionFactory(priority=priority, order=1))
    assert ambition.reference == "1.1"


def test_priority_lead_must_belong_to_the_partnership():
    priority = PriorityFactory()
    priority.lead = UserFactory()
    priority.lead_organisation = OrganisationFactory()

    with pytest.raises(ValidationError) as error:
        priority.full_clean()

    assert error.value.message_dict == {
        "lead": ["Choose a member of this partnership."],
        "lead_organisation": ["Choose an organisation of this partnership."],
    }


def test_one_sign_off_per_responsible_authority_with_a_date_once_decided():
    priority = PriorityFactory()
    strategy, organisation = priority.strategy, priority.lead_organisation
    SignOff.objects.create(strategy=strategy, organisation=organisation)

    assert violates_constraint(lambda: SignOff.objects.create(strategy=strategy, organisation=organisation))
    other = OrganisationFactory(partnership=strategy.partnership)
    assert violates_constraint(
        lambda: SignOff.objects.create(strategy=strategy, organisation=other, decision="agreed")
    )


def test_only_responsible_authorities_sign_off():
    strategy = StrategyFactory()
    voluntary = OrganisationFactory(partnership=strategy.partnership, is_responsible_authority=False)

    with pytest.raises(ValidationError) as error:
        SignOff(strategy=strategy, organisation=voluntary).full_clean()

    assert error.value.message_dict["organisation"] == ["Only responsible authorities sign off a strategy."]
