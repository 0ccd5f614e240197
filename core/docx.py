"""Word (.docx) building blocks every paper shares: A4 in Arial, the protective marking on every page,
page numbers, and accessible tables (a repeated header row, a caption, rows kept whole)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

FONT = "Arial"
TEXT_COLOUR = RGBColor(0x0B, 0x0C, 0x0C)


def clear_theme_fonts(rpr) -> None:
    """Point a run-properties element at Arial, dropping theme fonts, which Word would prefer."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), FONT)


def style_document(document) -> None:
    """House styles: Arial in dark text throughout, British English, compact paragraphs."""
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    clear_theme_fonts(defaults)
    language = defaults.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:val"), "en-GB")

    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 12)):
        style = document.styles[name]
        clear_theme_fonts(style.element.get_or_add_rPr())
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = TEXT_COLOUR
        style.paragraph_format.space_before = Pt(6 if name == "Title" else 14)
        style.paragraph_format.space_after = Pt(6)


def drop_template_thumbnail(document) -> None:
    """Drop python-docx's template preview image, which file browsers would show instead of the paper."""
    relationships = document.part.package.rels
    for rid, relationship in list(relationships.items()):
        if relationship.reltype == RT.THUMBNAIL:
            del relationships[rid]


def new_document(
    *, title: str, subject: str, author: str, keywords: str, drawn_on: date, revision: int | None = None
):
    """A house-styled Word document whose properties name the paper, its author and the day it shows,
    with nothing of the machine or template that made it."""
    document = Document()
    style_document(document)
    properties = document.core_properties
    properties.title = title
    properties.subject = subject
    properties.author = properties.last_modified_by = author
    properties.keywords = keywords
    properties.comments = ""
    properties.language = "en-GB"
    properties.created = properties.modified = datetime.combine(drawn_on, datetime.min.time(), tzinfo=UTC)
    if revision is not None:
        properties.revision = revision
    drop_template_thumbnail(document)
    return document


def add_field(paragraph, instruction: str) -> None:
    """Append a simple field (a page number) that Word and LibreOffice work out when they lay out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def page_setup(document, *, title: str, running_head: str) -> None:
    """A4 portrait with 20 mm margins; the running head (`core.text.running_head`) centred in bold in
    the header and at the foot of every page, above it the title, then "Page N of M"."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))

    section.different_first_page_header_footer = False
    document.styles["Header"].font.size = Pt(10)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run(running_head).bold = True

    document.styles["Footer"].font.size = Pt(9)
    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run(f"{title}\tPage ")
    add_field(footer, "PAGE")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES")
    marked = section.footer.add_paragraph()
    marked.alignment = WD_ALIGN_PARAGRAPH.CENTER
    marked.add_run(running_head).bold = True


def add_details(document, details) -> None:
    """The paper's "Label: value" lines, the label in bold, closely spaced."""
    for label, value in details:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)


def set_cell_text(cell, text: str, *, bold: bool = False, size: float | None = None) -> None:
    """Write plain text into a cell: a blank line starts a paragraph, a newline breaks the line."""
    paragraphs = [p.strip("\n") for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()] or [""]
    for index, words in enumerate(paragraphs):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        run = paragraph.add_run(words)
        run.font.bold = bold or None
        if size:
            run.font.size = Pt(size)


def mark_header_row(row) -> None:
    """Mark a table's first row as its header, repeated on each page and read as headings."""
    trpr = row._tr.get_or_add_trPr()
    trpr.insert_element_before(
        OxmlElement("w:tblHeader"), "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange"
    )


def keep_rows_whole(table) -> None:
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


def set_table_caption(table, caption: str) -> None:
    """Give a table alternative text (its caption), which screen readers announce."""
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), caption[:255])
    table._tbl.tblPr.insert_element_before(element, "w:tblDescription", "w:tblPrChange")


def new_table(document, *, rows: int, widths: list[float], caption: str):
    """A bordered table with fixed column widths in millimetres and a caption for screen readers."""
    table = document.add_table(rows=rows, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    set_table_caption(table, caption)
    return table


def add_heading_row(table, headings) -> None:
    """Fill a table's first row with bold headings and mark it as the header row."""
    mark_header_row(table.rows[0])
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        set_cell_text(cell, text, bold=True, size=9)
