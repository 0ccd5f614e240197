import copy
import csv
import io
import re
import shutil
import subprocess

import pytest
from docx import Document

from reports.exports.csv_file import CSV_HEADER, exception_report_csv
from reports.exports.pdf import exception_report_pdf
from reports.exports.word import exception_report_docx

RATINGS = [
    {"rating": "red", "label": "Red"},
    {"rating": "amber", "label": "Amber"},
    {"rating": "green", "label": "Green"},
    {"rating": "blue", "label": "Blue"},
    {"rating": "not_rated", "label": "Not rated"},
]

FORMULA_TITLE = "=SUM(A1:A9) pooled budget reconciled"
AWKWARD_NARRATIVE = 'Panel met twice, as planned.\nChair said "good progress" so far.'
ISSUES_AND_RISKS = "Health representative not yet nominated; panel may not be quorate."
SCRIPT_NARRATIVE = "Portal copy pasted from the web page: <script>alert('x')</script> removed before launch."


def counts(red=0, amber=0, green=0, blue=0, not_rated=0):
    return {"red": red, "amber": amber, "green": green, "blue": blue, "not_rated": not_rated}


def item(reference, title, rating, label, **fields):
    """An item as reports published before "issues_and_risks" and "url" existed hold it, plus `fields`."""
    return {
        "reference": reference,
        "title": title,
        "owner": "Tom Fletcher",
        "organisation": "London Borough of Bromley",
        "rating": rating,
        "rating_label": label,
        "previous_rating": "green",
        "previous_rating_label": "Green",
        "direction": "Worse",
        "percent_complete": 40,
        "due_on": "2027-03-31",
        "reasons": ["Rated red"],
        "narrative": "",
        "mitigation": "",
        "board_ask": "",
    } | fields


@pytest.fixture(scope="module")
def content():
    """A published report: two priorities, three strategic ambitions, four items."""
    return {
        "partnership": "Safer Bromley Partnership",
        "strategy": "Safer Bromley Partnership Strategy 2024-27",
        "period": {
            "name": "Q2 2026/27",
            "starts_on": "2026-07-01",
            "ends_on": "2026-09-30",
            "update_deadline": "2026-12-06",
        },
        "previous_period": {"name": "Q1 2026/27"},
        "meeting": {"title": "Safer Bromley Partnership Board", "held_on": "2026-12-31"},
        "drawn_on": "2026-11-22",
        "version": 2,
        "rules": [
            "Rated red",
            "Rated amber, or worse than the previous period",
            "A milestone is overdue",
            "The lead asks the board for something",
        ],
        "summary": {
            "ratings": RATINGS,
            "rows": [
                {
                    "priority": "1. Prevention: Being stronger together",
                    "lead": "Helen Ward",
                    "lead_organisation": "London Borough of Bromley",
                    "counts": counts(red=1, amber=2, green=3, not_rated=1),
                    "previous_counts": counts(amber=1, green=5, not_rated=1),
                    "total": 7,
                },
                {
                    "priority": "2. Protecting vulnerable people",
                    "lead": "Priya Shah",
                    "lead_organisation": "Metropolitan Police Service",
                    "counts": counts(amber=1, green=4, blue=2),
                    "previous_counts": counts(amber=1, green=5, blue=1),
                    "total": 7,
                },
            ],
            "totals": {
                "counts": counts(red=1, amber=3, green=7, blue=2, not_rated=1),
                "previous_counts": counts(amber=2, green=10, blue=1, not_rated=1),
                "total": 14,
            },
        },
        "sections": [
            {
                "priority": "1. Prevention: Being stronger together",
                "lead": "Helen Ward",
                "lead_organisation": "London Borough of Bromley",
                "ambitions": [
                    {
                        "ambition": "1.1 Reduce serious violence affecting young people under 25",
                        "items": [
                            item(
                                "1.1.2",
                                "Set up a youth violence reduction panel",
                                "red",
                                "Red",
                                reasons=[
                                    "Rated red",
                                    "A milestone is overdue: First panel meeting held (due 17 December 2026)",
                                ],
                                narrative=AWKWARD_NARRATIVE,
                                issues_and_risks=ISSUES_AND_RISKS,
                                mitigation="Interim chair agreed; terms of reference out for comment.",
                                board_ask="Nominate a senior health representative to the panel.",
                            ),
                            item(
                                "1.1.3",
                                FORMULA_TITLE,
                                "amber",
                                "Amber",
                                reasons=["Rated amber, or worse than the previous period"],
                                narrative=SCRIPT_NARRATIVE,
                                mitigation="Finance officer seconded for the quarter.",
                            ),
                        ],
                    },
                    {
                        "ambition": "1.2 Make town centres feel safer at night",
                        "items": [
                            item(
                                "1.2.1",
                                "Extend the night-time economy safe haven scheme",
                                "green",
                                "Green",
                                organisation="",
                                previous_rating=None,
                                previous_rating_label="No update",
                                direction="New",
                                percent_complete=None,
                                reasons=["The lead asks the board for something"],
                                board_ask="Agree £5,000 from the partnership fund for the winter pilot.",
                            ),
                        ],
                    },
                ],
            },
            {
                "priority": "2. Protecting vulnerable people",
                "lead": "Priya Shah",
                "lead_organisation": "Metropolitan Police Service",
                "ambitions": [
                    {
                        "ambition": "2.1 Reduce repeat victims of domestic abuse",
                        "items": [
                            item(
                                "2.1.4",
                                "Train frontline staff in risk assessment",
                                "amber",
                                "Amber",
                                owner="Sam Okafor",
                                organisation="Metropolitan Police Service",
                                previous_rating="amber",
                                previous_rating_label="Amber",
                                direction="No change",
                                percent_complete=65,
                                due_on="2027-01-31",
                                reasons=["Rated amber, or worse than the previous period"],
                                narrative="180 of 280 staff trained.",
                                mitigation="Extra sessions booked for January.",
                            ),
                        ],
                    },
                ],
            },
        ],
        "item_count": 4,
        "on_track_count": 10,
        "legend": [
            {
                "rating": "red",
                "label": "Red",
                "meaning": "Significant issues: the action will miss its outcome or date without intervention.",
            },
            {
                "rating": "amber",
                "label": "Amber",
                "meaning": "Some issues or slippage, recoverable with the mitigation described.",
            },
            {"rating": "green", "label": "Green", "meaning": "On track."},
            {"rating": "blue", "label": "Blue", "meaning": "Completed."},
            {"rating": "not_rated", "label": "Not rated", "meaning": "Not started or no update yet."},
        ],
    }


