"""Background work of the delivery plan, on Django's tasks API (settings.TASKS)."""

from django_tasks import task

from delivery.imports.services import plan_import_run


@task()
def import_plan(*, plan_import_id: int, user_id: int | None) -> str:
    """Run a confirmed large import (`plan_import_run`); return the state it ended in."""
    return plan_import_run(plan_import_id=plan_import_id, user_id=user_id).state
