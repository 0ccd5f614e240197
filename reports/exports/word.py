"""The exception report as a Word committee paper (.docx): A4, Arial, shaded ratings, page numbers."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports.exports.paper import paper_in_words

# GOV.UK Frontend tag colour pairs, as on screen (frontend/scss/application.scss): text on background.
RATING_COLOURS = {
    "red": ("2A0B06", "F4CDC6"),
    "amber": ("594D00", "FFF7BF"),
    "green": ("005A30", "CCE2D8"),
    "blue": ("0C2D4A", "BBD4EA"),
    "not_rated": ("282D30", "E5E6E7"),
}

FONT = "Arial"
TEXT_COLOUR = RGBColor(0x0B, 0x0C, 0x0C)


def _clear_theme_fonts(rpr) -> None:
    """Point a run-properties element at Arial, dropping theme fonts, which Word would prefer."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _style_document(document) -> None:
    """House styles: Arial in dark text throughout, British English, compact paragraphs."""
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _clear_theme_fonts(defaults)
    language = defaults.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:val"), "en-GB")

    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 12)):
        style = document.styles[name]
        _clear_theme_fonts(style.element.get_or_add_rPr())
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = TEXT_COLOUR
        style.paragraph_format.space_before = Pt(6 if name == "Title" else 14)
        style.paragraph_format.space_after = Pt(6)


def _page_setup(document, *, title: str) -> None:
    """A4 portrait with 20 mm margins and a footer: the title, then "Page N of M"."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))

    document.styles["Footer"].font.size = Pt(9)
    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run(f"{title}\tPage ")
    _add_field(footer, "PAGE")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES")


def _add_field(paragraph, instruction: str) -> None:
    """Append a simple field (a page number) that Word and LibreOffice work out when they lay out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_cell_shading(cell, rating: str) -> None:
    """Give a cell the rating's light background and dark text, as the rating tags on screen."""
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


def _set_cell_text(cell, text: str, *, bold: bool = False, size: float | None = None) -> None:
    """Write plain text into a cell: a blank line starts a paragraph, a newline breaks the line."""
    paragraphs = [p.strip("\n") for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()] or [""]
    for index, words in enumerate(paragraphs):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        run = paragraph.add_run(words)
        run.font.bold = bold or None
        if size:
            run.font.size = Pt(size)


def _set_cell_lines(cell, lines: list[str]) -> None:
    """Write a list into a cell, one bulleted paragraph a line."""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.style = "List Bullet"
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.add_run(line)


def _mark_header_row(row) -> None:
    """Mark a table's first row as its header, repeated on each page and read as headings."""
    trpr = row._tr.get_or_add_trPr()
    trpr.insert_element_before(
        OxmlElement("w:tblHeader"), "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange"
    )


def _keep_rows_whole(table) -> None:
    """Stop Word splitting a row across two pages."""
    for row in table.rows:
        trpr = row._tr.get_or_add_trPr()
        trpr.insert_element_before(
            OxmlElement("w:cantSplit"),
            "w:trHeight",
            "w:tblHeader",
            "w:tblCellSpacing",
            "w:jc",
            "w:hidden",
            "w:ins",
            "w:del",
            "w:trPrChange",
        )


def _set_table_caption(table, caption: str) -> None:
    """Give a table alternative text (its caption), which screen readers announce."""
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), caption[:255])
    table._tbl.tblPr.insert_element_before(element, "w:tblDescription", "w:tblPrChange")


