import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from delivery.models import Action, ProgressUpdate
from tests.delivery.factories import (
    ActionFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db


def violates_constraint(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()
    return True


def test_one_update_per_action_per_period():
    update = ProgressUpdateFactory()

    assert violates_constraint(lambda: ProgressUpdateFactory(action=update.action, period=update.period))


@pytest.mark.parametrize("rating", [ProgressUpdate.Rating.RED, ProgressUpdate.Rating.AMBER])
def test_red_and_amber_updates_need_a_mitigation(rating):
    assert violates_constraint(lambda: ProgressUpdateFactory(rating=rating, mitigation=""))

    update = ProgressUpdateFactory.build(
        action=ActionFactory(), period=ReportingPeriodFactory(), rating=rating, mitigation=""
    )
    update.author = update.action.owner
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert error.value.message_dict == {
        "mitigation": ["Describe the mitigation or corrective action for a red or amber rating."]
    }


def test_green_update_needs_no_mitigation():
    assert ProgressUpdateFactory(rating=ProgressUpdate.Rating.GREEN, mitigation="").pk


def test_per_cent_complete_is_at_most_100():
    assert violates_constraint(lambda: ProgressUpdateFactory(percent_complete=101))


def test_exceptional_performance_needs_a_reason():
    assert violates_constraint(
        lambda: ProgressUpdateFactory(is_exceptional_performance=True, exceptional_performance_reason="")
    )


def test_action_starts_on_or_before_its_due_date():
    assert violates_constraint(
        lambda: ActionFactory(starts_on=datetime.date(2025, 1, 2), due_on=datetime.date(2025, 1, 1))
    )


def test_only_a_completed_action_has_a_completion_date():
    # A completed action may have none: an imported plan may not say when (the form asks for it).
    assert ActionFactory(status=Action.Status.COMPLETED, completed_on=None).completed_on is None
    assert violates_constraint(
        lambda: ActionFactory(status=Action.Status.IN_PROGRESS, completed_on=datetime.date(2025, 1, 1))
    )


def test_action_order_is_unique_under_its_ambition():
    action = ActionFactory(order=1)

    assert violates_constraint(lambda: ActionFactory(ambition=action.ambition, order=1))


def test_action_reference_follows_the_order_of_its_parents():
    action = ActionFactory(order=3, ambition__order=2, ambition__priority__order=1)

    assert action.reference == "1.2.3"
    assert str(action).startswith("1.2.3 ")


def test_reporting_period_starts_before_it_ends_and_names_are_unique():
    period = ReportingPeriodFactory(name="Q1 2024/25")

    assert violates_constraint(
        lambda: ReportingPeriodFactory(
            starts_on=datetime.date(2024, 7, 1),
            ends_on=datetime.date(2024, 6, 30),
            update_deadline=datetime.date(2024, 7, 31),
        )
    )
    assert violates_constraint(
        lambda: ReportingPeriodFactory(partnership=period.partnership, name="Q1 2024/25")
    )


def test_progress_updates_keep_their_history():
    update = ProgressUpdateFactory(narrative="First draft")
    update.narrative = "Revised"
    update.save()

    assert [h.narrative for h in update.history.order_by("history_date")] == ["First draft", "Revised"]


def test_an_action_carried_into_a_later_strategy_no_longer_reports_the_carried_copy_does():
    old = ActionFactory()
    period = ReportingPeriodFactory(partnership=old.partnership)
    assert list(Action.objects.expected_to_report(period)) == [old]

    carried = ActionFactory(carried_over_from=old, owner=old.owner)

    assert list(Action.objects.expected_to_report(period)) == [carried]
