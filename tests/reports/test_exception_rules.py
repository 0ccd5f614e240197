"""Each exception rule on its own: the reason it gives, and when it gives none."""

import datetime

import pytest

from core.ratings import Rating
from delivery.models import Action, Milestone, ProgressUpdate, ReportingPeriod
from reports import exceptions
from reports.exceptions import ActionState

TODAY = datetime.date(2026, 11, 22)
PERIOD = ReportingPeriod(
    name="Q2 2026/27",
    starts_on=datetime.date(2026, 7, 1),
    ends_on=datetime.date(2026, 9, 30),
    update_deadline=datetime.date(2026, 10, 31),
)


def state(*, rating=None, previous=None, action=None, milestones=(), today=TODAY, **update_fields):
    action = action or Action(status=Action.Status.IN_PROGRESS, due_on=datetime.date(2027, 3, 31))
    update = ProgressUpdate(rating=rating, **update_fields) if rating else None
    return ActionState(
        action=action,
        update=update,
        previous_rating=previous,
        overdue_milestones=list(milestones),
        period=PERIOD,
        today=today,
    )


def test_rated_red():
    assert exceptions.rated_red(state(rating=Rating.RED)) == "Rated red"
    assert exceptions.rated_red(state(rating=Rating.AMBER)) is None
    assert exceptions.rated_red(state()) is None


@pytest.mark.parametrize(
    ("now", "before", "reason"),
    [
        (Rating.AMBER, Rating.GREEN, "Rated amber"),
        (Rating.AMBER, None, "Rated amber"),
        (Rating.RED, Rating.GREEN, "Worse than the previous period: green to red"),
        (Rating.GREEN, Rating.BLUE, "Worse than the previous period: blue to green"),
        (Rating.GREEN, Rating.GREEN, None),
        (Rating.GREEN, Rating.RED, None),
        (Rating.NOT_RATED, Rating.GREEN, None),
    ],
)
def test_rated_amber_or_worse_than_before(now, before, reason):
    assert exceptions.rated_amber_or_worse(state(rating=now, previous=before)) == reason


def test_overdue_only_when_past_due_and_not_finished():
    late = Action(status=Action.Status.IN_PROGRESS, due_on=datetime.date(2026, 6, 30))
    done = Action(status=Action.Status.COMPLETED, due_on=datetime.date(2026, 6, 30))
    cancelled = Action(status=Action.Status.CANCELLED, due_on=datetime.date(2026, 6, 30))

    assert exceptions.overdue(state(action=late)) == "Overdue: it was due on 30 June 2026"
    assert exceptions.overdue(state(action=done)) is None
    assert exceptions.overdue(state(action=cancelled)) is None
    assert exceptions.overdue(state()) is None


def test_milestone_overdue_names_the_milestones():
    milestones = [
        Milestone(title="Panel set up", due_on=datetime.date(2026, 9, 1)),
        Milestone(title="First referrals", due_on=datetime.date(2026, 10, 1)),
    ]

    assert exceptions.milestone_overdue(state(milestones=milestones)) == (
        "Milestone overdue: Panel set up (due 1 September 2026); First referrals (due 1 October 2026)"
    )
    assert exceptions.milestone_overdue(state()) is None


def test_missing_return_only_after_the_deadline():
    assert exceptions.missing_return(state()) == "No update submitted by the deadline of 31 October 2026"
    assert exceptions.missing_return(state(today=datetime.date(2026, 10, 31))) is None
    assert exceptions.missing_return(state(rating=Rating.GREEN)) is None


def test_board_ask():
    assert exceptions.board_ask(state(rating=Rating.GREEN, board_ask="Agree the funding bid")) == (
        "Asks the board for a decision or support"
    )
    assert exceptions.board_ask(state(rating=Rating.GREEN, board_ask="")) is None


def test_exceptional_performance_or_completed_early():
    flagged = state(
        rating=Rating.GREEN,
        is_exceptional_performance=True,
        exceptional_performance_reason="Twice the referrals expected",
    )
    early = Action(
        status=Action.Status.COMPLETED,
        due_on=datetime.date(2027, 3, 31),
        completed_on=datetime.date(2026, 9, 1),
    )
    on_time = Action(
        status=Action.Status.COMPLETED,
        due_on=datetime.date(2026, 9, 1),
        completed_on=datetime.date(2026, 9, 1),
    )

    assert exceptions.exceptional(flagged) == "Exceptional performance: Twice the referrals expected"
    assert exceptions.exceptional(state(rating=Rating.BLUE, action=early)) == (
        "Completed on 1 September 2026, ahead of its due date"
    )
    assert exceptions.exceptional(state(rating=Rating.BLUE, action=on_time)) is None
    assert exceptions.exceptional(state(rating=Rating.GREEN)) is None
