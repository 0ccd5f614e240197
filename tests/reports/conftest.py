"""The fixture partnership of the exception-report tests, whose expected items are written out by hand."""

import datetime

import pytest

from core.ratings import Rating
from delivery.models import Action, ReportingPeriod
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import (
    ActionFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
)
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

SUBMITTED = datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def plan(db):
    """Two priorities, three ambitions, eight actions: one of each kind the rules look for."""
    strategy = StrategyFactory(title="Community Safety Strategy 2024-27")
    partnership = strategy.partnership
    q1 = ReportingPeriodFactory(
        partnership=partnership,
        name="Q1 2026/27",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 6, 30),
        update_deadline=datetime.date(2026, 7, 31),
        state=ReportingPeriod.State.LOCKED,
    )
    q2 = ReportingPeriodFactory(
        partnership=partnership,
        name="Q2 2026/27",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 9, 30),
        update_deadline=datetime.date(2026, 10, 31),
        state=ReportingPeriod.State.OPEN,
    )
    prevention = PriorityFactory(strategy=strategy, order=1, title="Prevention")
    people = PriorityFactory(strategy=strategy, order=2, title="People")
    violence = StrategicAmbitionFactory(priority=prevention, order=1, title="Reduce serious violence")
    online = StrategicAmbitionFactory(priority=prevention, order=2, title="Counter online harm")
    victims = StrategicAmbitionFactory(priority=people, order=1, title="Protect victims")
    owner = MembershipFactory(
        partnership=partnership,
        user__first_name="Tom",
        user__last_name="Fletcher",
        organisation__name="LBB Council",
    ).user

    def action(ambition, order, title, **kwargs):
        kwargs.setdefault("due_on", datetime.date(2027, 3, 31))
        kwargs.setdefault("status", Action.Status.IN_PROGRESS)
        return ActionFactory(ambition=ambition, order=order, title=title, owner=owner, **kwargs)

    def update(action, period, rating, **kwargs):
        kwargs.setdefault("submitted_at", SUBMITTED)
        if rating in (Rating.RED, Rating.AMBER):
            kwargs.setdefault("mitigation", "Extra officer time agreed")
        return ProgressUpdateFactory(action=action, period=period, rating=rating, **kwargs)

    worse = action(violence, 1, "Knife crime sessions")
    update(worse, q1, Rating.GREEN)
    update(worse, q2, Rating.RED, narrative="Two schools withdrew")
    steady = action(violence, 2, "Youth outreach")
    update(steady, q1, Rating.GREEN)
    update(steady, q2, Rating.GREEN)
    late = action(online, 1, "Online safety campaign", due_on=datetime.date(2026, 10, 1))
    update(late, q2, Rating.AMBER)
    silent = action(victims, 1, "Refresh the VAWG plan")
    asking = action(victims, 2, "Independent advocate service")
    update(asking, q2, Rating.GREEN, board_ask="Agree to fund a second advocate")
    early = action(
        victims, 3, "MARAC review", status=Action.Status.COMPLETED, completed_on=datetime.date(2026, 9, 15)
    )
    update(early, q2, Rating.BLUE, percent_complete=100)
    slipping = action(victims, 4, "Elder abuse awareness")
    update(slipping, q2, Rating.GREEN)
    MilestoneFactory(action=slipping, title="Leaflets printed", due_on=datetime.date(2026, 11, 1))
    drafted = action(victims, 5, "Scams prevention")
    update(drafted, q2, Rating.GREEN, submitted_at=None)
    del silent
    return partnership, q2
