import datetime

import factory
from factory.django import DjangoModelFactory

from meetings.models import AgendaItem, Attendance, BoardAction, BoardActionNote, Body, Meeting
from tests.accounts.factories import OrganisationFactory, PartnershipFactory, UserFactory


class BodyFactory(DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ("partnership", "name")

    partnership = factory.SubFactory(PartnershipFactory)
    name = "Partnership board"


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    partnership = factory.SubFactory(PartnershipFactory)
    body = factory.SubFactory(BodyFactory, partnership=factory.SelfAttribute("..partnership"))
    title = "Partnership board"
    held_on = datetime.date(2024, 2, 29)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Faker("name")
    organisation = factory.SubFactory(
        OrganisationFactory, partnership=factory.SelfAttribute("..meeting.partnership")
    )
    status = Attendance.Status.PRESENT


class BoardActionFactory(DjangoModelFactory):
    class Meta:
        model = BoardAction

    meeting = factory.SubFactory(MeetingFactory)
    description = "Circulate the risk register to the board."


class BoardActionNoteFactory(DjangoModelFactory):
    class Meta:
        model = BoardActionNote

    board_action = factory.SubFactory(BoardActionFactory)
    text = "Sent to the chair for reading."
    author = factory.SubFactory(UserFactory)
