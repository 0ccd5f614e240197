"""The agenda and minutes for print and as Word, in the shape councils publish."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from docx import Document

from accounts.models import Membership, ProtectiveMarking
from core.dates import clock_time
from meetings.exports import meeting_file_name, meeting_paper
from meetings.models import Attendance, BoardAction, Meeting
from tests.accounts.factories import MembershipFactory, OrganisationFactory, PartnershipFactory
from tests.meetings.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    BoardActionFactory,
    BodyFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db

RESOLUTION = "RESOLVED that the update regarding the Draft SBP Strategy (2024-27) be noted."


def a_minuted_meeting(*, status=Meeting.Status.MINUTES_APPROVED, marking=ProtectiveMarking.OFFICIAL):
    partnership = PartnershipFactory(
        name="Safer Bromley Partnership", slug="safer-bromley", protective_marking=marking
    )
    body = BodyFactory(partnership=partnership, name="Safer Bromley Partnership Board")
    earlier = MeetingFactory(partnership=partnership, body=body, held_on=datetime.date(2023, 6, 1))
    meeting = MeetingFactory(
        partnership=partnership,
        body=body,
        title="Safer Bromley Partnership Board",
        held_on=datetime.date(2023, 11, 28),
        starts_at=datetime.time(14, 0),
        location="Bromley Civic Centre",
        status=status,
    )
    item = AgendaItemFactory(
        meeting=meeting,
        order=1,
        title="Draft SBP Strategy Outline and Delivery Plan",
        presenter="LBB Project Manager for Public Protection",
        minutes="The Board discussed the draft plan.\n\nIt was noted that a local definition was required.",
        resolution=RESOLUTION,
    )
    police = OrganisationFactory(
        partnership=partnership, name="Metropolitan Police Service", short_name="MPS"
    )
    AttendanceFactory(meeting=meeting, name="Superintendent Baldock", organisation=police)
    AttendanceFactory(
        meeting=meeting,
        name="Chief Inspector Dawson",
        organisation=police,
        status=Attendance.Status.APOLOGIES,
    )
    BoardActionFactory(meeting=earlier, description="Write elder abuse into the plan.")
    BoardActionFactory(meeting=earlier, description="A closed one.", status=BoardAction.Status.DONE)
    BoardActionFactory(meeting=meeting, agenda_item=item, description="Disseminate the risk register.")
    return meeting


def signed_in(client, meeting, role=Membership.Role.BOARD_MEMBER):
    client.force_login(MembershipFactory(partnership=meeting.partnership, role=role).user)


def url(name, meeting):
    return reverse(name, kwargs={"slug": meeting.partnership.slug, "pk": meeting.pk})


def docx_text(response) -> tuple[list[str], list[tuple[str, bool]], list[str], list[list[str]]]:
    """(headings, (paragraph, all bold), header and footer text, table rows) of a .docx response."""
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    paragraphs = [
        (p.text, bool(p.runs) and all(run.bold for run in p.runs)) for p in document.paragraphs if p.text
    ]
    section = document.sections[0]
    margins = [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return headings, paragraphs, margins, rows


def test_the_minutes_docx_reads_as_councils_publish_them(client):
    meeting = a_minuted_meeting(marking=ProtectiveMarking.OFFICIAL_SENSITIVE)
    signed_in(client, meeting)

    response = client.get(url("meetings:meeting_minutes_docx", meeting))
    headings, paragraphs, margins, rows = docx_text(response)
    texts = [text for text, _ in paragraphs]

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        'attachment; filename="safer-bromley-board-2023-11-28-minutes.docx"'
    )
    assert "Safer Bromley Partnership Board: Minutes" in headings
    assert "Agenda item 1" in headings
    assert "Draft SBP Strategy Outline and Delivery Plan" in headings
    assert "Safer Bromley Partnership" in texts
    assert "Date: 28 November 2023" in texts
    assert "Time: 2pm" in texts
    assert "Place: Bromley Civic Centre" in texts
    assert "Presented by: LBB Project Manager for Public Protection" in texts
    assert ("Minutes:", True) in paragraphs
    assert ("The Board discussed the draft plan.", False) in paragraphs
    assert ("It was noted that a local definition was required.", False) in paragraphs
    assert (RESOLUTION, True) in paragraphs
    assert texts.index("Minutes:") < texts.index(RESOLUTION)
    assert "Present" in headings and "Apologies" in headings
    assert "Superintendent Baldock (MPS)" in texts
    assert "Chief Inspector Dawson (MPS)" in texts
    assert margins[0] == "OFFICIAL-SENSITIVE"
    assert margins[1:] == [
        "Safer Bromley Partnership Board: minutes, 28 November 2023\tPage  of ",
        "OFFICIAL-SENSITIVE",
    ]
    assert not any("DRAFT" in text for text in texts + margins)
    # Matters arising: only the open action from the earlier meeting; then this meeting's actions.
    assert "Matters arising" in headings and "Board actions" in headings
    descriptions = [row[0] for row in rows]
    assert "Write elder abuse into the plan." in descriptions
    assert "A closed one." not in descriptions
    assert "Disseminate the risk register." in descriptions
    assert rows[0] == ["What", "Owner", "Raised", "Due", "Status"]


@pytest.mark.parametrize("status", [Meeting.Status.HELD, Meeting.Status.MINUTES_DRAFT])
def test_minutes_not_yet_approved_say_draft_at_top_and_bottom(client, status):
    meeting = a_minuted_meeting(status=status)
    signed_in(client, meeting)

    _, paragraphs, margins, _ = docx_text(client.get(url("meetings:meeting_minutes_docx", meeting)))
    html = client.get(url("meetings:meeting_minutes", meeting)).content.decode()

    # Worded as the board paper words it (core.text.running_head), in Word and on the print page.
    assert [margins[0], margins[-1]] == ["OFFICIAL – DRAFT", "OFFICIAL – DRAFT"]
    assert ("DRAFT: these minutes are not yet approved.", True) in paragraphs
    assert html.count(">OFFICIAL – DRAFT<") == 2
    assert "DRAFT: these minutes are not yet approved." in html


def test_the_agenda_docx_lists_the_items_without_minutes_or_draft(client):
    meeting = a_minuted_meeting(status=Meeting.Status.SCHEDULED)
    signed_in(client, meeting)

    response = client.get(url("meetings:meeting_agenda_docx", meeting))
    headings, paragraphs, margins, _ = docx_text(response)
    texts = [text for text, _ in paragraphs]

    assert response["Content-Disposition"].endswith('filename="safer-bromley-board-2023-11-28-agenda.docx"')
    assert "Safer Bromley Partnership Board: Agenda" in headings
    assert "Agenda item 1" in headings
    assert "Minutes:" not in texts
    assert RESOLUTION not in texts
    assert [margins[0], margins[-1]] == ["OFFICIAL", "OFFICIAL"]
    assert "Matters arising" in headings


def test_the_print_pages_show_the_paper_and_link_to_the_word_file(client):
    meeting = a_minuted_meeting()
    signed_in(client, meeting, role=Membership.Role.OFFICER)

    minutes = client.get(url("meetings:meeting_minutes", meeting)).content.decode()
    agenda = client.get(url("meetings:meeting_agenda", meeting)).content.decode()

    for html in (minutes, agenda):
        assert "Agenda item 1" in html
        assert "Draft SBP Strategy Outline and Delivery Plan" in html
        assert html.count(">OFFICIAL<") == 2
        assert "Write elder abuse into the plan." in html
        assert "DRAFT" not in html
    assert "Minutes:" in minutes
    assert f'<p class="govuk-body govuk-!-font-weight-bold">{escape(RESOLUTION)}</p>' in minutes
    assert url("meetings:meeting_minutes_docx", meeting) in minutes
    assert "Minutes:" not in agenda
    assert escape(RESOLUTION) not in agenda
    assert url("meetings:meeting_agenda_docx", meeting) in agenda


def test_the_meeting_page_links_to_the_downloads(client):
    meeting = a_minuted_meeting()
    signed_in(client, meeting)

    html = client.get(meeting.get_absolute_url()).content.decode()

    for name in ("meeting_agenda", "meeting_agenda_docx", "meeting_minutes", "meeting_minutes_docx"):
        assert url(f"meetings:{name}", meeting) in html


def test_hostile_text_is_printed_as_text_and_kept_in_word(client):
    meeting = a_minuted_meeting()
    item = meeting.agenda_items.get()
    item.title = "<script>alert(1)</script> Ｒｅｓｏｌｖｅｄ " + "x" * 250
    item.minutes = "<b>bold?</b> ‮ reversed\nline two"
    item.save()
    signed_in(client, meeting)

    html = client.get(url("meetings:meeting_minutes", meeting)).content.decode()
    headings, paragraphs, _, _ = docx_text(client.get(url("meetings:meeting_minutes_docx", meeting)))

    assert "<script>alert(1)</script>" not in html
    assert escape("<script>alert(1)</script>") in html
    assert escape("<b>bold?</b>") in html
    assert item.title in headings
    assert ("<b>bold?</b> ‮ reversed\nline two", False) in paragraphs


def test_other_partnerships_cannot_reach_the_papers(client):
    meeting = a_minuted_meeting()
    client.force_login(MembershipFactory().user)

    for name in ("meeting_agenda", "meeting_agenda_docx", "meeting_minutes", "meeting_minutes_docx"):
        assert client.get(url(f"meetings:{name}", meeting)).status_code == 404


def test_papers_make_the_same_queries_for_1_and_20_rows(client, assert_same_queries):
    def make_rows(count):
        meeting = MeetingFactory()
        earlier = MeetingFactory(
            partnership=meeting.partnership, body=meeting.body, held_on=datetime.date(2023, 1, 1)
        )
        AgendaItemFactory.create_batch(count, meeting=meeting)
        AttendanceFactory.create_batch(count, meeting=meeting)
        BoardActionFactory.create_batch(count, meeting=meeting)
        BoardActionFactory.create_batch(count, meeting=earlier)
        client.force_login(MembershipFactory(partnership=meeting.partnership).user)
        return url("meetings:meeting_minutes", meeting)

    responses = assert_same_queries(make_rows, client.get, many=20)

    assert [response.status_code for response in responses] == [200, 200]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Safer Bromley Partnership Strategic Group", "safer-bromley-strategic-group-2016-07-12-minutes"),
        (
            "Reducing Reoffending Group (RRG)",
            "safer-bromley-reducing-reoffending-group-rrg-2016-07-12-minutes",
        ),
        ("Safer Bromley Partnership", "safer-bromley-meeting-2016-07-12-minutes"),
    ],
)
def test_file_names_have_partnership_body_date_and_no_spaces(body, expected):
    partnership = PartnershipFactory(name="Safer Bromley Partnership", slug="safer-bromley")
    meeting = MeetingFactory(
        partnership=partnership,
        body=BodyFactory(partnership=partnership, name=body),
        held_on=datetime.date(2016, 7, 12),
    )

    assert meeting_file_name(meeting, kind="minutes") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.time(10, 0), "10am"),
        (datetime.time(14, 30), "2:30pm"),
        (datetime.time(12, 0), "midday"),
        (datetime.time(0, 15), "12:15am"),
    ],
)
def test_times_are_written_the_gov_uk_way(value, expected):
    assert clock_time(value) == expected


@pytest.mark.parametrize(
    ("location", "is_virtual", "starts_at", "place", "time"),
    [
        ("Bromley Civic Centre", False, datetime.time(14, 30), "Bromley Civic Centre", "2:30pm"),
        ("Bromley Civic Centre", True, datetime.time(10, 0), "Bromley Civic Centre, and online", "10am"),
        ("", True, datetime.time(12, 0), "Virtual meeting (online)", "midday"),
        ("", False, None, "To be confirmed", ""),
    ],
)
def test_the_place_and_time_read_the_same_on_the_pages_and_in_word(
    client, location, is_virtual, starts_at, place, time
):
    meeting = MeetingFactory(location=location, is_virtual=is_virtual, starts_at=starts_at)
    signed_in(client, meeting)

    detail = client.get(meeting.get_absolute_url()).content.decode()
    listing = client.get(reverse("meetings:meeting_list", kwargs={"slug": meeting.partnership.slug})).content
    _, paragraphs, _, _ = docx_text(client.get(url("meetings:meeting_agenda_docx", meeting)))
    texts = [text for text, _ in paragraphs]

    assert (meeting.place_in_words, meeting.starts_in_words) == (place, time)
    assert escape(place) in detail and escape(place) in listing.decode()
    assert f"Place: {place}" in texts
    if time:
        assert f"Time: {time}" in texts
        assert time in detail and time in listing.decode()
    else:
        assert not any(text.startswith("Time:") for text in texts)
    assert "and virtual" not in detail and "Place not given" not in detail


def test_matters_arising_in_word_are_the_meeting_pages_in_the_same_order(client):
    meeting = a_minuted_meeting()
    partnership, body = meeting.partnership, meeting.body
    older = MeetingFactory(partnership=partnership, body=body, held_on=datetime.date(2023, 1, 10))
    BoardActionFactory(meeting=older, description="Due later.", due_on=datetime.date(2024, 6, 1))
    BoardActionFactory(meeting=older, description="No due date.", due_on=None)
    BoardActionFactory(meeting=older, description="Due sooner.", due_on=datetime.date(2023, 3, 1))
    # Another partnership's open action on a body of the same name and an earlier date is not ours.
    theirs = MeetingFactory(held_on=datetime.date(2022, 1, 1))
    BoardActionFactory(meeting=theirs, description="Someone else's action.")
    signed_in(client, meeting)

    page = client.get(meeting.get_absolute_url())
    _, _, _, rows = docx_text(client.get(url("meetings:meeting_minutes_docx", meeting)))
    on_the_page = [board_action.description for board_action in page.context["matters_arising"]]
    in_the_paper = [row["cells"][0] for row in meeting_paper(meeting, kind="minutes")["matters_arising"]]

    assert on_the_page == ["Due sooner.", "Due later.", "No due date.", "Write elder abuse into the plan."]
    assert in_the_paper == on_the_page
    docx_descriptions = [row[0] for row in rows]
    assert docx_descriptions[1 : 1 + len(on_the_page)] == on_the_page
    assert "Someone else's action." not in docx_descriptions
