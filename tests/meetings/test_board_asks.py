"""From report to agenda (issue 12, item 4): the meeting page lists the exception reports published to it
and their board asks; an administrator turns an ask into an agenda item or a board action in one step,
once, linked both ways."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership
from core.ratings import Rating
from meetings.models import AgendaItem, BoardAction
from reports.services import exception_report_publish
from tests.accounts.factories import MembershipFactory
from tests.delivery.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory
from tests.priorities.factories import PriorityFactory, StrategicAmbitionFactory, StrategyFactory

pytestmark = pytest.mark.django_db

SUBMITTED = datetime.datetime(2026, 7, 20, 9, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 7, 25)


def make_world(asks=("Agree to fund a second advocate.",), title="Independent advocate service"):
    """A partnership whose Q1 report, published to a meeting, carries one board ask per text given."""
    strategy = StrategyFactory()
    partnership = strategy.partnership
    admin = MembershipFactory(partnership=partnership, role=Membership.Role.ADMINISTRATOR).user
    period = ReportingPeriodFactory(
        partnership=partnership,
        name="Q1 2026/27",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 6, 30),
        update_deadline=datetime.date(2026, 7, 31),
    )
    ambition = StrategicAmbitionFactory(priority=PriorityFactory(strategy=strategy, order=1), order=1)
    updates = []
    for order, ask in enumerate(asks, start=1):
        action = ActionFactory(ambition=ambition, order=order, title=title, due_on=datetime.date(2027, 3, 31))
        updates.append(
            ProgressUpdateFactory(
                action=action, period=period, rating=Rating.GREEN, board_ask=ask, submitted_at=SUBMITTED
            )
        )
    meeting = MeetingFactory(partnership=partnership, held_on=datetime.date(2026, 9, 10))
    AgendaItemFactory(meeting=meeting, order=1, title="Welcome")
    AgendaItemFactory(meeting=meeting, order=2, title="Minutes of the last meeting")
    report = exception_report_publish(
        partnership=partnership, period=period, meeting=meeting, published_by=admin, today=TODAY
    )
    return {
        "partnership": partnership,
        "admin": admin,
        "meeting": meeting,
        "report": report,
        "updates": updates,
        "update": updates[0],
    }


@pytest.fixture
def world():
    return make_world()


def conversion_url(world, kind, *, meeting=None, update=None):
    meeting = meeting or world["meeting"]
    update = update or world["update"]
    return reverse(
        f"meetings:meeting_board_ask_{kind}",
        kwargs={"slug": meeting.partnership.slug, "pk": meeting.pk, "update_pk": update.pk},
    )


def page(client, world):
    return client.get(world["meeting"].get_absolute_url()).content.decode()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# The meeting page


def test_the_report_keeps_the_update_behind_each_board_ask(world):
    items = [i for s in world["report"].content["sections"] for a in s["ambitions"] for i in a["items"]]
    assert [(i["board_ask"], i["update_pk"]) for i in items] == [
        ("Agree to fund a second advocate.", world["update"].pk)
    ]


def test_administrators_see_each_board_ask_with_its_two_buttons(client, world):
    client.force_login(world["admin"])
    html = page(client, world)

    assert 'id="board-asks"' in html
    assert "Exception report for Q1 2026/27, version 1" in html
    assert "Board ask on 1.1.1 Independent advocate service" in html
    assert "Agree to fund a second advocate." in html
    assert conversion_url(world, "agenda_item") in html
    assert conversion_url(world, "board_action") in html
    assert "Add to the agenda" in html and "Raise a board action" in html


def test_members_see_the_board_asks_without_buttons(client, world):
    client.force_login(MembershipFactory(partnership=world["partnership"]).user)
    html = page(client, world)

    assert "Agree to fund a second advocate." in html
    assert "Add to the agenda" not in html
    assert "Raise a board action" not in html


def test_reports_published_before_the_update_was_kept_offer_no_buttons(client, world):
    report = world["report"]
    for section in report.content["sections"]:
        for ambition in section["ambitions"]:
            for item in ambition["items"]:
                del item["update_pk"]
    report.save()
    client.force_login(world["admin"])
    html = page(client, world)

    assert "Agree to fund a second advocate." in html
    assert "Add to the agenda" not in html


def test_board_ask_text_is_shown_as_text(client):
    world = make_world(asks=["<script>alert('x')</script> fund it"], title="<b>Bold</b> plan")
    client.force_login(world["admin"])
    html = page(client, world)

    assert "<script>alert" not in html
    assert escape("<script>alert('x')</script> fund it") in html


def test_meeting_page_makes_the_same_queries_for_1_and_12_board_asks(client, assert_same_queries):
    def make_rows(count):
        world = make_world(asks=[f"Ask number {n}" for n in range(count)])
        for update in world["updates"][::2]:
            client.force_login(world["admin"])
            client.post(conversion_url(world, "agenda_item", update=update))
            client.post(conversion_url(world, "board_action", update=update))
        client.force_login(world["admin"])
        return world["meeting"].get_absolute_url()

    responses = assert_same_queries(make_rows, client.get, many=12)

    assert [len(r.context["reports_with_asks"][0].asks) for r in responses] == [1, 12]


# Add to the agenda


def test_a_board_ask_becomes_the_last_agenda_item_linked_both_ways(client, world):
    client.force_login(world["admin"])
    response = client.post(conversion_url(world, "agenda_item"))

    assert response.status_code == 302
    assert response["Location"] == world["meeting"].get_absolute_url() + "#board-asks"
    item = AgendaItem.objects.get(board_ask=world["update"])
    assert (item.meeting, item.order) == (world["meeting"], 3)
    assert item.action == world["update"].action
    assert item.title == "Board ask: 1.1.1 Independent advocate service"
    assert messages_of(response) == ["The board ask on 1.1.1 is on the agenda as item 3."]

    html = page(client, world)
    assert "On the agenda as item 3." in html
    assert "Add to the agenda" not in html
    assert "Raise a board action" in html


def test_a_second_agenda_item_for_the_same_ask_is_refused(client, world):
    client.force_login(world["admin"])
    client.post(conversion_url(world, "agenda_item"))
    response = client.post(conversion_url(world, "agenda_item"))

    assert response.status_code == 302
    assert messages_of(response)[-1] == "This board ask is already on the agenda as item 3."
    assert AgendaItem.objects.filter(board_ask=world["update"]).count() == 1


def test_a_very_long_title_is_cut_to_fit_the_agenda(client):
    world = make_world(title="Long " * 59 + "end")  # 298 characters, as long as an action title may be
    client.force_login(world["admin"])
    client.post(conversion_url(world, "agenda_item"))

    item = AgendaItem.objects.get(board_ask=world["update"])
    assert len(item.title) == 300 and item.title.endswith("…")


# Raise a board action


def test_a_board_ask_becomes_a_board_action_linked_both_ways(client, world):
    client.force_login(world["admin"])
    client.post(conversion_url(world, "agenda_item"))
    response = client.post(conversion_url(world, "board_action"))

    board_action = BoardAction.objects.get(board_ask=world["update"])
    assert board_action.meeting == world["meeting"]
    assert board_action.description == "Agree to fund a second advocate."
    assert board_action.action == world["update"].action
    assert board_action.agenda_item == AgendaItem.objects.get(board_ask=world["update"])
    assert messages_of(response)[-1] == "Board action raised from the board ask on 1.1.1."

    html = page(client, world)
    assert "Board action raised" in html
    assert "Raise a board action" not in html
    assert "Add to the agenda" not in html


def test_a_second_board_action_for_the_same_ask_is_refused_at_any_meeting(client, world):
    client.force_login(world["admin"])
    client.post(conversion_url(world, "board_action"))
    again = client.post(conversion_url(world, "board_action"))
    later = MeetingFactory(partnership=world["partnership"], body=world["meeting"].body)
    exception_report_publish(
        partnership=world["partnership"],
        period=world["update"].period,
        meeting=later,
        published_by=world["admin"],
        today=TODAY,
    )
    elsewhere = client.post(conversion_url(world, "board_action", meeting=later))

    assert messages_of(again)[-1] == "A board action was already raised from this board ask at this meeting."
    assert messages_of(elsewhere)[-1].startswith("A board action was already raised from this board ask at ")
    assert BoardAction.objects.filter(board_ask=world["update"]).count() == 1
    assert BoardAction.objects.get(board_ask=world["update"]).agenda_item is None


def test_an_update_with_no_board_ask_is_refused(client, world):
    update = world["update"]
    update.board_ask = ""
    update.save()
    client.force_login(world["admin"])
    response = client.post(conversion_url(world, "agenda_item"))

    assert messages_of(response) == ["This progress update asks the board for nothing."]
    assert not AgendaItem.objects.filter(board_ask=update).exists()


@pytest.mark.parametrize("kind", ["agenda_item", "board_action"])
def test_an_ask_in_no_report_published_to_the_meeting_is_refused(client, world, kind):
    """Another meeting of the partnership, and an update of the partnership whose ask no report to
    this meeting carries: each refused with a message, nothing made."""
    other_meeting = MeetingFactory(partnership=world["partnership"], body=world["meeting"].body)
    unreported = ProgressUpdateFactory(
        action=ActionFactory(ambition=world["update"].action.ambition, order=9),
        period=world["update"].period,
        board_ask="Asked after the report was published.",
        submitted_at=SUBMITTED,
    )
    client.force_login(world["admin"])

    responses = [
        client.post(conversion_url(world, kind, meeting=other_meeting)),
        client.post(conversion_url(world, kind, update=unreported)),
    ]

    assert [response.status_code for response in responses] == [302, 302]
    assert [messages_of(response)[-1] for response in responses] == [
        "This board ask is not in an exception report published to this meeting."
    ] * 2
    assert not AgendaItem.objects.filter(board_ask__isnull=False).exists()
    assert not BoardAction.objects.filter(board_ask__isnull=False).exists()


def test_the_report_lists_its_items_in_order(world):
    assert [item["update_pk"] for item in world["report"].items()] == [world["update"].pk]


# Who may


@pytest.mark.parametrize("kind", ["agenda_item", "board_action"])
@pytest.mark.parametrize("role", [Membership.Role.OFFICER, Membership.Role.BOARD_MEMBER])
def test_only_administrators_convert(client, world, kind, role):
    client.force_login(MembershipFactory(partnership=world["partnership"], role=role).user)

    assert client.post(conversion_url(world, kind)).status_code == 403
    assert not AgendaItem.objects.filter(board_ask=world["update"]).exists()
    assert not BoardAction.objects.filter(board_ask=world["update"]).exists()


@pytest.mark.parametrize("kind", ["agenda_item", "board_action"])
def test_conversions_take_post_only(client, world, kind):
    client.force_login(world["admin"])
    assert client.get(conversion_url(world, kind)).status_code == 405


@pytest.mark.parametrize("kind", ["agenda_item", "board_action"])
def test_another_partnerships_update_or_meeting_is_404(client, world, kind):
    theirs = make_world()
    client.force_login(world["admin"])

    foreign_update = client.post(conversion_url(world, kind, update=theirs["update"]))
    foreign_meeting = client.post(
        reverse(
            f"meetings:meeting_board_ask_{kind}",
            kwargs={
                "slug": world["partnership"].slug,
                "pk": theirs["meeting"].pk,
                "update_pk": world["update"].pk,
            },
        )
    )

    assert foreign_update.status_code == foreign_meeting.status_code == 404
    assert not AgendaItem.objects.filter(board_ask__isnull=False).exists()
    assert not BoardAction.objects.filter(board_ask__isnull=False).exists()


def test_the_board_asks_page_links_to_what_the_meeting_made_of_each_ask(client, world):
    client.force_login(world["admin"])
    client.post(conversion_url(world, "agenda_item"))
    client.post(conversion_url(world, "board_action"))
    url = reverse("reports:board_asks", kwargs={"slug": world["partnership"].slug})

    html = client.get(url, {"period": world["update"].period_id}).content.decode()

    meeting_url = world["meeting"].get_absolute_url() + "#board-asks"
    assert f'On the agenda of <a class="govuk-link" href="{meeting_url}">' in html
    assert "as item 3" in html
    assert f'Board action raised at <a class="govuk-link" href="{meeting_url}">' in html
