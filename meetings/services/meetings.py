"""Writing the partnership's bodies (the board and its sub-groups) and their meetings."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Partnership, User
from core.conflicts import save_if_unchanged
from meetings.models import Body, Meeting
from meetings.services.coherence import active_members, outside_errors

BODY_FIELDS = ("name", "chair", "vice_chair")
MEETING_FIELDS = (
    "body",
    "title",
    "held_on",
    "starts_at",
    "location",
    "is_virtual",
    "status",
    "minutes_approved_at",
)


def check_body(body: Body) -> None:
    """Refuse a chair or vice-chair who is not an active member of the body's partnership."""
    members = active_members(body.partnership_id)
    errors = outside_errors(
        (
            field,
            getattr(body, f"{field}_id"),
            members,
            f"Choose a {word} who is an active member of this partnership",
        )
        for field, word in (("chair", "chair"), ("vice_chair", "vice-chair"))
    )
    if body.chair_id and body.chair_id == body.vice_chair_id:
        errors["vice_chair"] = "The vice-chair must be someone other than the chair"
    if errors:
        raise ValidationError(errors)


def approved_where_not_recorded(meeting: Meeting) -> bool:
    """The meeting's saved minutes are approved with no approving meeting named: minutes approved before
    the service kept meetings (the migration and the demo's seed meetings), which may stay so."""
    return (
        bool(meeting.pk)
        and Meeting.objects.filter(
            pk=meeting.pk, status=Meeting.Status.MINUTES_APPROVED, minutes_approved_at__isnull=True
        ).exists()
    )


def check_meeting(meeting: Meeting) -> None:
    """Refuse a meeting of another partnership's body, and minutes approved anywhere but at a later
    meeting of the same body; name the approving meeting exactly when the minutes are approved."""
    errors = {}
    if meeting.body_id and meeting.body.partnership_id != meeting.partnership_id:
        errors["body"] = "Choose a board or group of this partnership"
    approved_at = meeting.minutes_approved_at
    if meeting.status == Meeting.Status.MINUTES_APPROVED:
        if approved_at is None:
            if not approved_where_not_recorded(meeting):
                errors["minutes_approved_at"] = "Choose the meeting that approved the minutes"
        elif approved_at.partnership_id != meeting.partnership_id:
            errors["minutes_approved_at"] = "Choose a meeting of this partnership"
        elif approved_at.body_id != meeting.body_id:
            errors["minutes_approved_at"] = "Choose a later meeting of the same board or group"
        elif meeting.held_on and approved_at.held_on <= meeting.held_on:
            errors["minutes_approved_at"] = "Choose a meeting held after this one"
    elif approved_at is not None:
        meeting.minutes_approved_at = None  # only approved minutes name the meeting that approved them
    if meeting.pk and meeting.held_on and meeting.body_id:
        approved = (
            Meeting.objects.filter(minutes_approved_at_id=meeting.pk)
            .exclude(body_id=meeting.body_id, held_on__lt=meeting.held_on)
            .order_by("held_on")
            .first()
        )
        if approved is not None:
            errors["held_on"] = (
                f"This meeting approved the minutes of {approved}: it must stay a later meeting of the "
                "same board or group"
            )
    if errors:
        raise ValidationError(errors)


def _set(record, data: dict, names) -> None:
    unknown = set(data) - set(names)
    if unknown:
        raise ValueError(f"Unknown fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(record, name, value)


@transaction.atomic
def body_create(*, partnership: Partnership, data: dict, by: User) -> Body:
    """Add a board or sub-group; `data` holds its name and optionally its chair and vice-chair."""
    body = Body(partnership=partnership)
    _set(body, data, BODY_FIELDS)
    check_body(body)
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def body_update(*, body: Body, version: str, by: User) -> Body:
    """Save a body whose new name, chair and vice-chair are set, unless changed since `version`."""
    check_body(body)
    return save_if_unchanged(body, version=version)


@transaction.atomic
def meeting_create(*, partnership: Partnership, data: dict, by: User) -> Meeting:
    """Add a meeting of one of the partnership's bodies; `data` holds its fields (MEETING_FIELDS)."""
    meeting = Meeting(partnership=partnership)
    _set(meeting, data, MEETING_FIELDS)
    check_meeting(meeting)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, version: str, by: User) -> Meeting:
    """Save a meeting whose new values are set, unless someone saved it since `version`."""
    check_meeting(meeting)
    return save_if_unchanged(meeting, version=version)
