import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import MembershipFactory
from tests.meetings.factories import AgendaItemFactory, BoardActionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_meeting_page_shows_minutes_resolutions_and_action_log(client):
    item = AgendaItemFactory(
        title="Draft strategy",
        minutes="The Board discussed the draft plan on a page.",
        resolution="RESOLVED that the update be noted.",
    )
    BoardActionFactory(meeting=item.meeting, description="Circulate the risk register.")
    client.force_login(MembershipFactory(partnership=item.meeting.partnership).user)

    html = client.get(item.meeting.get_absolute_url()).content.decode()

    assert "The Board discussed the draft plan on a page." in html
    assert "RESOLVED that the update be noted." in html
    assert "Circulate the risk register." in html


def test_meeting_list_makes_the_same_queries_for_1_and_30_meetings(client):
    def count_queries(meetings):
        first = MeetingFactory()
        for _ in range(meetings - 1):
            AgendaItemFactory(meeting=MeetingFactory(partnership=first.partnership))
        client.force_login(MembershipFactory(partnership=first.partnership).user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("meetings:meeting_list", kwargs={"slug": first.partnership.slug}))
        assert len(response.context["meetings"]) == meetings
        return len(queries)

    assert count_queries(1) == count_queries(30)


def test_meeting_page_makes_the_same_queries_for_1_and_20_items(client):
    def count_queries(items):
        meeting = MeetingFactory()
        AgendaItemFactory.create_batch(items, meeting=meeting)
        BoardActionFactory.create_batch(items, meeting=meeting)
        client.force_login(MembershipFactory(partnership=meeting.partnership).user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        return len(queries)

    assert count_queries(1) == count_queries(20)
