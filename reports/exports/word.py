"""The exception report as a Word committee paper (.docx): A4, Arial, shaded ratings, page numbers."""

from __future__ import annotations

import io
from datetime import date

from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from core.docx import (
    add_details,
    add_heading_row,
    keep_rows_whole,
    mark_header_row,
    new_document,
    new_table,
    page_setup,
    set_cell_text,
)
from reports.exports.paper import paper_in_words

# GOV.UK Frontend tag colour pairs, as on screen (frontend/scss/application.scss): text on background.
RATING_COLOURS = {
    "red": ("2A0B06", "F4CDC6"),
    "amber": ("594D00", "FFF7BF"),
    "green": ("005A30", "CCE2D8"),
    "blue": ("0C2D4A", "BBD4EA"),
    "not_rated": ("282D30", "E5E6E7"),
}


# Indicator ratings and risk bands shaded as the rating nearest in meaning; their words are always shown.
SHADE_OF = {
    "on_target": "green",
    "within_tolerance": "amber",
    "off_target": "red",
    "no_target": "not_rated",
    "low": "green",
    "medium": "amber",
    "high": "red",
}


def _set_cell_shading(cell, rating: str) -> None:
    """Give a cell the rating's light background and dark text, as the rating tags on screen."""
    rating = SHADE_OF.get(rating, rating)
    if rating not in RATING_COLOURS:
        return
    text, background = RATING_COLOURS[rating]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), background)
    tcpr = cell._tc.get_or_add_tcPr()
    tcpr.insert_element_before(
        shading, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.color.rgb = RGBColor.from_string(text)
            run.font.bold = True


def _set_cell_lines(cell, lines: list[str]) -> None:
    """Write a list into a cell, one bulleted paragraph a line."""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.style = "List Bullet"
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.add_run(line)


def _docx_summary(document, summary: dict) -> None:
    """The summary table: priority, lead, a count per rating, total, and a totals row."""
    ratings = summary["ratings"]
    rating_width = 75 / max(len(ratings), 1)
    table = new_table(
        document,
        rows=len(summary["rows"]) + 2,
        widths=[45, 35, *[rating_width] * len(ratings), 15],
        caption=summary["caption"],
    )
    header = table.rows[0]
    mark_header_row(header)
    for cell, text in zip(
        header.cells,
        [summary["priority_heading"], "Lead", *[r["label"] for r in ratings], "Total"],
        strict=True,
    ):
        set_cell_text(cell, text, bold=True, size=9)
    for cell, rating in zip(header.cells[2:], ratings, strict=False):
        _set_cell_shading(cell, rating["rating"])
    lines = [*summary["rows"], summary["totals"]]
    for row, line in zip(table.rows[1:], lines, strict=True):
        is_total = line is summary["totals"]
        texts = [line["priority"], line["lead"], *line["cells"], line["total"]]
        for cell, text in zip(row.cells, texts, strict=True):
            set_cell_text(cell, text, bold=is_total, size=9)
    keep_rows_whole(table)
    caption = document.add_paragraph(summary["caption"] + ".")
    caption.runs[0].font.size = Pt(9)


def _keep_table_together(table) -> None:
    """Keep a table on one page where it fits: every paragraph but the last row's keeps with the next,
    and no row splits (Word's way of keeping a table together)."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
    for cell in table.rows[-1].cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_together = True


def _docx_cover(document, paper: dict) -> None:
    """The cover: the title, to whom and when, the author, the purpose and the recommendations."""
    document.add_heading(paper["title"], level=0)
    add_details(document, [*paper["cover"], *paper["details"]])

    document.add_heading("Purpose", level=1)
    document.add_paragraph(paper["purpose"])
    document.add_heading("Recommendations", level=1)
    document.add_paragraph(paper["recommendations_intro"])
    for recommendation in paper["recommendations"]:
        document.add_paragraph(recommendation, style="List Number")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _docx_item_summary(document, summary: dict, headlines: list[str]) -> None:
    """The counts of what is reported, then the one-line-per-item summary table, its header row
    repeated on each page."""
    document.add_heading("Summary of items reported", level=1)
    for line in headlines:
        document.add_paragraph(line, style="List Bullet")
    if not summary["rows"]:
        document.add_paragraph("No items are reported by exception.")
        return
    table = new_table(
        document, rows=len(summary["rows"]) + 1, widths=[16, 44, 34, 19, 19, 38], caption=summary["caption"]
    )
    add_heading_row(table, summary["headings"])
    for row, line in zip(table.rows[1:], summary["rows"], strict=True):
        texts = [
            line["reference"],
            line["title"],
            line["lead"],
            line["rating_label"],
            line["previous_rating_label"],
            line["why"],
        ]
        for cell, text in zip(row.cells, texts, strict=True):
            set_cell_text(cell, text, size=9)
        _set_cell_shading(row.cells[3], line["rating"])
        _set_cell_shading(row.cells[4], line["previous_rating"])
    keep_rows_whole(table)
    caption = document.add_paragraph(summary["caption"] + ".")
    caption.runs[0].font.size = Pt(9)


def _docx_item(document, item: dict, *, level: int) -> None:
    """An item: its reference and title as a heading, then a two-column table of its details, kept
    together on one page where it fits."""
    heading = document.add_heading(item["heading"], level=level)
    heading.paragraph_format.keep_with_next = True
    table = new_table(document, rows=len(item["rows"]), widths=[40, 130], caption=item["heading"])
    for row, detail in zip(table.rows, item["rows"], strict=True):
        label, value = row.cells
        set_cell_text(label, detail["label"], bold=True)
        if detail["lines"] is not None:
            _set_cell_lines(value, detail["lines"])
        else:
            set_cell_text(value, detail["text"])
        _set_cell_shading(value, detail["rating"])
    keep_rows_whole(table)
    _keep_table_together(table)
    document.add_paragraph()


def _docx_table(document, *, headings: list[str], rows: list[list[str]], widths: list[float], caption: str):
    """A table of display strings with a heading row repeated on each page, and its caption below."""
    table = new_table(document, rows=len(rows) + 1, widths=widths, caption=caption)
    add_heading_row(table, headings)
    for row, texts in zip(table.rows[1:], rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            set_cell_text(cell, text, size=9)
    keep_rows_whole(table)
    document.add_paragraph(caption + ".").runs[0].font.size = Pt(9)
    return table


def _docx_indicators(document, section: dict) -> None:
    """The performance indicators off target: a sentence, then a table, each rating shaded."""
    document.add_heading(section["heading"], level=1)
    document.add_paragraph(section["intro"])
    if not section["rows"]:
        return
    table = _docx_table(
        document,
        headings=section["headings"],
        rows=[
            [
                f"{row['name']}\nOwner: {row['owner']}" if row["owner"] else row["name"],
                row["priority"],
                row["value"],
                row["target"],
                row["rating_label"],
                row["direction"],
                row["note"],
            ]
            for row in section["rows"]
        ],
        widths=[34, 26, 20, 18, 20, 20, 32],
        caption=section["caption"],
    )
    for row, line in zip(table.rows[1:], section["rows"], strict=True):
        _set_cell_shading(row.cells[4], line["rating"])


def _docx_risks(document, section: dict) -> None:
    """The risk register as released: the counts, the heat map as a table, and the risks reported."""
    document.add_heading(section["heading"], level=1)
    document.add_paragraph(section["intro"])
    if not section["is_released"]:
        return
    _docx_table(
        document,
        headings=["Risks", "Number"],
        rows=[[label, value] for label, value in section["counts"]],
        widths=[100, 30],
        caption=section["counts_caption"],
    )
    document.add_heading(section["heat_map_heading"], level=2)
    heat_map = section["heat_map"]
    table = _docx_table(
        document,
        headings=[heat_map["corner"], *heat_map["likelihoods"]],
        rows=[
            [
                row["impact"],
                *[
                    f"{cell['text']}\n{cell['references']}" if cell["references"] else cell["text"]
                    for cell in row["cells"]
                ],
            ]
            for row in heat_map["rows"]
        ],
        widths=[30, *[28] * len(heat_map["likelihoods"])],
        caption=heat_map["caption"],
    )
    for row, line in zip(table.rows[1:], heat_map["rows"], strict=True):
        for cell, square in zip(row.cells[1:], line["cells"], strict=True):
            _set_cell_shading(cell, square["band"])
    document.add_heading(section["risks_heading"], level=2)
    document.add_paragraph(section["risks_intro"])
    if not section["rows"]:
        return
    table = _docx_table(
        document,
        headings=section["headings"],
        rows=[
            [
                row["reference"],
                row["title"],
                row["owner"],
                row["score"],
                row["movement"],
                row["further_actions"],
            ]
            for row in section["rows"]
        ],
        widths=[16, 40, 30, 20, 24, 40],
        caption=section["caption"],
    )
    for row, line in zip(table.rows[1:], section["rows"], strict=True):
        _set_cell_shading(row.cells[3], line["band"])


def exception_report_docx(*, content: dict, cover: dict | None = None) -> bytes:
    """Lay the exception report out as a Word committee paper (.docx) and return the file's bytes;
    `cover` is `reports.exports.paper.board_paper_cover(...)`."""
    paper = paper_in_words(content, cover)
    document = new_document(
        title=paper["title"],
        subject=f"{content['partnership']}: {content['strategy']}",
        author=content["partnership"],
        keywords="exception report",
        drawn_on=date.fromisoformat(paper["drawn_on"]),
        revision=content.get("version") or 1,
    )
    page_setup(
        document,
        title=f"{paper['title']}{' (draft)' if paper['is_draft'] else ''}",
        running_head=paper["running_head"],
    )

    _docx_cover(document, paper)
    _docx_item_summary(document, paper["item_summary"], paper["headlines"])

    document.add_heading(paper["why_reported"], level=1)
    if paper["rules"]:
        document.add_paragraph(paper["rules_intro"])
        for rule in paper["rules"]:
            document.add_paragraph(rule, style="List Bullet")
    else:
        document.add_paragraph("No exception rules are switched on.")

    document.add_heading("Summary of ratings", level=1)
    _docx_summary(document, paper["summary"])

    document.add_paragraph(paper["reported"])
    for section in paper["sections"]:
        document.add_heading(section["priority"], level=1)
        document.add_paragraph(f"Lead: {section['lead']}")
        for ambition in section["ambitions"]:
            # A two-level plan's items have no ambition heading: they sit straight under the priority.
            if ambition["ambition"]:
                document.add_heading(ambition["ambition"], level=2)
            for item in ambition["items"]:
                _docx_item(document, item, level=3 if ambition["ambition"] else 2)

    document.add_heading(paper["on_track_heading"], level=1)
    document.add_paragraph(paper["on_track"])

    if paper["indicators"]:
        _docx_indicators(document, paper["indicators"])
    if paper["risks"]:
        _docx_risks(document, paper["risks"])

    document.add_heading("What the ratings mean", level=1)
    legend = new_table(
        document, rows=len(paper["legend"]) + 1, widths=[30, 140], caption="What the ratings mean"
    )
    mark_header_row(legend.rows[0])
    set_cell_text(legend.rows[0].cells[0], "Rating", bold=True)
    set_cell_text(legend.rows[0].cells[1], "Meaning", bold=True)
    for row, entry in zip(legend.rows[1:], paper["legend"], strict=True):
        set_cell_text(row.cells[0], entry["label"])
        _set_cell_shading(row.cells[0], entry["rating"])
        set_cell_text(row.cells[1], entry["meaning"])

    document.add_heading("What the directions of travel mean", level=1)
    document.add_paragraph(paper["direction_compared"])
    directions = new_table(
        document,
        rows=len(paper["direction_legend"]) + 1,
        widths=[30, 140],
        caption="What the directions of travel mean",
    )
    mark_header_row(directions.rows[0])
    set_cell_text(directions.rows[0].cells[0], "Direction of travel", bold=True)
    set_cell_text(directions.rows[0].cells[1], "Meaning", bold=True)
    for row, entry in zip(directions.rows[1:], paper["direction_legend"], strict=True):
        set_cell_text(row.cells[0], entry["label"])
        set_cell_text(row.cells[1], entry["meaning"])

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
