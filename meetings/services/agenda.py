"""Writing a meeting's agenda: its items in order, their minutes, resolutions and supporting documents."""

from django.db import transaction
from django.db.models import Max

from accounts.models import User
from meetings.models import AgendaItem, Meeting


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, data: dict, by: User) -> AgendaItem:
    """Add an item at the end of the meeting's agenda; `data` holds the item's fields (title required;
    presenter, minutes, resolution, action and board_ask optional)."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one adder at a time
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"]
    item = AgendaItem(meeting=meeting, order=(last or 0) + 1, **data)
    item.full_clean()
    item.save()
    return item