def _new_table(document, *, rows: int, widths: list[float], caption: str):
    """A bordered table with fixed column widths in millimetres."""
    table = document.add_table(rows=rows, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    _set_table_caption(table, caption)
    return table


def _drop_template_thumbnail(document) -> None:
    """Drop python-docx's template preview image, which file browsers would show instead of this paper."""
    relationships = document.part.package.rels
    for rid, relationship in list(relationships.items()):
        if relationship.reltype == RT.THUMBNAIL:
            del relationships[rid]


def _docx_summary(document, summary: dict) -> None:
    """The summary table: priority, lead, a count per rating, total, and a totals row."""
    ratings = summary["ratings"]
    rating_width = 75 / max(len(ratings), 1)
    table = _new_table(
        document,
        rows=len(summary["rows"]) + 2,
        widths=[45, 35, *[rating_width] * len(ratings), 15],
        caption=summary["caption"],
    )
    header = table.rows[0]
    _mark_header_row(header)
    for cell, text in zip(
        header.cells,
        [summary["priority_heading"], "Lead", *[r["label"] for r in ratings], "Total"],
        strict=True,
    ):
        _set_cell_text(cell, text, bold=True, size=9)
    for cell, rating in zip(header.cells[2:], ratings, strict=False):
        _set_cell_shading(cell, rating["rating"])
    lines = [*summary["rows"], summary["totals"]]
    for row, line in zip(table.rows[1:], lines, strict=True):
        is_total = line is summary["totals"]
        texts = [line["priority"], line["lead"], *line["cells"], line["total"]]
        for cell, text in zip(row.cells, texts, strict=True):
            _set_cell_text(cell, text, bold=is_total, size=9)
    _keep_rows_whole(table)
    caption = document.add_paragraph(summary["caption"] + ".")
    caption.runs[0].font.size = Pt(9)


def _docx_item(document, item: dict, *, level: int) -> None:
    """An item: its reference and title as a heading, then a two-column table of its details."""
    document.add_heading(item["heading"], level=level)
    table = _new_table(document, rows=len(item["rows"]), widths=[40, 130], caption=item["heading"])
    for row, detail in zip(table.rows, item["rows"], strict=True):
        label, value = row.cells
        _set_cell_text(label, detail["label"], bold=True)
        if detail["lines"] is not None:
            _set_cell_lines(value, detail["lines"])
        else:
            _set_cell_text(value, detail["text"])
        _set_cell_shading(value, detail["rating"])
    _keep_rows_whole(table)
    document.add_paragraph()


def exception_report_docx(*, content: dict) -> bytes:
    """Lay the exception report out as a Word committee paper (.docx) and return the file's bytes."""
    paper = paper_in_words(content)
    document = Document()
    _style_document(document)
    _page_setup(document, title=paper["title"])

    properties = document.core_properties
    drawn_at = datetime.combine(date.fromisoformat(paper["drawn_on"]), datetime.min.time(), tzinfo=UTC)
    properties.title = paper["title"]
    properties.subject = f"{content['partnership']}: {content['strategy']}"
    properties.author = properties.last_modified_by = content["partnership"]
    properties.keywords = "exception report"
    properties.comments = ""
    properties.language = "en-GB"
    properties.created = properties.modified = drawn_at
    properties.revision = content.get("version") or 1
    _drop_template_thumbnail(document)

    document.add_heading(paper["title"], level=0)
    for label, value in paper["details"]:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)

    document.add_heading(paper["why_reported"], level=1)
    if paper["rules"]:
        document.add_paragraph(paper["rules_intro"])
        for rule in paper["rules"]:
            document.add_paragraph(rule, style="List Bullet")
    else:
        document.add_paragraph("No exception rules are switched on.")

    document.add_heading("Summary", level=1)
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

    document.add_heading("What the ratings mean", level=1)
    legend = _new_table(
        document, rows=len(paper["legend"]) + 1, widths=[30, 140], caption="What the ratings mean"
    )
    _mark_header_row(legend.rows[0])
    _set_cell_text(legend.rows[0].cells[0], "Rating", bold=True)
    _set_cell_text(legend.rows[0].cells[1], "Meaning", bold=True)
    for row, entry in zip(legend.rows[1:], paper["legend"], strict=True):
        _set_cell_text(row.cells[0], entry["label"])
        _set_cell_shading(row.cells[0], entry["rating"])
        _set_cell_text(row.cells[1], entry["meaning"])

    document.add_heading("What the directions of travel mean", level=1)
    document.add_paragraph(paper["direction_compared"])
    directions = _new_table(
        document,
        rows=len(paper["direction_legend"]) + 1,
        widths=[30, 140],
        caption="What the directions of travel mean",
    )
    _mark_header_row(directions.rows[0])
    _set_cell_text(directions.rows[0].cells[0], "Direction of travel", bold=True)
    _set_cell_text(directions.rows[0].cells[1], "Meaning", bold=True)
    for row, entry in zip(directions.rows[1:], paper["direction_legend"], strict=True):
        _set_cell_text(row.cells[0], entry["label"])
        _set_cell_text(row.cells[1], entry["meaning"])

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
