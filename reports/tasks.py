"""Background work of the reports, on Django's tasks API (settings.TASKS)."""

from django_tasks import task

from reports.exports.files import board_papers_render, draft_paper_render
from reports.models import ExceptionReport


@task()
def render_board_papers(*, report_id: int) -> None:
    """Render a newly published report's Word and PDF board papers, to keep for every download."""
    report = (
        ExceptionReport.objects.select_related("partnership", "meeting__body", "agenda_item", "published_by")
        .filter(pk=report_id)
        .first()
    )
    if report is not None:  # gone if its meeting was deleted meanwhile
        board_papers_render(report)


@task()
def render_draft_paper(*, draft_id: int) -> None:
    """Render a live report's draft board paper as it stood when asked for (`draft_paper`)."""
    draft_paper_render(draft_id)
