"""Ratings per priority now and before, the one count behind plan on a page and the exception report."""

import datetime

import pytest

from core.ratings import Rating
from delivery.models import Action
from reports.rating_counts import Before, by_priority, count_ratings, rated_actions
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db

SUBMITTED = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.UTC)


def update(action, period, rating, *, submitted=True):
    return ProgressUpdateFactory(
        action=action,
        period=period,
        rating=rating,
        mitigation="Extra officer time agreed" if rating in (Rating.RED, Rating.AMBER) else "",
        submitted_at=SUBMITTED if submitted else None,
    )


@pytest.fixture
def plan():
    """Q1 then Q2 2026/27; two priorities.

    Prevention: `both` green then red; `new` starts in Q2, amber; `done` completed in Q1, blue then (not
    expected in Q2); `drafted` no update in Q1 and only a draft in Q2. People: `steady` amber then green.
    """
    strategy = StrategyFactory(starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2029, 3, 31))
    partnership = strategy.partnership
    q1, q2 = (
        ReportingPeriodFactory(partnership=partnership, starts_on=starts, ends_on=ends)
        for starts, ends in (
            (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
            (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)),
        )
    )
    prevention, people = (
        StrategicAmbitionFactory(priority=PriorityFactory(strategy=strategy, order=order)) for order in (1, 2)
    )

    def action(ambition, **kwargs):
        kwargs.setdefault("starts_on", datetime.date(2026, 4, 1))
        return ActionFactory(ambition=ambition, due_on=datetime.date(2027, 3, 31), **kwargs)

    both = action(prevention)
    update(both, q1, Rating.GREEN)
    update(both, q2, Rating.RED)
    new = action(prevention, starts_on=datetime.date(2026, 8, 1))
    update(new, q2, Rating.AMBER)
    done = action(prevention, status=Action.Status.COMPLETED, completed_on=datetime.date(2026, 5, 1))
    update(done, q1, Rating.BLUE)
    drafted = action(prevention)
    update(drafted, q2, Rating.GREEN, submitted=False)
    steady = action(people)
    update(steady, q1, Rating.AMBER)
    update(steady, q2, Rating.GREEN)
    return strategy, q1, q2, prevention.priority_id, people.priority_id


def counts(**given):
    return {rating: given.get(rating, 0) for rating in Rating.values}


def as_dicts(ratings):
    before = None if ratings.before is None else counts(**ratings.before)
    return counts(**ratings.now), before


def groups(strategy, period, previous):
    return by_priority(
        rated_actions(
            Action.objects.filter(ambition__priority__strategy=strategy), period, previous
        ).order_by("ambition__priority__order", "order")
    )


def test_the_period_is_compared_with_the_actions_expected_to_report_then(plan):
    strategy, q1, q2, prevention, people = plan

    by = groups(strategy, q2, q1)

    assert list(by) == [prevention, people]
    ratings = count_ratings(by[prevention], before=Before.EXPECTED_THEN)
    assert as_dicts(ratings) == (
        counts(red=1, amber=1, not_rated=1),  # both, new, drafted (a draft is not a rating)
        counts(green=1, blue=1, not_rated=1),  # both, done, drafted; new had not started
    )
    assert (ratings.total, ratings.previous_total) == (3, 3)
    assert as_dicts(count_ratings(by[people], before=Before.EXPECTED_THEN)) == (
        counts(green=1),
        counts(amber=1),
    )


def test_the_same_actions_can_be_compared_with_how_they_were_rated_then(plan):
    strategy, q1, q2, prevention, _ = plan

    ratings = count_ratings(groups(strategy, q2, q1)[prevention], before=Before.SAME_ACTIONS)

    assert as_dicts(ratings) == (
        counts(red=1, amber=1, not_rated=1),
        counts(green=1, not_rated=2),  # both was green; new and drafted had no submitted update
    )
    assert ratings.previous_total == ratings.total == 3


def test_without_a_previous_period_nothing_is_counted_before(plan):
    strategy, q1, _, prevention, _ = plan

    group = groups(strategy, q1, None)[prevention]

    assert as_dicts(count_ratings(group, before=None)) == (counts(green=1, blue=1, not_rated=1), None)
    assert count_ratings(group, before=None).previous_total is None
    # The exception report's way: the same actions, none rated before.
    assert as_dicts(count_ratings(group, before=Before.SAME_ACTIONS))[1] == counts(not_rated=3)


def test_the_ratings_are_read_in_one_query_however_many_actions(plan, assert_same_queries):
    strategy, q1, q2, prevention, _ = plan
    ambition = Action.objects.filter(ambition__priority=prevention).first().ambition

    def make_rows(count):
        while Action.objects.filter(ambition__priority__strategy=strategy).count() < count:
            made = ActionFactory(
                ambition=ambition, starts_on=datetime.date(2026, 4, 1), due_on=datetime.date(2027, 3, 31)
            )
            update(made, q1, Rating.GREEN)
            update(made, q2, Rating.AMBER)

    def fetch(_):
        return list(rated_actions(Action.objects.filter(ambition__priority__strategy=strategy), q2, q1))

    few, many = assert_same_queries(make_rows, fetch, few=5, many=30, at_most=1)
    assert (len(few), len(many)) == (5, 30)
