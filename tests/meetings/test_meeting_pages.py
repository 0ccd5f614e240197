from datetime import date

import pytest
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


def test_meeting_list_makes_the_same_queries_for_1_and_30_meetings(client, assert_same_queries):
    def make_rows(count):
        first = MeetingFactory()
        for _ in range(count - 1):
            AgendaItemFactory(meeting=MeetingFactory(partnership=first.partnership))
        client.force_login(MembershipFactory(partnership=first.partnership).user)
        return reverse("meetings:meeting_list", kwargs={"slug": first.partnership.slug})

    responses = assert_same_queries(make_rows, client.get, many=30)

    assert [len(response.context["meetings"]) for response in responses] == [1, 30]


def test_meeting_page_makes_the_same_queries_for_1_and_20_items(client, assert_same_queries):
    def make_rows(count):
        meeting = MeetingFactory()
        AgendaItemFactory.create_batch(count, meeting=meeting)
        BoardActionFactory.create_batch(count, meeting=meeting)
        client.force_login(MembershipFactory(partnership=meeting.partnership).user)
        return meeting.get_absolute_url()

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [response.status_code for response in responses] == [200, 200]


def test_meeting_list_runs_newest_first_as_its_caption_says(client):
    middle = MeetingFactory(title="Spring board", held_on=date(2026, 4, 14))
    partnership = middle.partnership
    MeetingFactory(partnership=partnership, title="Winter board", held_on=date(2026, 1, 20))
    MeetingFactory(partnership=partnership, title="Summer board", held_on=date(2026, 7, 7))
    client.force_login(MembershipFactory(partnership=partnership).user)

    response = client.get(reverse("meetings:meeting_list", kwargs={"slug": partnership.slug}))

    assert [meeting.title for meeting in response.context["meetings"]] == [
        "Summer board",
        "Spring board",
        "Winter board",
    ]
    html = response.content.decode()
    assert "newest first" in html
    assert html.index("Summer board") < html.index("Spring board") < html.index("Winter board")
