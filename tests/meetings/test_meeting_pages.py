from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from meetings.models import Meeting, SupportingDocument
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory
from tests.meetings.factories import AgendaItemFactory, BoardActionFactory, BodyFactory, MeetingFactory

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


def test_meeting_page_makes_the_same_queries_for_1_and_20_items(client, assert_same_queries):
    def make_rows(count):
        meeting = MeetingFactory()
        AgendaItemFactory.create_batch(count, meeting=meeting)
        BoardActionFactory.create_batch(count, meeting=meeting)
        client.force_login(MembershipFactory(partnership=meeting.partnership).user)
        return meeting.get_absolute_url()

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [response.status_code for response in responses] == [200, 200]


def test_meeting_list_shows_upcoming_soonest_first_then_past_newest_first(client):
    today = timezone.localdate()
    middle = MeetingFactory(title="Spring board", held_on=today - timedelta(days=100))
    partnership = middle.partnership
    MeetingFactory(partnership=partnership, title="Winter board", held_on=today - timedelta(days=200))
    MeetingFactory(partnership=partnership, title="Summer board", held_on=today - timedelta(days=1))
    MeetingFactory(partnership=partnership, title="Next board", held_on=today + timedelta(days=30))
    MeetingFactory(partnership=partnership, title="Today's board", held_on=today, is_virtual=True)
    client.force_login(MembershipFactory(partnership=partnership).user)

    response = client.get(reverse("meetings:meeting_list", kwargs={"slug": partnership.slug}))

    assert [meeting.title for meeting in response.context["upcoming_meetings"]] == [
        "Today's board",
        "Next board",
    ]
    assert [meeting.title for meeting in response.context["past_meetings"]] == [
        "Summer board",
        "Spring board",
        "Winter board",
    ]
    html = unescape(response.content.decode())
    assert "soonest first" in html and "newest first" in html
    assert html.index("Upcoming meetings") < html.index("Today's board") < html.index("Next board")
    assert html.index("Past meetings") < html.index("Summer board") < html.index("Spring board")
    assert "Virtual" in html and "Scheduled" in html
    assert "Add a meeting" not in html  # members read; administrators manage


def test_meeting_list_makes_the_same_queries_for_1_and_20_meetings_for_an_administrator(
    client, assert_same_queries
):
    def make_rows(count):
        first = MeetingFactory(held_on=timezone.localdate() + timedelta(days=1))
        partnership = first.partnership
        for n in range(count - 1):
            body = BodyFactory(partnership=partnership, name=f"Group {n % 3}")
            AgendaItemFactory(meeting=MeetingFactory(partnership=partnership, body=body))
        client.force_login(
            MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
        )
        return reverse("meetings:meeting_list", kwargs={"slug": partnership.slug})

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [len(response.context["meetings"]) for response in responses] == [1, 20]


def test_meeting_page_makes_the_same_queries_for_1_and_20_items_with_documents_for_an_administrator(
    client, assert_same_queries
):
    def make_rows(count):
        meeting = MeetingFactory()
        action = ActionFactory(ambition__priority__strategy__partnership=meeting.partnership)
        for item in AgendaItemFactory.create_batch(count, meeting=meeting, action=action):
            SupportingDocument.objects.create(
                agenda_item=item, title="Paper", url="https://example.org/p.pdf"
            )
        client.force_login(
            MembershipFactory(partnership=meeting.partnership, role=Membership.Role.ADMINISTRATOR).user
        )
        return meeting.get_absolute_url()

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [response.status_code for response in responses] == [200, 200]
    assert "Move down" in responses[1].content.decode()


def test_meeting_page_shows_the_body_chair_place_presenter_and_documents(client):
    chair = MembershipFactory()
    partnership = chair.partnership
    body = BodyFactory(partnership=partnership, name="Reducing Reoffending Strategic Group", chair=chair.user)
    meeting = MeetingFactory(
        partnership=partnership,
        body=body,
        location="Bromley Civic Centre",
        status=Meeting.Status.MINUTES_DRAFT,
    )
    item = AgendaItemFactory(meeting=meeting, presenter="LBB Head of Safer Communities")
    SupportingDocument.objects.create(
        agenda_item=item, title="Risk register", url="https://example.org/r.pdf"
    )
    client.force_login(MembershipFactory(partnership=partnership, role=Membership.Role.BOARD_MEMBER).user)

    html = unescape(client.get(meeting.get_absolute_url()).content.decode())

    for text in (
        "Reducing Reoffending Strategic Group",
        str(chair.user),
        "Bromley Civic Centre",
        "Minutes in draft",
        "Presented by LBB Head of Safer Communities",
        "Risk register",
    ):
        assert text in html, text
    assert "Edit meeting" not in html and "Remove" not in html
