"""The exception report as a board paper in the shape committees publish (issue 12, item 5): the cover
(body, meeting date, agenda item, author and contact, purpose, recommendations from the board asks), the
protective marking on every page, a one-line-per-item summary table, items kept together, "DRAFT" on
every page of a draft, and file names with the partnership, period and version and no spaces."""

import datetime
import io
import shutil
import subprocess
from html import unescape

import pytest
from django.urls import reverse
from docx import Document

from accounts.models import Membership, Partnership, ProtectiveMarking
from reports.exceptions import exception_report_build
from reports.exports.paper import board_paper_filename
from reports.exports.pdf import exception_report_html
from reports.exports.word import exception_report_docx
from reports.forms import PublishForm
from reports.models import ExceptionReport
from reports.services import exception_report_publish
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory, BodyFactory, MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def board(plan):
    """The fixture plan's partnership as Safer Bromley, OFFICIAL-SENSITIVE, with a board meeting whose
    fourth item takes the report, and its administrator."""
    partnership, q2 = plan
    partnership.slug = "safer-bromley"
    partnership.protective_marking = ProtectiveMarking.OFFICIAL_SENSITIVE
    partnership.save()
    body = BodyFactory(partnership=partnership, name="Safer Bromley Partnership Board")
    meeting = MeetingFactory(
        partnership=partnership, body=body, title="Board meeting", held_on=datetime.date(2026, 12, 3)
    )
    for order in (1, 2, 3):
        AgendaItemFactory(meeting=meeting, order=order, title=f"Item {order}")
    item = AgendaItemFactory(meeting=meeting, order=4, title="Community safety exception report")
    admin = MembershipFactory(
        partnership=partnership,
        role=Membership.Role.ADMINISTRATOR,
        user__first_name="Helen",
        user__last_name="O'Neill",
        user__email="helen.oneill@example.org",
    ).user
    return {"partnership": partnership, "period": q2, "meeting": meeting, "item": item, "admin": admin}


def publish(board, *, agenda_item=None, times=1):
    for _ in range(times):
        report = exception_report_publish(
            partnership=board["partnership"],
            period=board["period"],
            meeting=board["meeting"],
            published_by=board["admin"],
            today=TODAY,
            agenda_item=agenda_item,
        )
    return report


