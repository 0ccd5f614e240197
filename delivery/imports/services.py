"""The plan import's services: check an upload into a preview, confirm it, run it, and its progress.

Progress of a large import (`plan_import_run`): the rows are written in ONE transaction, so a count
of rows done written to the `PlanImport` row inside it would stay invisible to everyone else until
the end; a second database connection cannot help either, because SQLite holds one write lock for
the whole database. So the worker reports progress through Django's cache (`progress_key`), every
`PROGRESS_EVERY` rows, and writes the final counts to the row when it finishes. The default
LocMemCache is per process: with several server processes, a page served by another process sees
no progress until the end unless a shared cache (Redis, Memcached, database) is configured.
"""

import datetime
import logging
import threading
from pathlib import PurePath

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone

from accounts.models import Partnership, User
from core.conflicts import version_of
from delivery.imports.checking import Checker
from delivery.imports.reading import plan_file_read
from delivery.imports.row_plan import Outcome, RowPlan, row_data
from delivery.models import Action, PlanImport
from delivery.services.actions import action_create, action_update
from priorities.models import Strategy

logger = logging.getLogger(__name__)

BACKGROUND_OVER_ROWS = 300
PROGRESS_EVERY = 50


def plan_import_check(*, partnership: Partnership, strategy: Strategy, uploaded_by: User, file) -> PlanImport:
    """Read and check an uploaded delivery plan against a strategy, changing nothing in the plan.

    Returns a PlanImport in preview holding every row and its problems. A file that cannot be
    imported at all (wrong type, too big, missing columns) raises ValidationError and saves nothing.
    """
    if strategy.partnership_id != partnership.pk:
        raise ValidationError({"strategy": "Choose a strategy of this partnership"})
    rows = plan_file_read(file=file)
    plans = Checker(strategy).check(rows)
    plan_import = PlanImport(
        partnership=partnership,
        strategy=strategy,
        uploaded_by=uploaded_by,
        file_name=PurePath(getattr(file, "name", "") or "plan").name[:255],
        total_rows=len(plans),
    )
    _record_check(plan_import, plans)
    # Reading and checking happen outside any transaction: on SQLite a transaction takes the
    # database's write lock, which no one should wait on while a 2 MB file is parsed.
    plan_import.full_clean()
    plan_import.save()
    return plan_import


def _record_check(plan_import: PlanImport, plans: list[RowPlan]) -> None:
    plan_import.rows = [plan.as_json() for plan in plans]
    plan_import.errors = [error for plan in plans for error in plan.errors]


def plan_import_counts(plan_import: PlanImport) -> dict[str, int]:
    """How many rows will be (or were) created, updated, left unchanged or refused."""
    counts = dict.fromkeys((Outcome.CREATE, Outcome.UPDATE, Outcome.UNCHANGED, Outcome.ERROR), 0)
    for row in plan_import.rows:
        counts[row["outcome"]] += 1
    return counts


def _outcomes(rows: list[dict]) -> list[tuple]:
    return [(r["row"], r["outcome"], r["action"], r["changes"]) for r in rows]


def plan_import_confirm(*, plan_import: PlanImport, confirmed_by: User) -> PlanImport:
    """Import a checked file: every row in one transaction, in the background when it is large.

    Before anything is written the rows are checked again against the plan as it is now. If the
    plan has changed so that a row would do something other than the preview showed, the preview
    is refreshed and ValidationError raised, so that the administrator can look again.
    """
    with transaction.atomic():
        locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
        if locked.state != PlanImport.State.PREVIEW:
            raise ValidationError("This file has already been imported, or is being imported.")
        if locked.errors:
            raise ValidationError("Fix the problems in the file and upload it again.")
        strategy = locked.strategy
        plans = Checker(strategy, clear_empty=locked.clear_empty).check(
            [{"row": r["row"], "values": r["values"]} for r in locked.rows]
        )
        has_changed = _outcomes([plan.as_json() for plan in plans]) != _outcomes(locked.rows)
        in_background = locked.total_rows > BACKGROUND_OVER_ROWS
        if not has_changed:
            locked.state = PlanImport.State.IMPORTING
            locked.done_rows = 0
            locked.confirmed_by = confirmed_by
            locked.save(update_fields=["state", "done_rows", "confirmed_by"])
            if in_background:
                transaction.on_commit(
                    lambda: plan_import_start_in_background(plan_import_id=locked.pk, user_id=confirmed_by.pk)
                )
    if has_changed:
        _record_check(locked, plans)
        locked.save(update_fields=["rows", "errors"])
        raise ValidationError(
            "The delivery plan has changed since the file was checked. Check what will happen now."
        )
    if not in_background:
        plan_import_run(plan_import_id=locked.pk, user_id=confirmed_by.pk)
    locked.refresh_from_db()
    return locked


