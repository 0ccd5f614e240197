"""The exception report as a tagged A4 PDF, rendered by WeasyPrint from templates/reports/exception_report_pdf.html."""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from reports.exports.paper import paper_in_words


def exception_report_pdf(*, content: dict) -> bytes:
    """Render the exception report as a tagged A4 PDF with WeasyPrint and return the file's bytes."""
    html = render_to_string("reports/exception_report_pdf.html", {"paper": paper_in_words(content)})
    # The template is self-contained; refusing every URL keeps user text from reaching the network.
    fetcher = URLFetcher(allowed_protocols=())
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(pdf_tags=True)
