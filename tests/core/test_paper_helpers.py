"""The helpers every paper shares: the running head, spreadsheet-safe CSV cells, GOV.UK times, Word set-up."""

import datetime
import io

import pytest
from docx import Document

from accounts.models import ProtectiveMarking
from core.csv_cell import csv_cell
from core.dates import clock_time
from core.docx import add_heading_row, new_document, new_table, page_setup
from core.text import running_head


@pytest.mark.parametrize(
    ("marking", "is_draft", "expected"),
    [
        (ProtectiveMarking.OFFICIAL, False, "OFFICIAL"),
        (ProtectiveMarking.OFFICIAL, True, "OFFICIAL – DRAFT"),
        (ProtectiveMarking.OFFICIAL_SENSITIVE, True, "OFFICIAL-SENSITIVE – DRAFT"),
    ],
)
def test_the_running_head_is_worded_one_way(marking, is_draft, expected):
    assert running_head(marking, is_draft=is_draft) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("line one\r\nline two", "line one\nline two"),
        ("Ｍetropolitan ＝ Police", "Ｍetropolitan ＝ Police"),
        ("Safe text", "Safe text"),
        (42, 42),
        (None, None),
    ],
)
def test_csv_cells_that_would_run_as_formulas_are_quoted(value, expected):
    assert csv_cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.time(9, 5), "9:05am"),
        (datetime.time(23, 59), "11:59pm"),
        (datetime.time(0, 0), "midnight"),
        (None, ""),
    ],
)
def test_clock_times_are_written_the_gov_uk_way(value, expected):
    assert clock_time(value) == expected


def test_a_new_document_is_a4_marked_on_every_page_with_an_accessible_table():
    document = new_document(
        title="Board: agenda",
        subject="SBP: Board",
        author="SBP",
        keywords="agenda",
        drawn_on=datetime.date(2026, 1, 2),
    )
    page_setup(document, title="Board: agenda", running_head="OFFICIAL – DRAFT")
    table = new_table(document, rows=2, widths=[80, 90], caption="<b>Board actions</b>")
    add_heading_row(table, ["What", "Owner"])
    buffer = io.BytesIO()
    document.save(buffer)

    reopened = Document(io.BytesIO(buffer.getvalue()))
    section = reopened.sections[0]
    properties = reopened.core_properties
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [p.text for p in section.header.paragraphs] == ["OFFICIAL – DRAFT"]
    # python-docx leaves out the page-number fields' text; Word fills them in.
    assert [p.text for p in section.footer.paragraphs] == ["Board: agenda\tPage  of ", "OFFICIAL – DRAFT"]
    assert (
        'w:instr=" PAGE "' in section.footer._element.xml
        and 'w:instr=" NUMPAGES "' in section.footer._element.xml
    )
    assert (properties.title, properties.author, properties.language) == ("Board: agenda", "SBP", "en-GB")
    assert properties.created == datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
    assert [cell.text for cell in reopened.tables[0].rows[0].cells] == ["What", "Owner"]
    assert b"thumbnail" not in buffer.getvalue()
    xml = reopened.tables[0]._tbl.xml
    assert "w:tblHeader" in xml and 'w:tblCaption w:val="&lt;b&gt;Board actions&lt;/b&gt;"' in xml