def plan_import_clear_empty_set(*, plan_import: PlanImport, clear_empty: bool) -> PlanImport:
    """Choose whether the file's empty optional cells clear existing actions' fields (else they leave
    them as they are), and check the rows again so that the preview shows what that does."""
    with transaction.atomic():
        locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
        if locked.state != PlanImport.State.PREVIEW:
            raise ValidationError("This file has already been imported, or is being imported.")
        if locked.strategy is None:
            raise ValidationError("The strategy this file was checked against no longer exists.")
        locked.clear_empty = clear_empty
        plans = Checker(locked.strategy, clear_empty=clear_empty).check(
            [{"row": r["row"], "values": r["values"]} for r in locked.rows]
        )
        _record_check(locked, plans)
        locked.save(update_fields=["clear_empty", "rows", "errors"])
    return locked


def plan_import_start_in_background(*, plan_import_id: int, user_id: int | None) -> threading.Thread:
    """Run the import in a daemon thread that closes its database connection when done."""

    def work():
        try:
            plan_import_run(plan_import_id=plan_import_id, user_id=user_id)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work, name=f"plan-import-{plan_import_id}", daemon=True)
    thread.start()
    return thread


def progress_key(plan_import_id: int) -> str:
    return f"delivery:plan-import:{plan_import_id}:done-rows"


def plan_import_progress(plan_import: PlanImport) -> int:
    """How many rows of an import under way are done, as far as this process can tell."""
    if plan_import.state != PlanImport.State.IMPORTING:
        return plan_import.done_rows
    return cache.get(progress_key(plan_import.pk), plan_import.done_rows)


class _ImportFailed(Exception):
    """The import stopped part-way; everything it wrote has been rolled back."""


def plan_import_run(*, plan_import_id: int, user_id: int | None = None) -> PlanImport:
    """Write every row of a confirmed import in one transaction: all of them, or on any failure none.

    Progress goes to the cache every PROGRESS_EVERY rows (see the module's docstring); the final
    state (imported or failed), counts and finishing time are written to the PlanImport at the end.
    """
    plan_import = PlanImport.objects.get(pk=plan_import_id)
    if plan_import.state != PlanImport.State.IMPORTING:
        return plan_import  # not confirmed, or already run
    user = User.objects.filter(pk=user_id).first() if user_id else None
    key = progress_key(plan_import_id)
    cache.set(key, 0, timeout=PROGRESS_TIMEOUT)
    try:
        with transaction.atomic():
            created, updated = _rows_write(plan_import=plan_import, user=user, key=key)
    except _ImportFailed as error:
        logger.warning("Plan import %s failed: %s", plan_import_id, error)
        _finish(plan_import_id, state=PlanImport.State.FAILED, failure=f"Nothing was imported. {error}")
    except Exception:
        logger.exception("Plan import %s failed; nothing was imported", plan_import_id)
        _finish(
            plan_import_id,
            state=PlanImport.State.FAILED,
            failure="Nothing was imported: something went wrong while writing the actions. "
            "Try again, and ask for help if it happens again.",
        )
    else:
        _finish(
            plan_import_id,
            state=PlanImport.State.IMPORTED,
            done_rows=plan_import.total_rows,
            created_count=created,
            updated_count=updated,
        )
    finally:
        cache.delete(key)
    plan_import.refresh_from_db()
    return plan_import


PROGRESS_TIMEOUT = 6 * 60 * 60


def _rows_write(*, plan_import: PlanImport, user: User | None, key: str) -> tuple[int, int]:
    strategy = plan_import.strategy
    if strategy is None:
        raise _ImportFailed("The strategy this file was checked against no longer exists.")
    # Checked again, with the strategy's actions locked, so that nothing written since the
    # preview is overwritten unseen.
    plans = Checker(strategy, lock=True, clear_empty=plan_import.clear_empty).check(
        [{"row": r["row"], "values": r["values"]} for r in plan_import.rows]
    )
    if _outcomes([p.as_json() for p in plans]) != _outcomes(plan_import.rows):
        raise _ImportFailed(
            "The delivery plan changed while the file was being imported. "
            "Upload the file again to check it against the plan as it is now."
        )
    created = updated = 0
    today = timezone.localdate()
    reason = f"Imported from {plan_import.file_name}"
    for done, plan in enumerate(plans, start=1):
        if plan.outcome in (Outcome.CREATE, Outcome.UPDATE):
            try:
                _action_write(plan=plan, today=today, reason=reason, user=user)
            except ValidationError as error:
                raise _ImportFailed(f"Row {plan.number}: {' '.join(error.messages)}") from error
            if plan.outcome == Outcome.CREATE:
                created += 1
            else:
                updated += 1
        if done % PROGRESS_EVERY == 0:
            cache.set(key, done, timeout=PROGRESS_TIMEOUT)
    return created, updated


def _finish(plan_import_id: int, **fields) -> None:
    PlanImport.objects.filter(pk=plan_import_id).update(finished_at=timezone.now(), **fields)


def _action_write(*, plan: RowPlan, today: datetime.date, reason: str, user: User | None) -> Action:
    """Create the row's action, or bring the existing one into line with the row, through the services."""
    data = row_data(plan.cleaned, plan.action, today)
    if plan.action is None:
        return action_create(ambition=plan.ambition, order=plan.order, data=data, reason=reason, by=user)
    # The action was read, locked, in this transaction: nobody can have saved it since.
    return action_update(
        action=plan.action, data=data, version=version_of(plan.action), reason=reason, by=user
    )
