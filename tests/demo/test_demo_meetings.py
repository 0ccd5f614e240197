"""The demo's meetings: the two seed meetings as minuted, their board actions, and each body's next meeting."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document

from accounts.models import User
from demo.data.safer_bromley_minutes import ELDERLY_REQUEST, RISK_REGISTER_DISSEMINATION
from meetings.models import Attendance, BoardAction, Body, Meeting
from tests.demo.test_load_demo import TODAY, load_demo, row_counts

STRATEGIC_GROUP = "Safer Bromley Partnership Strategic Group"
BOARD = "Safer Bromley Partnership Board"

pytestmark = pytest.mark.django_db


def minuted(body: str) -> Meeting:
    return Meeting.objects.get(partnership__slug="safer-bromley", body__name=body, agenda_items__isnull=False)


def upcoming(body: str) -> Meeting:
    return Meeting.objects.get(partnership__slug="safer-bromley", body__name=body, held_on__gt=TODAY)


def test_the_seed_meetings_read_as_their_minutes_record_them():
    load_demo()
    group, board = minuted(STRATEGIC_GROUP), minuted(BOARD)
    group_item, board_item = group.agenda_items.get(), board.agenda_items.get()

    assert (group.held_on, board.held_on) == (datetime.date(2016, 7, 12), datetime.date(2023, 11, 28))
    assert {group.status, board.status} == {Meeting.Status.MINUTES_APPROVED}
    assert group_item.order == board_item.order == 1
    assert group_item.title == "SAFER BROMLEY PARTNERSHIP STRATEGIC ASSESSMENT REPORT, 2016-2019"
    assert group_item.presenter == ""  # the minutes do not say who introduced it
    assert group_item.minutes.startswith("The Group noted the LBB Safer Bromley Partnership draft")
    assert "Ms Roberts requested that the domestic abuse of the elderly be written into the Plan." in (
        group_item.minutes
    )
    assert group_item.resolution == (
        "RESOLVED that the Strategic Assessment report be endorsed by the Group, and that Group "
        "Leads proceed with implementing the strategic plans as identified in the report."
    )
    assert board_item.title == "Draft SBP Strategy Outline and Delivery Plan"
    assert board_item.presenter == "LBB Project Manager for Public Protection"
    assert "Superintendent Baldock said that he had seen the SBP Risk Register" in board_item.minutes
    assert board_item.minutes.endswith("If agreed, the strategy would commence on 1 April 2024.")
    assert board_item.resolution == (
        "RESOLVED that the update regarding the Draft SBP Strategy (2024-27) and the proposed "
        "Delivery Plan be noted."
    )


def test_the_board_has_a_chair_and_vice_chair_and_both_meetings_an_illustrative_attendance():
    load_demo()
    board = Body.objects.get(partnership__slug="safer-bromley", name=BOARD)

    assert board.chair.username == "demo-board"
    assert board.vice_chair.username == "h.ward"
    assert not Body.objects.filter(
        partnership__slug="safer-bromley", name="Safer Bromley Partnership"
    ).exists()
    for body, names in ((STRATEGIC_GROUP, ["Ms Roberts"]), (BOARD, ["Superintendent Baldock"])):
        attendance = minuted(body).attendances.select_related("organisation")
        present = attendance.filter(status=Attendance.Status.PRESENT)
        assert attendance.filter(status=Attendance.Status.APOLOGIES).exists()
        assert attendance.filter(status=Attendance.Status.SUBSTITUTE).exclude(substitute="").exists()
        for name in names:
            assert present.filter(name=name).exists()
        assert {a.organisation.short_name for a in attendance} >= {"LBB", "MPS", "LFB"}
    assert minuted(STRATEGIC_GROUP).attendances.filter(organisation__short_name="CRC").exists()


def test_the_elderly_request_is_an_open_board_action_on_the_domestic_abuse_priority():
    load_demo()

    action = BoardAction.objects.get(description=ELDERLY_REQUEST)

    assert action.status == BoardAction.Status.OPEN
    assert action.meeting == minuted(STRATEGIC_GROUP)
    assert action.agenda_item == minuted(STRATEGIC_GROUP).agenda_items.get()
    assert action.priority.title == "Domestic Abuse"
    assert action.priority.strategy.title == "Safer Bromley Partnership Strategy 2016-2019"
    assert action.owner.username == "t.lawry"


def test_the_risk_register_is_an_open_board_action_owned_by_the_chairman():
    load_demo()

    action = BoardAction.objects.get(description=RISK_REGISTER_DISSEMINATION)

    assert action.status == BoardAction.Status.OPEN
    assert action.meeting == minuted(BOARD)
    assert action.owner == Body.objects.get(partnership__slug="safer-bromley", name=BOARD).chair
    assert action.owner == User.objects.get(username="demo-board")
    assert BoardAction.objects.get(description__startswith="LBB Project Manager").status == "done"


def test_each_body_meets_next_with_its_open_board_actions_as_matters_arising():
    load_demo()
    group, board = upcoming(STRATEGIC_GROUP), upcoming(BOARD)

    for meeting in (group, board):
        assert meeting.status == Meeting.Status.SCHEDULED
        assert meeting.held_on.weekday() == 3
        assert not meeting.agenda_items.exists()
    assert group.held_on < board.held_on
    assert [a.description for a in BoardAction.objects.matters_arising_for(group)] == [ELDERLY_REQUEST]
    assert [a.description for a in BoardAction.objects.matters_arising_for(board)] == [
        RISK_REGISTER_DISSEMINATION
    ]


def test_the_demo_minutes_download_as_approved_minutes(client):
    load_demo()
    board = minuted(BOARD)
    client.force_login(User.objects.get(username="demo-officer"))

    response = client.get(
        reverse("meetings:meeting_minutes_docx", kwargs={"slug": "safer-bromley", "pk": board.pk})
    )
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]

    assert response["Content-Disposition"].endswith('"safer-bromley-board-2023-11-28-minutes.docx"')
    assert "Agenda item 1" in texts
    assert "Minutes:" in texts
    assert board.agenda_items.get().resolution in texts
    assert not any("DRAFT" in text for text in texts)


def test_loading_twice_changes_nothing_and_the_summary_counts_the_meetings():
    first_output = load_demo()
    counts = row_counts()
    load_demo()

    assert row_counts() == counts
    assert counts["meetings.Meeting"] == 5  # two minuted and two next at Safer Bromley, one at Northfield
    assert counts["meetings.AgendaItem"] == 3
    assert counts["meetings.BoardAction"] == 3
    lines = {
        line.split("  ")[1].strip(): line.split()[-1] for line in first_output.splitlines() if "    " in line
    }
    assert lines["Meetings"] == "5"
    assert lines["Agenda items"] == "3"
    assert lines["Board actions"] == "3"
    assert lines["Open board actions"] == "2"
    assert "illustrative" in first_output
