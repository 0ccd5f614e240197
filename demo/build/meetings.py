"""The demo's minuted meetings with their attendance and board actions, and each body's next meeting."""

from datetime import date, timedelta

from accounts.models import Organisation, Partnership, User
from delivery.models import ReportingPeriod
from demo.build.records import upsert, validate
from demo.specs import BoardActionSpec, MeetingSpec
from meetings.models import AgendaItem, Attendance, BoardAction, Body, Meeting
from priorities.models import Priority

UPCOMING_MEETING_DAYS_AFTER_DEADLINE = 21
THURSDAY = 3  # boards meet on a Thursday


def body_build(*, partnership: Partnership, spec: MeetingSpec, users: dict[str, User]) -> Body:
    """The meeting's body, with the chair and vice-chair the spec gives (others left as they are)."""
    defaults = {}
    if spec.chair:
        defaults["chair"] = users[spec.chair]
    if spec.vice_chair:
        defaults["vice_chair"] = users[spec.vice_chair]
    return upsert(Body, partnership=partnership, name=spec.body, defaults=defaults)


def board_action_build(
    *,
    meeting: Meeting,
    item: AgendaItem,
    spec: BoardActionSpec,
    users: dict[str, User],
    organisations: dict[str, Organisation],
) -> BoardAction:
    priority = None
    if spec.priority:
        strategy_title, priority_title = spec.priority
        priority = Priority.objects.get(
            strategy__partnership=meeting.partnership_id,
            strategy__title=strategy_title,
            title=priority_title,
        )
    return upsert(
        BoardAction,
        meeting=meeting,
        description=spec.description,
        defaults={
            "agenda_item": item,
            "owner": users[spec.owner] if spec.owner else None,
            "owner_organisation": organisations[spec.owner_organisation] if spec.owner_organisation else None,
            "due_on": spec.due_on,
            "status": spec.status,
            "priority": priority,
        },
    )


def meeting_build(
    *,
    partnership: Partnership,
    spec: MeetingSpec,
    users: dict[str, User],
    organisations: dict[str, Organisation],
) -> Meeting:
    """A minuted meeting with its agenda items in order, its attendance and its board actions."""
    meeting = upsert(
        Meeting,
        partnership=partnership,
        title=spec.title,
        held_on=spec.held_on,
        defaults={
            "body": body_build(partnership=partnership, spec=spec, users=users),
            "starts_at": spec.starts_at,
            "location": spec.location,
            "is_virtual": spec.is_virtual,
            "status": spec.status,
        },
    )
    for order, item_spec in enumerate(spec.items, start=1):
        item = upsert(
            AgendaItem,
            meeting=meeting,
            order=order,
            defaults={
                "title": item_spec.title,
                "presenter": item_spec.presenter,
                "minutes": item_spec.minutes,
                "resolution": item_spec.resolution,
            },
        )
        for action_spec in item_spec.board_actions:
            board_action_build(
                meeting=meeting, item=item, spec=action_spec, users=users, organisations=organisations
            )
    for attendance in spec.attendance:
        upsert(
            Attendance,
            meeting=meeting,
            name=attendance.name,
            organisation=organisations[attendance.organisation],
            defaults={
                "person": users[attendance.username] if attendance.username else None,
                "status": attendance.status,
                "substitute": attendance.substitute,
            },
        )
    return meeting


def upcoming_meeting_build(
    *,
    partnership: Partnership,
    body: str,
    location: str,
    after: date,
    open_period: ReportingPeriod | None,
    today: date,
    days_after_deadline: int = UPCOMING_MEETING_DAYS_AFTER_DEADLINE,
) -> Meeting:
    """The body's next meeting, on the Thursday `days_after_deadline` or so after the open period's
    deadline, so always in the future of the open period; it is scheduled, with no agenda yet.

    Its date moves with `today`, so the demo's earlier upcoming meeting (one after `after` with no
    agenda yet) is moved rather than repeated.
    """
    held_on = (open_period.update_deadline if open_period else today) + timedelta(days=days_after_deadline)
    held_on += timedelta(days=(THURSDAY - held_on.weekday()) % 7)
    upcoming = (
        Meeting.objects.filter(
            partnership=partnership,
            title=body,
            held_on__gt=after,
            agenda_items__isnull=True,
        )
        .order_by("held_on")
        .first()
    )
    the_body = upsert(Body, partnership=partnership, name=body)
    if upcoming is None or upcoming.held_on != held_on or upcoming.body_id != the_body.pk:
        upcoming = upcoming or Meeting(partnership=partnership, title=body)
        upcoming.held_on = held_on
        upcoming.body = the_body
        upcoming.location = location
        upcoming.status = Meeting.Status.SCHEDULED
        validate(upcoming)
        upcoming.save()
    return upcoming
