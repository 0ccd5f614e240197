"""Publishing exception reports and choosing the rules they use."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Partnership, User
from delivery.models import ReportingPeriod
from meetings.models import AgendaItem, Meeting
from priorities.models import Strategy
from reports.exceptions import exception_report_build, strategy_for
from reports.models import ExceptionReport, ExceptionRule, ExceptionRuleSetting
from reports.tasks import render_board_papers


@transaction.atomic
def exception_report_publish(
    *,
    partnership: Partnership,
    period: ReportingPeriod,
    meeting: Meeting,
    published_by: User,
    today: date,
    strategy: Strategy | None = None,
    agenda_item: AgendaItem | None = None,
) -> ExceptionReport:
    """Freeze the report on a strategy (by default `strategy_for` the period) as it stands and file it
    with the meeting, under one of its agenda items if given (the board paper's cover names it);
    publishing the same strategy's report again adds a version."""
    if period.partnership_id != partnership.pk or meeting.partnership_id != partnership.pk:
        raise ValidationError("Choose a period and a meeting of this partnership.")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "Choose an agenda item of the meeting the report goes to."})
    if strategy is None:
        strategy = strategy_for(period)
    elif strategy.partnership_id != partnership.pk:
        raise ValidationError("Choose a strategy of this partnership.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)  # one publication at a time
    latest = (
        ExceptionReport.objects.filter(meeting=meeting, period=period, strategy=strategy)
        .order_by("-version")
        .first()
    )
    version = latest.version + 1 if latest else 1
    content = exception_report_build(
        partnership=partnership, period=period, meeting=meeting, today=today, strategy=strategy
    )
    content["version"] = version
    report = ExceptionReport(
        partnership=partnership,
        period=period,
        meeting=meeting,
        agenda_item=agenda_item,
        strategy=strategy,
        version=version,
        content=content,
        published_at=timezone.now(),
        published_by=published_by,
    )
    report.full_clean()
    report.save()
    transaction.on_commit(lambda: render_board_papers.enqueue(report_id=report.pk))
    return report


@transaction.atomic
def exception_rules_set(*, partnership: Partnership, enabled: set[str]) -> None:
    """Switch each exception rule on or off for the partnership's reports."""
    for rule in ExceptionRule:
        ExceptionRuleSetting.objects.update_or_create(
            partnership=partnership, rule=rule, defaults={"is_enabled": rule in enabled}
        )
