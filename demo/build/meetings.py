"""The demo's minuted meetings with their matters arising, and the Board's next meeting."""

from datetime import date, timedelta

from accounts.models import Partnership, User
from delivery.models import ReportingPeriod
from demo.build.records import upsert, validate
from demo.specs import MinutedItem
from meetings.models import AgendaItem, BoardAction, Body, Meeting

UPCOMING_MEETING_DAYS_AFTER_DEADLINE = 21
THURSDAY = 3  # boards meet on a Thursday


def meeting_build(*, partnership: Partnership, item: MinutedItem, users: dict[str, User]) -> Meeting:
    """A minuted meeting with its one agenda item and its matters arising, all done."""
    meeting = upsert(
        Meeting,
        partnership=partnership,
        title=item.title,
        held_on=item.held_on,
        defaults={"body": upsert(Body, partnership=partnership, name=item.body)},
    )
    upsert(
        AgendaItem,
        meeting=meeting,
        order=1,
        defaults={"title": item.item_title, "minutes": item.minutes, "resolution": item.resolution},
    )
    for description, owner, due_on in item.board_actions:
        upsert(
            BoardAction,
            meeting=meeting,
            description=description,
            defaults={
                "owner": users[owner] if owner else None,
                "due_on": due_on,
                "status": BoardAction.Status.DONE,
            },
        )
    return meeting


def upcoming_meeting_build(
    *,
    partnership: Partnership,
    board: str,
    location: str,
    after: date,
    open_period: ReportingPeriod | None,
    today: date,
) -> None:
    """The board's next meeting, on the Thursday three weeks or so after the open period's deadline.

    Its date moves with `today`, so the demo's earlier upcoming meeting (one after `after` with no
    agenda yet) is moved rather than repeated.
    """
    held_on = (open_period.update_deadline if open_period else today) + timedelta(
        days=UPCOMING_MEETING_DAYS_AFTER_DEADLINE
    )
    held_on += timedelta(days=(THURSDAY - held_on.weekday()) % 7)
    upcoming = (
        Meeting.objects.filter(
            partnership=partnership,
            title=board,
            held_on__gt=after,
            agenda_items__isnull=True,
        )
        .order_by("held_on")
        .first()
    )
    body = upsert(Body, partnership=partnership, name=board)
    if upcoming is None or upcoming.held_on != held_on or upcoming.body_id != body.pk:
        upcoming = upcoming or Meeting(partnership=partnership, title=board)
        upcoming.held_on = held_on
        upcoming.body = body
        upcoming.location = location
        validate(upcoming)
        upcoming.save()
