"""The downloads as files: what renders each format, and a published report's board paper kept once
rendered (`BoardPaperFile`), so that a board member's download costs no rendering."""

from django.db import IntegrityError, transaction

from reports.exports.csv_file import exception_report_csv
from reports.exports.paper import board_paper_cover
from reports.exports.pdf import exception_report_pdf
from reports.exports.word import exception_report_docx
from reports.models import BoardPaperFile, ExceptionReport

FORMATS = {
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda content, cover: exception_report_docx(content=content, cover=cover),
    ),
    "pdf": ("application/pdf", lambda content, cover: exception_report_pdf(content=content, cover=cover)),
    "csv": (
        "text/csv; charset=utf-8",
        lambda content, cover: exception_report_csv(content=content).encode("utf-8-sig"),
    ),
}


def published_cover(report: ExceptionReport) -> dict:
    """A published report's board paper cover, for its downloads and its printed page."""
    return board_paper_cover(
        partnership=report.partnership,
        meeting=report.meeting,
        agenda_item=report.agenda_item,
        author=report.published_by,
    )


def board_paper_file(report: ExceptionReport, extension: str) -> bytes:
    """The published report's board paper as Word or PDF: the kept file, or rendered now and kept."""
    kept = BoardPaperFile.objects.filter(report=report, extension=extension).values_list("content", flat=True)
    for content in kept:
        return bytes(content)
    _, render = FORMATS[extension]
    content = render(report.content, published_cover(report))
    try:
        with transaction.atomic():
            BoardPaperFile.objects.create(report=report, extension=extension, content=content)
    except IntegrityError:
        pass  # rendered and kept meanwhile by another request or the task queue: the same paper
    return content


def board_papers_render(report: ExceptionReport) -> None:
    """Render and keep the report's Word and PDF board papers (each once)."""
    for extension in BoardPaperFile.Format.values:
        board_paper_file(report, extension)
