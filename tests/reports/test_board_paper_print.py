"""The board paper for print (issue 12, item 5): the published report's page and the live report's page
carry, for print only, the same cover as the Word file and the PDF (body, meeting date, agenda item,
author and contact, purpose, "The Board is asked to: ..."), the protective marking at the top and the
bottom of the paper ("DRAFT" on the live draft), and the one-line-per-item summary table before the
items."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Membership, ProtectiveMarking
from delivery.models import ProgressUpdate
from reports.services import exception_report_publish
from tests.accounts.factories import MembershipFactory
from tests.meetings.factories import AgendaItemFactory, BodyFactory, MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
MARKING = '<p class="govuk-body app-print-only app-protective-marking">'


@pytest.fixture
def board(plan):
    """The fixture plan's partnership, OFFICIAL-SENSITIVE, with a board meeting whose fourth item takes
    the report, and its administrator."""
    partnership, q2 = plan
    partnership.slug = "safer-bromley"
    partnership.protective_marking = ProtectiveMarking.OFFICIAL_SENSITIVE
    partnership.save()
    body = BodyFactory(partnership=partnership, name="Safer Bromley Partnership Board")
    meeting = MeetingFactory(
        partnership=partnership, body=body, title="Board meeting", held_on=datetime.date(2026, 12, 3)
    )
    item = AgendaItemFactory(meeting=meeting, order=4, title="Community safety exception report")
    admin = MembershipFactory(
        partnership=partnership,
        role=Membership.Role.ADMINISTRATOR,
        user__first_name="Helen",
        user__last_name="O'Neill",
        user__email="helen.oneill@example.org",
    ).user
    return {"partnership": partnership, "period": q2, "meeting": meeting, "item": item, "admin": admin}


def publish(board):
    return exception_report_publish(
        partnership=board["partnership"],
        period=board["period"],
        meeting=board["meeting"],
        published_by=board["admin"],
        today=TODAY,
        agenda_item=board["item"],
    )


def draft_url(board) -> str:
    url = reverse("reports:exception_report", kwargs={"slug": board["partnership"].slug})
    return f"{url}?period={board['period'].pk}&meeting={board['meeting'].pk}"


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def markings(html: str) -> list[str]:
    return re.findall(re.escape(MARKING) + r"(.*?)</p>", html)


def cover_of(html: str) -> str:
    """The print-only cover: from its start to the summary of items."""
    start = html.index('<div class="app-print-only app-board-paper-cover">')
    return html[start : html.index("Summary of items reported", start)]


def item_summary_of(html: str) -> str:
    """The print-only summary of items, which comes before the page's own summary and the items."""
    start = html.index("Summary of items reported")
    end = html.index('<h2 class="govuk-heading-m">Summary</h2>', start)
    assert html.index("govuk-summary-card", start) > end
    return html[start:end]


def test_published_page_prints_the_cover_recommendations_and_marking(client, board):
    report = publish(board)
    html = page(client, board["admin"], report.get_absolute_url())

    assert markings(html) == ["OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"]
    assert "DRAFT" not in html
    cover = cover_of(html)
    for label, value in [
        ("Report to", "Safer Bromley Partnership Board"),
        ("Date of meeting", "3 December 2026"),
        ("Agenda item 4", "Community safety exception report"),
        ("Report author", "Helen O'Neill"),
        ("Contact", "helen.oneill@example.org"),
        ("Version", "1"),
    ]:
        assert (
            f'<dt class="govuk-summary-list__key">{escape(label)}</dt>'
            f'<dd class="govuk-summary-list__value">{escape(value)}</dd>'
        ) in cover
    assert "To report to Safer Bromley Partnership Board on Community Safety Strategy 2024-27" in cover
    assert "The Board is asked to:" in cover
    assert (
        "<li>respond to the board ask on " in cover
        and "Independent advocate service: Agree to fund a second advocate</li>" in cover
    )


def test_published_page_prints_the_frozen_content(client, board):
    report = publish(board)
    ProgressUpdate.objects.filter(board_ask="Agree to fund a second advocate").update(
        board_ask="Something asked later"
    )
    html = page(client, board["admin"], report.get_absolute_url())

    assert "Agree to fund a second advocate" in cover_of(html)
    assert "Something asked later" not in html


def test_summary_table_has_one_row_per_item_before_the_items(client, board):
    report = publish(board)
    html = page(client, board["admin"], report.get_absolute_url())
    summary = item_summary_of(html)
    items = [
        item
        for section in report.content["sections"]
        for ambition in section["ambitions"]
        for item in ambition["items"]
    ]

    assert items
    assert summary.count('<tr class="govuk-table__row app-avoid-break">') == len(items)
    for item in items:
        assert f'<th scope="row" class="govuk-table__header">{escape(item["reference"])}</th>' in summary
        assert f'<td class="govuk-table__cell">{escape(item["title"])}</td>' in summary
    assert "Rating before" in summary and "Why reported" in summary
    assert "app-rating--red" in summary


def test_draft_page_prints_draft_with_the_marking_and_its_administrator(client, board):
    html = page(client, board["admin"], draft_url(board))

    assert markings(html) == ["OFFICIAL-SENSITIVE – DRAFT", "OFFICIAL-SENSITIVE – DRAFT"]
    cover = cover_of(html)
    assert '<dd class="govuk-summary-list__value">Helen O&#x27;Neill</dd>' in cover
    assert "Draft, not yet published to a meeting" in cover
    assert "Agenda item" not in cover
    assert "Agree to fund a second advocate" in cover
    assert item_summary_of(html).count('<tr class="govuk-table__row app-avoid-break">') > 0


def test_draft_page_for_a_board_member_says_draft_for_its_author(client, board):
    reader = MembershipFactory(partnership=board["partnership"], role=Membership.Role.BOARD_MEMBER).user
    cover = cover_of(page(client, reader, draft_url(board)))

    assert '<dd class="govuk-summary-list__value">Draft</dd>' in cover
    assert "Contact" not in cover


def test_default_marking_is_official(client, board):
    board["partnership"].protective_marking = ""
    board["partnership"].save()
    html = page(client, board["admin"], draft_url(board))

    assert markings(html) == ["OFFICIAL – DRAFT", "OFFICIAL – DRAFT"]


def test_board_ask_markup_is_text_on_the_printed_cover(client, board):
    ProgressUpdate.objects.filter(board_ask="Agree to fund a second advocate").update(
        board_ask='<script>alert("x")</script> Ｆund ' + "very long " * 200
    )
    cover = cover_of(page(client, board["admin"], draft_url(board)))

    assert "<script>" not in cover
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ｆund very long" in cover


def test_no_period_has_no_paper(client):
    member = MembershipFactory(role=Membership.Role.ADMINISTRATOR)
    url = reverse("reports:exception_report", kwargs={"slug": member.partnership.slug})
    html = page(client, member.user, url)

    assert "There is no reporting period yet" in html
    assert MARKING not in html
