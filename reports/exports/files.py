"""The downloads as files: what renders each format; a published report's board paper kept once
rendered (`BoardPaperFile`), so that a board member's download costs no rendering; and a live report's
draft paper rendered on the task queue (`DraftPaperFile`), so that no web request waits for it."""

import hashlib
import json
import logging
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.exports.csv_file import exception_report_csv
from reports.exports.paper import board_paper_cover
from reports.exports.pdf import exception_report_pdf
from reports.exports.word import exception_report_docx
from reports.models import BoardPaperFile, DraftPaperFile, ExceptionReport

logger = logging.getLogger(__name__)

# A draft is kept this long after it was asked for; one not rendered this long after it was asked for
# (its worker stopped, or the queue is that far behind) is queued again when asked for again.
DRAFT_KEPT = timedelta(days=1)
DRAFT_STALLED_AFTER = timedelta(minutes=10)

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


def draft_paper(
    *, partnership, extension: str, content: dict, cover: dict, try_again: bool = False
) -> DraftPaperFile:
    """The live report's board paper as it stands, in Word or PDF: rendered already when this very
    draft (the same content and cover) was asked for before; otherwise queued now, or queued again
    (`_asked_again`). When tasks run as they are enqueued, it comes back rendered. Called outside any
    transaction, so that a worker on another machine finds the draft saved."""
    source = {"content": content, "cover": cover}
    fingerprint = hashlib.sha256(
        json.dumps(source, sort_keys=True, cls=DjangoJSONEncoder).encode("utf-8")
    ).hexdigest()
    now = timezone.now()
    with transaction.atomic():
        draft, created = (
            DraftPaperFile.objects.select_for_update()
            .defer("source")
            .get_or_create(
                partnership=partnership,
                extension=extension,
                fingerprint=fingerprint,
                defaults={"source": source, "requested_at": now},
            )
        )
        if created:
            DraftPaperFile.objects.filter(partnership=partnership, requested_at__lt=now - DRAFT_KEPT).delete()
        queue = created or _asked_again(draft, try_again)
    return _queued(draft) if queue else draft


def draft_paper_asked(
    *, partnership, extension: str, pk: int, try_again: bool = False
) -> DraftPaperFile | None:
    """A draft paper asked for before, found by its id without building the report again, as it
    stands now (queued again as `_asked_again` says); None when the partnership keeps no such draft."""
    with transaction.atomic():
        draft = (
            DraftPaperFile.objects.select_for_update()
            .defer("source")
            .filter(partnership=partnership, extension=extension, pk=pk)
            .first()
        )
        queue = draft is not None and _asked_again(draft, try_again)
    return _queued(draft) if queue else draft


def _asked_again(draft: DraftPaperFile, try_again: bool) -> bool:
    """Whether an unrendered draft is to be queued again: when it stalled, or failed and the person
    asks to `try_again`. If so it is marked as asked for now."""
    now = timezone.now()
    again = draft.rendered_at is None and (
        try_again if draft.failed_at else now - draft.requested_at > DRAFT_STALLED_AFTER
    )
    if again:
        draft.requested_at, draft.started_at, draft.failed_at = now, None, None
        draft.save(update_fields=["requested_at", "started_at", "failed_at"])
    return again


def _queued(draft: DraftPaperFile) -> DraftPaperFile:
    """Queue the saved draft for rendering, and read how it stands: rendered already when tasks run as
    they are enqueued."""
    from reports.tasks import render_draft_paper  # the task module imports this one

    render_draft_paper.enqueue(draft_id=draft.pk)
    draft.refresh_from_db(fields=["content", "requested_at", "started_at", "rendered_at", "failed_at"])
    return draft


def draft_paper_render(draft_id: int) -> None:
    """Render a queued draft paper and keep it, or record that rendering failed (the page then offers to
    try again). A worker stopped part-way leaves the draft unrendered, to be queued again."""
    if not DraftPaperFile.objects.filter(pk=draft_id, rendered_at__isnull=True).update(
        started_at=timezone.now()
    ):
        return  # rendered already, or no longer kept
    draft = DraftPaperFile.objects.only("extension", "source").get(pk=draft_id)
    _, render = FORMATS[draft.extension]
    try:
        content = render(draft.source["content"], draft.source["cover"])
    except Exception:
        logger.exception("Draft paper %s could not be rendered", draft_id)
        DraftPaperFile.objects.filter(pk=draft_id).update(failed_at=timezone.now())
        return
    DraftPaperFile.objects.filter(pk=draft_id).update(
        content=content, source=None, rendered_at=timezone.now()
    )
