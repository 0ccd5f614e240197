import datetime

import factory
from factory.django import DjangoModelFactory

from meetings.models import AgendaItem, BoardAction, Meeting
from tests.accounts.factories import PartnershipFactory


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    partnership = factory.SubFactory(PartnershipFactory)
    title = "Partnership board"
    body = "Partnership board"
    held_on = datetime.date(2024, 2, 29)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class BoardActionFactory(DjangoModelFactory):
    class Meta:
        model = BoardAction

    meeting = factory.SubFactory(MeetingFactory)
    description = "Circulate the risk register to the board."
