"""Writing a meeting's agenda: its items in order, their minutes, resolutions and supporting documents."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import User
from core.conflicts import save_if_unchanged
from core.ordering import move_in_order, renumber
from meetings.models import AgendaItem, Meeting, SupportingDocument
from meetings.services import coherence
from meetings.services.coherence import refuse_outside

BOTH_MESSAGE = "Upload a file or give a link, not both"
NEITHER_MESSAGE = "Upload a file or give a link to the document"


def check_agenda_item(item: AgendaItem) -> None:
    """Refuse a delivery-plan action or a board ask of another partnership than the meeting's."""
    partnership_id = item.meeting.partnership_id
    refuse_outside(
        [
            (
                "action",
                item.action_id,
                coherence.actions(partnership_id),
                "Choose a delivery-plan action of this partnership",
            ),
            (
                "board_ask",
                item.board_ask_id,
                coherence.board_asks(partnership_id),
                "Choose a board ask of this partnership",
            ),
        ]
    )


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, data: dict, by: User) -> AgendaItem:
    """Add an item at the end of the meeting's agenda; `data` holds the item's fields (title required;
    presenter, minutes, resolution, action and board_ask optional)."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one adder at a time
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"]
    item = AgendaItem(meeting=meeting, order=(last or 0) + 1, **data)
    check_agenda_item(item)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, version: str, by: User) -> AgendaItem:
    """Save an item whose new title, presenter, minutes, resolution and action are set, unless someone
    saved it since its form was opened at `version`."""
    check_agenda_item(item)
    return save_if_unchanged(item, version=version)


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str) -> AgendaItem:
    """Move an item up or down its meeting's agenda; the items are numbered 1, 2, 3 ... again."""
    Meeting.objects.select_for_update().filter(pk=item.meeting_id).first()  # one change of order at a time
    items = list(AgendaItem.objects.select_for_update().filter(meeting_id=item.meeting_id).order_by("order"))
    return move_in_order(items=items, moving=item, direction=direction, noun="agenda item")


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: User) -> None:
    """Remove an item, its documents (and their files) with it, and number the rest 1, 2, 3 ... again."""
    Meeting.objects.select_for_update().filter(pk=item.meeting_id).first()  # one change of order at a time
    files = [document.file for document in item.documents.exclude(file="")]
    meeting_id = item.meeting_id
    item.delete()
    renumber(
        list(AgendaItem.objects.filter(meeting_id=meeting_id).order_by("order")),
        reason="Renumbered to {position} after an item was removed",
    )
    transaction.on_commit(lambda: [file.storage.delete(file.name) for file in files])


@transaction.atomic
def document_add(*, agenda_item: AgendaItem, data: dict, by: User) -> SupportingDocument:
    """Add a supporting document to an item: `data` holds its title and either an uploaded `file` or a
    `url`, not both. The model refuses other file types and files over its size limit."""
    document = SupportingDocument(agenda_item=agenda_item, **data)
    has_file, has_url = bool(document.file), bool(document.url)
    if has_file and has_url:
        raise ValidationError({"url": BOTH_MESSAGE})
    if not (has_file or has_url):
        raise ValidationError({"file": NEITHER_MESSAGE})
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def document_remove(*, document: SupportingDocument, by: User) -> None:
    """Remove a supporting document, and its file once the removal is committed."""
    file = document.file
    document.delete()
    if file:
        name, storage = file.name, file.storage
        transaction.on_commit(lambda: storage.delete(name))