def all_items(content):
    return [i for s in content["sections"] for a in s["ambitions"] for i in a["items"]]


def squash(text):
    """Text with every run of whitespace made one space, so wrapped lines read as one."""
    return re.sub(r"\s+", " ", text)


# Word


@pytest.fixture(scope="module")
def docx_file(content):
    return Document(io.BytesIO(exception_report_docx(content=content)))


def headings(document):
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name == "Title" or p.style.name.startswith("Heading")
    ]


def table_text(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_docx_headings_give_the_paper_its_structure(docx_file):
    assert headings(docx_file) == [
        ("Title", "Exception report: Q2 2026/27"),
        ("Heading 1", "Purpose"),
        ("Heading 1", "Recommendations"),
        ("Heading 1", "Summary of items reported"),
        ("Heading 1", "Why actions are reported"),
        ("Heading 1", "Summary of ratings"),
        ("Heading 1", "1. Prevention: Being stronger together"),
        ("Heading 2", "1.1 Reduce serious violence affecting young people under 25"),
        ("Heading 3", "1.1.2 Set up a youth violence reduction panel"),
        ("Heading 3", f"1.1.3 {FORMULA_TITLE}"),
        ("Heading 2", "1.2 Make town centres feel safer at night"),
        ("Heading 3", "1.2.1 Extend the night-time economy safe haven scheme"),
        ("Heading 1", "2. Protecting vulnerable people"),
        ("Heading 2", "2.1 Reduce repeat victims of domestic abuse"),
        ("Heading 3", "2.1.4 Train frontline staff in risk assessment"),
        ("Heading 1", "Actions on track"),
        ("Heading 1", "What the ratings mean"),
        ("Heading 1", "What the directions of travel mean"),
    ]


def test_docx_front_matter_page_and_properties(docx_file):
    text = "\n".join(p.text for p in docx_file.paragraphs)
    assert "Partnership: Safer Bromley Partnership" in text
    assert "Strategy: Safer Bromley Partnership Strategy 2024-27" in text
    assert "Reporting period: Q2 2026/27: 1 July 2026 to 30 September 2026" in text
    assert "Meeting: Safer Bromley Partnership Board, 31 December 2026" in text
    assert "Version: 2" in text
    assert "Drawn on: 22 November 2026" in text
    assert "Lead: London Borough of Bromley (Helen Ward)" in text
    assert "Lead: Metropolitan Police Service (Priya Shah)" in text
    for rule in ["Rated red", "A milestone is overdue", "The lead asks the board for something"]:
        assert rule in [p.text for p in docx_file.paragraphs if p.style.name == "List Bullet"]
    section = docx_file.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 20
    assert docx_file.core_properties.title == "Exception report: Q2 2026/27"
    assert docx_file.core_properties.language == "en-GB"


def test_docx_summary_counts_show_the_change_since_the_previous_period(docx_file):
    summary = table_text(docx_file.tables[1])  # after the board paper's one-line-per-item table
    assert summary[0] == ["Priority", "Lead", "Red", "Amber", "Green", "Blue", "Not rated", "Total"]
    assert summary[1] == [
        "1. Prevention: Being stronger together",
        "London Borough of Bromley (Helen Ward)",
        "1 (+1)",
        "2 (+1)",
        "3 (-2)",
        "0",
        "1",
        "7",
    ]
    assert summary[2][2:] == ["0", "1", "4 (-1)", "2 (+1)", "0", "7"]
    assert summary[3] == ["All priorities", "", "1 (+1)", "3 (+1)", "7 (-3)", "2 (+1)", "1", "14"]
    text = "\n".join(p.text for p in docx_file.paragraphs)
    assert "with the change since Q1 2026/27 in brackets" in text


def test_docx_item_blocks_hold_each_items_details(docx_file):
    first = dict(table_text(docx_file.tables[2]))
    assert first["Lead"] == "London Borough of Bromley (Tom Fletcher)"
    assert first["Rating now"] == "Red"
    assert first["Rating in Q1 2026/27"] == "Green"
    assert first["Direction of travel"] == "Worse"
    assert first["% complete"] == "40%"
    assert first["Due"] == "31 March 2027"
    assert first["Why it is reported"] == (
        "Rated red\nA milestone is overdue: First panel meeting held (due 17 December 2026)"
    )
    assert first["Progress"] == AWKWARD_NARRATIVE
    assert first["Issues and risks"] == ISSUES_AND_RISKS
    assert list(first).index("Issues and risks") == list(first).index("Progress") + 1
    assert first["Board ask"] == "Nominate a senior health representative to the panel."

    # Blank text rows are left out; a missing lead organisation and per cent complete read plainly.
    third = dict(table_text(docx_file.tables[4]))
    assert list(third) == [
        "Lead",
        "Rating now",
        "Rating in Q1 2026/27",
        "Direction of travel",
        "% complete",
        "Due",
        "Why it is reported",
        "Board ask",
    ]
    assert third["Lead"] == "Tom Fletcher"
    assert third["Rating in Q1 2026/27"] == "No update"
    assert third["% complete"] == "Not given"


def test_docx_shows_issues_and_risks_only_where_an_item_has_them(docx_file):
    labels = [row[0] for table in docx_file.tables[1:-2] for row in table_text(table)]
    assert labels.count("Issues and risks") == 1


def test_docx_ends_with_the_on_track_count_and_the_legends(docx_file, content):
    paragraphs = [p.text for p in docx_file.paragraphs]
    assert "10 actions on track, not reported by exception." in paragraphs
    legend = table_text(docx_file.tables[-2])
    assert legend[0] == ["Rating", "Meaning"]
    assert legend[1:] == [[entry["label"], entry["meaning"]] for entry in content["legend"]]
    directions = table_text(docx_file.tables[-1])
    assert directions[0] == ["Direction of travel", "Meaning"]
    assert [row[0] for row in directions[1:]] == [
        "Improved",
        "Worse",
        "No change",
        "Newly rated",
        "No update",
    ]
    assert "Rated in both periods, and worse now." in directions[2]


def test_docx_draft_says_it_is_not_yet_published(content):
    draft = content | {"meeting": None, "version": None, "previous_period": None}
    document = Document(io.BytesIO(exception_report_docx(content=draft)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Status: Draft, not yet published to a meeting" in text
    assert "Meeting:" not in text
    # With no previous period there is nothing to compare, so counts stand alone.
    assert table_text(document.tables[1])[1][2:7] == ["1", "2", "3", "0", "1"]


# PDF


@pytest.fixture(scope="module")
def pdf_path(content, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(exception_report_pdf(content=content))
    return path


def poppler(command, *args):
    """Run one of poppler-utils' commands (Debian's poppler-utils package) and return what it prints."""
    executable = shutil.which(command)
    assert executable, f"{command} is missing: install poppler-utils"
    result = subprocess.run(  # noqa: S603 - a fixed command on a file the test wrote
        [executable, *args], capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.fixture(scope="module")
def pdf_text(pdf_path):
    return poppler("pdftotext", "-layout", str(pdf_path), "-")


def test_pdf_holds_every_item_and_the_on_track_count(pdf_text, content):
    text = squash(pdf_text)
    assert "Exception report: Q2 2026/27" in text
    for entry in all_items(content):
        assert f"{entry['reference']} {entry['title']}" in text
    assert "A milestone is overdue: First panel meeting held (due 17 December 2026)" in text
    assert "Nominate a senior health representative to the panel." in text
    assert "10 actions on track, not reported by exception." in text
    assert "Page 1 of" in text
    assert "Significant issues: the action will miss its outcome or date without intervention." in text


def test_pdf_shows_issues_and_risks_only_where_an_item_has_them(pdf_text):
    text = squash(pdf_text)
    assert f"Issues and risks {ISSUES_AND_RISKS}" in text
    assert text.count("Issues and risks") == 1


def test_pdf_shows_markup_in_user_text_as_text(pdf_text):
    assert "<script>alert('x')</script>" in squash(pdf_text)


def test_pdf_is_a_titled_tagged_a4_document(pdf_path):
    output = poppler("pdfinfo", str(pdf_path))
    info = dict(line.split(":", 1) for line in output.splitlines() if ":" in line)
    assert info["Title"].strip() == "Exception report: Q2 2026/27 – Safer Bromley Partnership"
    assert info["Tagged"].strip() == "yes"
    assert info["Page size"].strip().endswith("(A4)")


# CSV


@pytest.fixture(scope="module")
def csv_rows(content):
    return list(csv.reader(io.StringIO(exception_report_csv(content=content), newline="")))


def test_csv_has_a_header_and_one_row_per_item_in_order(csv_rows, content):
    header, *rows = csv_rows
    assert header == CSV_HEADER
    assert [row[2] for row in rows] == [entry["reference"] for entry in all_items(content)]
    first = dict(zip(header, rows[0], strict=True))
    assert first == {
        "Priority": "1. Prevention: Being stronger together",
        "Strategic ambition": "1.1 Reduce serious violence affecting young people under 25",
        "Reference": "1.1.2",
        "Action": "Set up a youth violence reduction panel",
        "Lead officer": "Tom Fletcher",
        "Lead organisations": "London Borough of Bromley",
        "Partners": "",
        "Other partners": "",
        "Themes and places": "",
        "Rating": "Red",
        "Previous rating": "Green",
        "Direction of travel": "Worse",
        "Per cent complete": "40",
        "Due date": "2027-03-31",
        "Due timescale": "",
        "Original due date": "",
        "Why the due date was revised": "",
        "Reasons": "Rated red; A milestone is overdue: First panel meeting held (due 17 December 2026)",
        "Progress": AWKWARD_NARRATIVE,
        "Issues and risks": ISSUES_AND_RISKS,
        "Mitigation": "Interim chair agreed; terms of reference out for comment.",
        "Board ask": "Nominate a senior health representative to the panel.",
        "Kind": "Action",
        "Value": "",
        "Target": "",
    }
    assert rows[2][CSV_HEADER.index("Per cent complete")] == ""
    # Items without issues and risks (older reports' items lack the key) leave the cell empty.
    assert [row[CSV_HEADER.index("Issues and risks")] for row in rows[1:]] == ["", "", ""]


def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(csv_rows):
    assert csv_rows[2][CSV_HEADER.index("Action")] == f"'{FORMULA_TITLE}"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_every_formula_trigger(content, start):
    report = copy.deepcopy(content)
    report["sections"][1]["ambitions"][0]["items"][0]["mitigation"] = f'{start}HYPERLINK("http://x.test")'
    rows = list(csv.reader(io.StringIO(exception_report_csv(content=report), newline="")))
    assert rows[4][CSV_HEADER.index("Mitigation")] == f'\'{start}HYPERLINK("http://x.test")'
    assert rows[4][CSV_HEADER.index("Progress")] == "180 of 280 staff trained."


def test_an_empty_report_says_nothing_is_reported(content):
    report = content | {"sections": [], "item_count": 0, "on_track_count": 1}
    document = Document(io.BytesIO(exception_report_docx(content=report)))
    paragraphs = [p.text for p in document.paragraphs]
    assert "No action is reported by exception for this period." in paragraphs
    assert "1 action on track, not reported by exception." in paragraphs
    assert exception_report_csv(content=report) == ",".join(CSV_HEADER) + "\r\n"


def test_csv_keeps_the_newline_inside_its_cell(content):
    text = exception_report_csv(content=content)
    assert not text.startswith("\ufeff")
    assert 'Panel met twice, as planned.\nChair said ""good progress"" so far."' in text


# All three


def test_every_format_lists_the_same_items_in_the_same_order(content, docx_file, pdf_text, csv_rows):
    expected = [entry["reference"] for entry in all_items(content)]
    in_docx = [p.text.split(" ")[0] for p in docx_file.paragraphs if p.style.name == "Heading 3"]
    in_pdf = re.findall(r"^\s*(\d+\.\d+\.\d+) ", pdf_text, flags=re.MULTILINE)
    in_csv = [row[2] for row in csv_rows[1:]]
    # The PDF lists each reference twice: in the board paper's summary table, then as the item.
    assert in_docx == in_pdf[len(expected) :] == in_csv == expected
    assert in_pdf[: len(expected)] == expected
