import datetime

import pytest
from django.core.exceptions import ValidationError

from core.conflicts import EditConflict, version_of
from core.ratings import Rating
from delivery.models import Action, ProgressUpdate, ReportingPeriod
from delivery.services.actions import action_reopen
from delivery.services.updates import (
    UPDATE_FIELDS,
    MilestoneCompleted,
    progress_update_initial,
    progress_update_save,
)
from tests.delivery.factories import (
    ActionFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
)

pytestmark = pytest.mark.django_db


def answers(**changes):
    data = dict.fromkeys(UPDATE_FIELDS, "")
    data.update(rating=Rating.GREEN, percent_complete=40, is_exceptional_performance=False)
    data.update(changes)
    return data


@pytest.fixture
def action():
    return ActionFactory(status=Action.Status.NOT_STARTED)


@pytest.fixture
def period(action):
    return ReportingPeriodFactory(partnership=action.partnership, state=ReportingPeriod.State.OPEN)


def save(action, period, *, version="", submit=True, **changes):
    return progress_update_save(
        action=action,
        period=period,
        author=action.owner,
        data=answers(**changes),
        version=version,
        submit=submit,
    )


def test_submitting_records_the_update_and_starts_the_action(action, period):
    update = save(action, period, narrative="Panel met twice.")

    assert update.is_submitted
    assert version_of(update) != ""
    assert update.author == action.owner
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert action.history.first().history_change_reason == f"Progress update for {period}"


def test_a_draft_is_not_submitted_and_can_be_submitted_later(action, period):
    draft = save(action, period, submit=False, narrative="Half written")
    assert not draft.is_submitted

    submitted = save(action, period, version=version_of(draft), narrative="Finished")

    assert submitted.pk == draft.pk
    assert submitted.is_submitted
    assert version_of(submitted) != version_of(draft)
    assert ProgressUpdate.objects.count() == 1


def test_a_blue_rating_completes_the_action_and_reopening_needs_a_reason(action, period):
    save(action, period, rating=Rating.BLUE, percent_complete=100)
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETED
    assert action.completed_on is not None

    with pytest.raises(ValidationError):
        action_reopen(action=action, reason="  ")
    action_reopen(action=action, reason="The panel needs another quarter.")

    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert action.completed_on is None
    assert action.history.first().history_change_reason == "Reopened: The panel needs another quarter."


def test_a_completed_action_must_be_reopened_before_another_rating(action, period):
    update = save(action, period, rating=Rating.BLUE, percent_complete=100)

    with pytest.raises(ValidationError) as error:
        save(action, period, version=version_of(update), rating=Rating.AMBER, mitigation="Catch up")

    assert "Reopen it first" in str(error.value)


def test_red_without_mitigation_saves_nothing(action, period):
    with pytest.raises(ValidationError) as error:
        save(action, period, rating=Rating.RED, mitigation="")

    assert "mitigation" in error.value.message_dict
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"percent_complete": 101}, "percent_complete"),
        ({"rating": Rating.AMBER, "mitigation": " \n "}, "mitigation"),
        (
            {"is_exceptional_performance": True, "exceptional_performance_reason": " "},
            "exceptional_performance_reason",
        ),
    ],
)
def test_what_the_database_constraints_refuse_is_refused_on_the_field_before_saving(
    action, period, changes, field
):
    """The service checks the constraints' rules in Python (its validators and `clean`), not by asking
    the database: each is still a message on its field, and nothing is saved."""
    with pytest.raises(ValidationError) as error:
        save(action, period, submit=True, **changes)

    assert field in error.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_a_stale_form_is_refused_and_overwrites_nothing(action, period):
    first = save(action, period, narrative="Saved by the owner")

    with pytest.raises(EditConflict) as conflict:
        save(action, period, version="", narrative="Typed by a delegate on an old form")

    assert conflict.value.saved == first
    first.refresh_from_db()
    assert first.narrative == "Saved by the owner"
    assert version_of(first) == version_of(conflict.value.saved)


def test_a_double_submit_creates_one_update(action, period):
    first = save(action, period, narrative="Same words")

    again = save(action, period, version="", narrative="Same words")

    assert again == first
    assert ProgressUpdate.objects.count() == 1
    assert version_of(again) == version_of(first)


def test_a_locked_period_refuses_changes(action, period):
    period.state = ReportingPeriod.State.LOCKED
    period.save()

    with pytest.raises(ValidationError) as error:
        save(action, period)

    assert "locked" in str(error.value)
    assert not ProgressUpdate.objects.exists()


def test_milestone_completion_dates_are_saved_with_the_update(action, period):
    milestone = MilestoneFactory(action=action)

    progress_update_save(
        action=action,
        period=period,
        author=action.owner,
        data=answers(),
        version="",
        submit=True,
        milestones_completed={
            milestone.pk: MilestoneCompleted(datetime.date(2024, 9, 1), version_of(milestone))
        },
    )

    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2024, 9, 1)


def test_a_new_update_carries_per_cent_complete_forward_but_not_the_rating(action):
    earlier = ReportingPeriodFactory(partnership=action.partnership, state=ReportingPeriod.State.LOCKED)
    ProgressUpdateFactory(action=action, period=earlier, percent_complete=65)
    later = ReportingPeriodFactory(partnership=action.partnership)

    initial = progress_update_initial(action=action, period=later)

    assert initial.pk is None
    assert initial.percent_complete == 65
    assert initial.rating == ""
    assert version_of(initial) == ""
