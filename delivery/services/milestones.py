"""Every write of a milestone: adding, changing and removing one, and completing it from a progress update.

Each goes through `milestone_check`, so a milestone is never done in the future whoever writes it.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.conflicts import refuse_if_changed, save_if_unchanged
from delivery.models import Action, Milestone


def milestone_check(milestone: Milestone) -> None:
    """The milestone as it would be saved is valid: its fields, and done today or earlier if done."""
    milestone.full_clean()
    if milestone.completed_on and milestone.completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date completed must be today or in the past"})


@transaction.atomic
def milestone_add(*, action: Action, title: str, due_on: date, completed_on: date | None = None) -> Milestone:
    milestone = Milestone(action=action, title=title, due_on=due_on, completed_on=completed_on)
    milestone_check(milestone)
    milestone.save()
    return milestone


@transaction.atomic
def milestone_change(*, milestone: Milestone, version: str) -> Milestone:
    """Save a milestone whose new values are set, unless it was saved since its form opened at `version`."""
    milestone_check(milestone)
    return save_if_unchanged(milestone, version=version)


def milestone_remove(*, milestone: Milestone) -> None:
    """Remove a milestone from its action; its history is kept."""
    milestone.delete()


def milestones_complete(*, action: Action, completed: dict, by: User) -> None:
    """Set the completion dates a progress update changes (`completed` maps a milestone's id to a
    `MilestoneCompleted`), refusing to change a milestone saved since the form opened."""
    for milestone in Milestone.objects.select_for_update().filter(action=action, pk__in=completed):
        answer = completed[milestone.pk]
        if milestone.completed_on != answer.completed_on:
            refuse_if_changed(milestone, answer.version)
            milestone.completed_on = answer.completed_on
            milestone._history_user = by
            milestone_check(milestone)
            milestone.save(update_fields=["completed_on", "updated_at"])
