"""core.ordering.renumber: siblings numbered 1, 2, 3 ... again, through the (parent, order) constraint."""

import pytest

from core.ordering import move_in_order, renumber
from meetings.models import AgendaItem
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def orders(meeting):
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("order").values_list("title", "order"))


def test_renumber_closes_gaps_and_saves_only_the_items_that_change():
    meeting = MeetingFactory()
    for order, title in ((1, "A"), (3, "B"), (7, "C")):
        AgendaItemFactory(meeting=meeting, order=order, title=title)

    changed = renumber(list(AgendaItem.objects.filter(meeting=meeting).order_by("order")))

    assert [item.title for item in changed] == ["B", "C"]
    assert orders(meeting) == [("A", 1), ("B", 2), ("C", 3)]


def test_renumber_follows_the_order_given_and_does_nothing_when_numbered_already():
    meeting = MeetingFactory()
    items = [
        AgendaItemFactory(meeting=meeting, order=order, title=title) for order, title in ((1, "A"), (2, "B"))
    ]

    assert renumber(items) == []
    renumber(items[::-1])

    assert orders(meeting) == [("B", 1), ("A", 2)]


def test_move_in_order_renumbers_through_renumber():
    meeting = MeetingFactory()
    items = [
        AgendaItemFactory(meeting=meeting, order=order, title=title) for order, title in ((1, "A"), (2, "B"))
    ]

    moved = move_in_order(items=items, moving=items[1], direction="up", noun="agenda item")

    assert (moved.title, moved.order) == ("B", 1)
    assert orders(meeting) == [("B", 1), ("A", 2)]


def test_renumber_lifts_above_every_order_in_use_when_one_is_0():
    meeting = MeetingFactory()
    for order, title in ((0, "A"), (2, "B")):
        AgendaItemFactory(meeting=meeting, order=order, title=title)

    renumber(list(AgendaItem.objects.filter(meeting=meeting).order_by("order")))

    assert orders(meeting) == [("A", 1), ("B", 2)]
