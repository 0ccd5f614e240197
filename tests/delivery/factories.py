import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Membership
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from tests.accounts.factories import MembershipFactory, PartnershipFactory
from tests.priorities.factories import StrategicAmbitionFactory


class ReportingPeriodFactory(DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Period {n}")
    starts_on = factory.Sequence(lambda n: datetime.date(2024, 4, 1) + datetime.timedelta(days=91 * n))
    ends_on = factory.LazyAttribute(lambda p: p.starts_on + datetime.timedelta(days=90))
    update_deadline = factory.LazyAttribute(lambda p: p.ends_on + datetime.timedelta(days=21))
    state = ReportingPeriod.State.OPEN


class ActionFactory(DjangoModelFactory):
    """An action whose owner is a member of the action's partnership."""

    class Meta:
        model = Action

    ambition = factory.SubFactory(StrategicAmbitionFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.LazyAttribute(
        lambda a: MembershipFactory(partnership=a.ambition.priority.strategy.partnership).user
    )
    # Led by the owner's organisation in the partnership, as an action whose plan names no lead is.
    lead_organisation = factory.LazyAttribute(
        lambda a: getattr(
            Membership.objects.filter(user=a.owner, partnership=a.ambition.priority.strategy.partnership)
            .select_related("organisation")
            .first(),
            "organisation",
            None,
        )
    )
    starts_on = datetime.date(2024, 4, 1)
    due_on = datetime.date(2025, 3, 31)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = datetime.date(2024, 9, 30)


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    period = factory.SubFactory(
        ReportingPeriodFactory,
        partnership=factory.SelfAttribute("..action.ambition.priority.strategy.partnership"),
    )
    rating = ProgressUpdate.Rating.GREEN
    percent_complete = 50
    narrative = "Work is going to plan."
    author = factory.SelfAttribute("action.owner")
