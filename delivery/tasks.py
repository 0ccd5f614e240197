"""Background work of the delivery plan, on Django's tasks API (settings.TASKS)."""

from datetime import date

from django.utils.module_loading import import_string
from django_tasks import task

from delivery.imports.services import plan_import_run
from delivery.models import ReportingPeriod


@task()
def import_plan(*, plan_import_id: int, user_id: int | None) -> str:
    """Run a confirmed large import (`plan_import_run`); return the state it ended in."""
    return plan_import_run(plan_import_id=plan_import_id, user_id=user_id).state


@task()
def send_reminders_now(*, kind: str, period_id: int, today: str) -> list[tuple[int, str]]:
    """Send a period's reminders of a kind (the dotted path of its `ReminderKind`) by the daily rules,
    and return what the page says about it: (message level, text) pairs."""
    reminders = import_string(kind)
    period = ReportingPeriod.objects.select_related("partnership").get(pk=period_id)
    sent = reminders.send_now(period=period, today=date.fromisoformat(today))
    return reminders.sent_messages(sent, period=period)