def download(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def published_url(report, extension):
    return reverse(
        "reports:published_report_download",
        kwargs={"slug": report.partnership.slug, "pk": report.pk, "extension": extension},
    )


def draft_url(board, extension):
    url = reverse(
        "reports:exception_report_download",
        kwargs={"slug": board["partnership"].slug, "extension": extension},
    )
    return f"{url}?period={board['period'].pk}&meeting={board['meeting'].pk}"


def filename(response) -> str:
    return response["Content-Disposition"].split('filename="')[1].rstrip('"')


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def header_footer_texts(document) -> list[tuple[str, str]]:
    return [
        (
            "\n".join(p.text for p in section.header.paragraphs),
            "\n".join(p.text for p in section.footer.paragraphs),
        )
        for section in document.sections
    ]


# Word


def test_published_docx_has_the_cover_recommendations_and_marking(client, board):
    report = publish(board, agenda_item=board["item"], times=2)
    response = download(client, board["admin"], published_url(report, "docx"))
    document = Document(io.BytesIO(response.content))
    text = paragraphs(document)

    assert filename(response) == "safer-bromley-exception-report-Q2-2026-27-v2.docx"
    assert "Report to: Safer Bromley Partnership Board" in text
    assert "Date of meeting: 3 December 2026" in text
    assert "Agenda item 4: Community safety exception report" in text
    assert "Report author: Helen O'Neill" in text
    assert "Contact: helen.oneill@example.org" in text
    assert "Version: 2" in text
    purpose = text[text.index("Purpose") + 1]
    assert purpose.startswith("To report to Safer Bromley Partnership Board on Community Safety Strategy")
    assert "Q2 2026/27 (1 July 2026 to 30 September 2026)" in purpose

    start = text.index("The Board is asked to:")
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert text[start + 1 : start + 1 + len(numbered)] == numbered
    assert numbered == [
        "respond to the board ask on 2.1.2 Independent advocate service: Agree to fund a second advocate"
    ]

    assert document.sections, "the paper has at least one section"
    for header, footer in header_footer_texts(document):
        assert "OFFICIAL-SENSITIVE" in header
        assert "OFFICIAL-SENSITIVE" in footer
        assert "DRAFT" not in header + footer
    assert "DRAFT" not in "\n".join(text)


def test_docx_summary_table_has_one_line_per_item(client, board):
    report = publish(board)
    document = Document(io.BytesIO(download(client, board["admin"], published_url(report, "docx")).content))
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    items = [
        item
        for section in report.content["sections"]
        for ambition in section["ambitions"]
        for item in ambition["items"]
    ]

    assert rows[0] == ["Reference", "Action", "Lead", "Rating now", "Rating before", "Why reported"]
    assert [row[0] for row in rows[1:]] == [item["reference"] for item in items]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Action"] == "Knife crime sessions"
    assert first["Rating now"] == "Red"
    assert first["Rating before"] == "Green"
    assert "Rated red" in first["Why reported"]
    assert first["Lead"] == items[0]["lead"]


def test_docx_items_are_kept_together(client, board):
    report = publish(board)
    document = Document(io.BytesIO(download(client, board["admin"], published_url(report, "docx")).content))
    item_tables = document.tables[2:-2]  # after the summaries, before the legends
    assert item_tables
    for table in item_tables:
        for row in table.rows[:-1]:
            assert all(p.paragraph_format.keep_with_next for cell in row.cells for p in cell.paragraphs)
    item_headings = [p for p in document.paragraphs if p.style.name in ("Heading 3",)]
    assert item_headings and all(p.paragraph_format.keep_with_next for p in item_headings)


def test_draft_docx_says_draft_on_every_page_and_names_the_administrator(client, board):
    response = download(client, board["admin"], draft_url(board, "docx"))
    document = Document(io.BytesIO(response.content))
    text = paragraphs(document)

    assert filename(response) == "safer-bromley-exception-report-Q2-2026-27-draft.docx"
    assert "Report author: Helen O'Neill" in text
    assert "Report to: Safer Bromley Partnership Board" in text
    assert not any(line.startswith("Agenda item") for line in text)
    for header, footer in header_footer_texts(document):
        assert "OFFICIAL-SENSITIVE" in header and "DRAFT" in header
        assert "OFFICIAL-SENSITIVE" in footer and "DRAFT" in footer
        # Worded as the PDF and the meeting papers word it (core.text.running_head).
        assert header == "OFFICIAL-SENSITIVE – DRAFT"
        assert footer.endswith("OFFICIAL-SENSITIVE – DRAFT")


def test_draft_docx_drawn_by_a_board_member_says_draft_for_its_author(client, board):
    reader = MembershipFactory(partnership=board["partnership"], role=Membership.Role.BOARD_MEMBER).user
    document = Document(io.BytesIO(download(client, reader, draft_url(board, "docx")).content))
    text = paragraphs(document)

    assert "Report author: Draft" in text
    assert not any(line.startswith("Contact:") for line in text)


def test_report_with_no_board_asks_recommends_noting_it(board):
    content = exception_report_build(
        partnership=board["partnership"], period=board["period"], meeting=board["meeting"], today=TODAY
    )
    for section in content["sections"]:
        for ambition in section["ambitions"]:
            for item in ambition["items"]:
                item["board_ask"] = ""
    document = Document(io.BytesIO(exception_report_docx(content=content)))
    assert [p.text for p in document.paragraphs if p.style.name == "List Number"] == ["note the report."]
    # Without a cover, the marking still defaults to OFFICIAL on every page.
    for header, footer in header_footer_texts(document):
        assert "OFFICIAL" in header and "OFFICIAL" in footer


def test_file_names_have_no_spaces_whatever_the_period_is_called():
    name = board_paper_filename(
        partnership_slug="safer-bromley", period_name="Q2 2026/27 (revised)", version=3
    )
    assert name == "safer-bromley-exception-report-Q2-2026-27-revised-v3"
    assert " " not in board_paper_filename(partnership_slug="x", period_name="  <b>?", version=None)


# PDF


def pdf_pages(data: bytes, tmp_path) -> list[str]:
    executable = shutil.which("pdftotext")
    assert executable, "pdftotext is missing: install poppler-utils"
    path = tmp_path / "paper.pdf"
    path.write_bytes(data)
    text = subprocess.run(  # noqa: S603 - a fixed command on a file the test wrote
        [executable, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_published_pdf_has_the_marking_on_every_page_and_the_cover(client, board, tmp_path):
    report = publish(board, agenda_item=board["item"])
    response = download(client, board["admin"], published_url(report, "pdf"))
    pages = pdf_pages(response.content, tmp_path)

    assert filename(response) == "safer-bromley-exception-report-Q2-2026-27-v1.pdf"
    assert len(pages) > 1
    for page in pages:
        assert page.count("OFFICIAL-SENSITIVE") >= 2, "the marking is in the header and the footer"
        assert "DRAFT" not in page
    cover = " ".join(pages[0].split())
    assert "Report to: Safer Bromley Partnership Board" in cover
    assert "Agenda item 4: Community safety exception report" in cover
    assert "Contact: helen.oneill@example.org" in cover
    assert "The Board is asked to:" in cover
    assert "respond to the board ask on 2.1.2 Independent advocate service" in cover
    # The cover stands alone: the summary table starts the next page.
    assert "Summary of items reported" not in cover
    assert "Summary of items reported" in pages[1]


def test_draft_pdf_says_draft_on_every_page(client, board, tmp_path):
    response = download(client, board["admin"], draft_url(board, "pdf"))
    pages = pdf_pages(response.content, tmp_path)

    assert filename(response) == "safer-bromley-exception-report-Q2-2026-27-draft.pdf"
    for page in pages:
        assert "OFFICIAL-SENSITIVE – DRAFT" in page


def test_pdf_keeps_each_item_together_and_the_summary_one_line_an_item(board):
    report = publish(board)
    html = unescape(exception_report_html(content=report.content))
    assert "@top-center" in html and "@bottom-center" in html
    assert ".item { page-break-inside: avoid; break-inside: avoid;" in html
    assert html.count('<div class="item">') == report.content["item_count"]
    summary = html.split('<table class="item-summary">')[1].split("</table>")[0]
    assert summary.count("<tr>") == report.content["item_count"] + 1


# The publish form's agenda item


def test_publish_form_takes_an_agenda_item_of_the_chosen_meeting_only(board):
    other = MeetingFactory(partnership=board["partnership"], body=board["meeting"].body)
    elsewhere = AgendaItemFactory(meeting=other, order=1)
    data = {"period": board["period"].pk, "meeting": board["meeting"].pk}

    assert PublishForm({**data, "agenda_item": board["item"].pk}, partnership=board["partnership"]).is_valid()
    assert PublishForm(data, partnership=board["partnership"]).is_valid()
    wrong = PublishForm({**data, "agenda_item": elsewhere.pk}, partnership=board["partnership"])
    assert not wrong.is_valid()
    assert wrong.errors["agenda_item"] == ["Choose an agenda item of the meeting the report goes to"]
    foreign = AgendaItemFactory()
    hostile = PublishForm({**data, "agenda_item": foreign.pk}, partnership=board["partnership"])
    assert not hostile.is_valid()
    for junk in ["<script>", "9" * 40, "1e9"]:
        assert not PublishForm({**data, "agenda_item": junk}, partnership=board["partnership"]).is_valid()


def test_publishing_with_an_agenda_item_files_it_and_refuses_another_meetings(client, board):
    client.force_login(board["admin"])
    url = reverse("reports:exception_report_publish", kwargs={"slug": board["partnership"].slug})
    other = AgendaItemFactory(meeting=MeetingFactory(partnership=board["partnership"]), order=1)
    data = {"period": board["period"].pk, "meeting": board["meeting"].pk}

    refused = client.post(url, {**data, "agenda_item": other.pk})
    assert refused.status_code == 200
    assert "Choose an agenda item of the meeting the report goes to" in refused.content.decode()
    assert not ExceptionReport.objects.exists()

    response = client.post(url, {**data, "agenda_item": board["item"].pk})
    assert response.status_code == 302
    assert ExceptionReport.objects.get().agenda_item == board["item"]


# The marking, set per partnership


SET_UP = {
    "name": "Safer Example Partnership",
    "short_name": "SEP",
    "slug": "safer-example",
    "organisation_name": "Example Borough Council",
    "organisation_short_name": "EBC",
}


@pytest.mark.parametrize(
    ("chosen", "kept"),
    [
        ({"protective_marking": "OFFICIAL-SENSITIVE"}, "OFFICIAL-SENSITIVE"),
        ({}, "OFFICIAL"),
    ],
)
def test_the_partnership_set_up_chooses_the_marking_of_its_papers(client, chosen, kept):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("accounts:partnership_set_up")).content.decode()
    assert "Protective marking of the partnership" in page

    response = client.post(reverse("accounts:partnership_set_up"), {**SET_UP, **chosen})

    assert response.status_code == 302
    assert Partnership.objects.get(slug="safer-example").protective_marking == kept


def test_a_made_up_marking_is_refused(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(
        reverse("accounts:partnership_set_up"), {**SET_UP, "protective_marking": "TOP SECRET <b>"}
    )

    assert response.status_code == 200
    assert "Choose OFFICIAL or OFFICIAL-SENSITIVE" in response.content.decode()
    assert not Partnership.objects.filter(slug="safer-example").exists()
