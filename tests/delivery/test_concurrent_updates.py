"""Two people saving the same progress update at the same moment: one wins, nothing is lost silently."""

import threading

import pytest
from django.db import connection

from core.conflicts import EditConflict
from core.ratings import Rating
from delivery.models import ProgressUpdate, ReportingPeriod
from delivery.services.updates import UPDATE_FIELDS, progress_update_save
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ReportingPeriodFactory


def answers(narrative):
    data = dict.fromkeys(UPDATE_FIELDS, "")
    data.update(
        rating=Rating.GREEN, percent_complete=50, is_exceptional_performance=False, narrative=narrative
    )
    return data


def save_at_once(action, period, people_and_words):
    """Run one save per person in its own thread and connection, all released together."""
    barrier = threading.Barrier(len(people_and_words))
    outcomes = {}

    def save(author, words):
        try:
            barrier.wait(timeout=10)
            outcomes[words] = progress_update_save(
                action=action, period=period, author=author, data=answers(words), version="", submit=True
            )
        except EditConflict as conflict:
            outcomes[words] = conflict
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=pair) for pair in people_and_words]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def action_and_period(transactional_db):
    action = ActionFactory()
    period = ReportingPeriodFactory(partnership=action.partnership, state=ReportingPeriod.State.OPEN)
    return action, period


def test_concurrent_saves_of_different_text_keep_one_and_refuse_the_other(action_and_period):
    action, period = action_and_period
    delegate = MembershipFactory(partnership=action.partnership).user

    outcomes = save_at_once(action, period, [(action.owner, "Owner's words"), (delegate, "Delegate's words")])

    saved = ProgressUpdate.objects.get(action=action, period=period)
    assert saved.history.count() == 1
    winner = outcomes[saved.narrative]
    loser = next(outcome for words, outcome in outcomes.items() if words != saved.narrative)
    assert isinstance(winner, ProgressUpdate)
    assert isinstance(loser, EditConflict)
    assert loser.saved.pk == saved.pk


def test_concurrent_double_submit_of_the_same_text_creates_one_update(action_and_period):
    action, period = action_and_period

    def twice(action, period):
        barrier = threading.Barrier(2)
        results = []

        def submit():
            try:
                barrier.wait(timeout=10)
                results.append(
                    progress_update_save(
                        action=action,
                        period=period,
                        author=action.owner,
                        data=answers("Same words"),
                        version="",
                        submit=True,
                    )
                )
            finally:
                connection.close()

        threads = [threading.Thread(target=submit) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        return results

    results = twice(action, period)

    assert len(results) == 2
    assert results[0].pk == results[1].pk
    assert ProgressUpdate.objects.filter(action=action, period=period).count() == 1
    assert ProgressUpdate.objects.get(action=action, period=period).history.count() == 1


def test_the_database_is_the_one_ci_asked_for():
    """CI runs this suite on SQLite and on PostgreSQL; the concurrency tests above matter most on the latter."""
    import os

    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected
