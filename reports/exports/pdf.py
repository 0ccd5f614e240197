"""The exception report as a tagged A4 PDF, rendered by WeasyPrint from templates/reports/exception_report_pdf.html."""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from reports.exports.paper import paper_in_words


def exception_report_html(*, content: dict, cover: dict | None = None) -> str:
    """The PDF's HTML: the paper, and the running head (protective marking, "DRAFT" on a draft) that
    the page margins of every page carry."""
    paper = paper_in_words(content, cover)
    head = paper["running_head"]
    # It goes into a CSS string: keep to the characters a marking is made of.
    head = re.sub(r"[^A-Za-z0-9 –-]", "", head)
    return render_to_string("reports/exception_report_pdf.html", {"paper": paper, "running_head": head})


def exception_report_pdf(*, content: dict, cover: dict | None = None) -> bytes:
    """Render the exception report as a tagged A4 PDF with WeasyPrint and return the file's bytes;
    `cover` is `reports.exports.paper.board_paper_cover(...)`."""
    html = exception_report_html(content=content, cover=cover)
    # The template is self-contained; refusing every URL keeps user text from reaching the network.
    fetcher = URLFetcher(allowed_protocols=())
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(pdf_tags=True)
