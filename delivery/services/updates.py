"""Progress updates: the form's starting point, saving a draft or submitting one, never losing a later
save, and the past returns a delivery-plan import brings in."""

from datetime import date
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.conflicts import EditConflict, lock_unchanged
from core.history import change_reason
from core.ratings import NEEDS_MITIGATION, Rating
from delivery.models import Action, ProgressUpdate, ReportingPeriod
from delivery.services.milestones import milestones_complete

UPDATE_FIELDS = (
    "rating",
    "percent_complete",
    "narrative",
    "issues_and_risks",
    "mitigation",
    "board_ask",
    "is_exceptional_performance",
    "exceptional_performance_reason",
)


class MilestoneCompleted(NamedTuple):
    """A milestone's completion date as a progress-update form gives it, and the milestone's version
    (`core.conflicts.version_of`) when the form was opened."""

    completed_on: date | None
    version: str


def progress_update_initial(*, action: Action, period: ReportingPeriod) -> ProgressUpdate:
    """The update to edit: this period's if there is one, else a new one carrying % complete forward."""
    saved = action.progress_updates.filter(period=period).first()
    if saved is not None:
        return saved
    previous = (
        action.progress_updates.filter(period__starts_on__lt=period.starts_on)
        .order_by("-period__starts_on")
        .first()
    )
    return ProgressUpdate(
        action=action,
        period=period,
        rating="",  # no answer chosen for the person
        percent_complete=previous.percent_complete if previous else 0,
    )


@transaction.atomic
def progress_update_save(
    *,
    action: Action,
    period: ReportingPeriod,
    author: User,
    data: dict,
    version: str,
    submit: bool,
    milestones_completed: dict[int, MilestoneCompleted] | None = None,
) -> ProgressUpdate:
    """Save a draft of, or submit, an action's update for an open period, refusing a stale form.

    `version` is `core.conflicts.version_of` the update the form was opened on ("" if there was
    none). A form opened on an older version raises EditConflict and changes nothing, unless it
    carries exactly what is already saved (a repeated click), which returns the saved update. A
    milestone the form would change that someone saved after it was opened raises EditConflict too.
    """
    # The action's lock queues saves of its update, even the first one, which has no row to lock.
    action = Action.objects.select_for_update().get(pk=action.pk)
    period = ReportingPeriod.objects.get(pk=period.pk)
    if not period.is_open:
        raise ValidationError(f"{period} is locked: its updates can no longer be changed.")
    try:
        saved = lock_unchanged(ProgressUpdate.objects.filter(action=action, period=period), version=version)
    except EditConflict as conflict:
        repeated = conflict.saved is not None and _holds(conflict.saved, data)
        if repeated and (conflict.saved.is_submitted or not submit):
            return conflict.saved
        raise
    if action.status == Action.Status.COMPLETED and data["rating"] != Rating.BLUE:
        raise ValidationError(
            {"rating": "This action is completed. Reopen it first to give it another rating."}
        )

    update = saved or ProgressUpdate(action=action, period=period)
    for field in UPDATE_FIELDS:
        setattr(update, field, data[field])
    update.author = update._history_user = author
    if submit and update.submitted_at is None:
        update.submitted_at = timezone.now()
    # Its action, period and author are the records just read (the action locked, so this is the
    # period's one update): what is left to check is what the person wrote. Its database constraints
    # are its fields' validators and `clean` again, which the database enforces besides; checking them
    # here would ask the database once each.
    update.full_clean(exclude=["action", "period", "author"], validate_constraints=False)
    update.save()

    milestones_complete(action=action, completed=milestones_completed or {}, by=author)
    if update.is_submitted:
        _action_status_follow(action=action, update=update)
    return update


@transaction.atomic
def progress_update_import(
    *, action: Action, period: ReportingPeriod, author: User, rating: str, narrative: str, reason: str
) -> ProgressUpdate | None:
    """Bring in a past return: the action's submitted update for a period that has started, open or
    locked (history is what is brought in), recorded with `reason` as its history's change reason.

    An update an officer already wrote for the period, submitted or draft, is kept as it is (None is
    returned), so nothing they typed is lost. The action's status is the
    import's to write, not the rating's. A red or amber return needs a mitigation: one the plan did
    not record is said to be none recorded.
    """
    action = Action.objects.select_for_update().get(pk=action.pk)
    period = ReportingPeriod.objects.get(pk=period.pk)
    if period.starts_on > timezone.localdate():
        raise ValidationError(f"{period} has not started yet, so it has no return to bring in.")
    update = progress_update_initial(action=action, period=period)
    if update.pk is not None:
        return None
    update.rating = rating
    update.narrative = narrative or update.narrative
    if rating == Rating.BLUE:
        update.percent_complete = 100
    if rating in NEEDS_MITIGATION and not update.mitigation.strip():
        update.mitigation = f"None recorded in the plan. {reason}."
    update.author = update._history_user = author
    update.submitted_at = timezone.now()
    update._change_reason = change_reason(reason)
    update.full_clean()
    update.save()
    return update


def _holds(saved: ProgressUpdate, data: dict) -> bool:
    return all(getattr(saved, field) == data[field] for field in UPDATE_FIELDS)


def _action_status_follow(*, action: Action, update: ProgressUpdate) -> None:
    """A blue rating completes the action; a first rated update starts it (or an outstanding one)."""
    if update.rating == Rating.BLUE and action.status != Action.Status.COMPLETED:
        action.status = Action.Status.COMPLETED
        action.completed_on = timezone.localdate()
    elif action.status in (Action.Status.NOT_STARTED, Action.Status.OUTSTANDING) and update.rating in (
        Rating.RED,
        Rating.AMBER,
        Rating.GREEN,
    ):
        action.status = Action.Status.IN_PROGRESS
    else:
        return
    action._change_reason = change_reason(f"Progress update for {update.period}")
    # Only its status and completion date change: the rest was checked when it was saved.
    changed = ("status", "completed_on")
    action.full_clean(exclude=[field.name for field in Action._meta.fields if field.name not in changed])
    action.save()
