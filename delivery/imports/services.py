"""The plan import's services: check an upload into a preview, confirm it, run it, and its progress.

A large import (over BACKGROUND_OVER_ROWS rows) runs on the task queue (`delivery.tasks.import_plan`),
so it survives the web process and any node's worker may take it. `plan_import_run` writes every row
in ONE transaction, holding the `PlanImport` row locked: a worker killed mid-import leaves nothing
written, and a second run of the same import (a retry) waits for the lock, then finds it done.

Progress: a count of rows written to the `PlanImport` row inside that transaction would stay invisible
to everyone else until the end, and a second database connection cannot help, because SQLite holds
one write lock for the whole database. So the worker reports progress through Django's cache, which
every node and worker shares (Redis, or on one machine a file-based cache: sbp/settings.py), every
`PROGRESS_EVERY` rows, with the time; the final counts go to the row when it finishes. An import
whose progress has not moved for STALLED_AFTER seconds may be started again (`plan_import_confirm`).
"""

import logging
import time
from pathlib import PurePath

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Partnership, User
from core.conflicts import version_of
from core.ratings import Rating
from core.text import count_of
from delivery.imports.checking import Checker
from delivery.imports.columns import COLUMNS, HEADINGS, required_keys
from delivery.imports.matching import (
    columns_known,
    columns_problems,
    columns_remembered,
    heading_normalised,
    headings_in_words,
    template_column,
)
from delivery.imports.reading import plan_file_read, rows_by_column
from delivery.imports.returns import column_headings
from delivery.imports.row_plan import Outcome, RowPlan, row_data
from delivery.models import Action, ImportColumnMatch, PlanImport
from delivery.services.actions import action_create, action_update, tags_named
from delivery.services.updates import progress_update_import
from priorities.models import Priority, StrategicAmbition, Strategy
from priorities.services import actions_ambition_of, ambition_create, priority_create

logger = logging.getLogger(__name__)

BACKGROUND_OVER_ROWS = 300
PROGRESS_EVERY = 50
STALLED_AFTER = 2 * 60


def plan_import_check(*, partnership: Partnership, strategy: Strategy, uploaded_by: User, file) -> PlanImport:
    """Read an uploaded delivery plan and check it against a strategy, changing nothing in the plan.

    When every heading is the template's or one the partnership matched before, the rows are checked
    at once: the PlanImport is in preview, holding every row and its problems. Otherwise it waits in
    MATCHING for its columns to be matched (`plan_import_columns_match`). A file that cannot be
    imported at all (wrong type, too big, too few columns) raises ValidationError and saves nothing.
    """
    if strategy.partnership_id != partnership.pk:
        raise ValidationError({"strategy": "Choose a strategy of this partnership"})
    plan_file = plan_file_read(file=file)
    positions = plan_file.positions
    required = required_keys(strategy)
    if len(positions) < len(required):
        raise ValidationError(
            {
                "file": f"The selected file has only {count_of(len(positions), 'column')}: a delivery plan "
                f"needs at least {len(required)}, for "
                f"{headings_in_words([c.heading for c in COLUMNS if c.key in required])}. Its first row "
                "must hold the column headings"
            }
        )
    headings = plan_file.headings
    if all(template_column(headings[position]) for position in positions):
        # The template's own headings, without a column it needs: matching cannot mend that.
        template = {position: template_column(headings[position]) for position in positions}
        twice, missing = columns_problems(columns=template, strategy=strategy)
        if twice:
            raise ValidationError(
                {
                    "file": f"The column “{HEADINGS[template[min(twice)]]}” appears more than once in the selected file"
                }
            )
        if missing:
            raise ValidationError(
                {
                    "file": f"The selected file is missing these columns: {', '.join(missing)}. Its first "
                    "row must hold the column headings of the template"
                }
            )
    remembered = columns_remembered(partnership=partnership, headings=headings)
    columns = columns_known(
        headings=headings, remembered=remembered, positions=positions, fields=column_headings(strategy)
    )
    if columns is not None and any(columns_problems(columns=columns, strategy=strategy)):
        columns = None  # what was remembered does not fit this file: ask again
    plan_import = PlanImport(
        partnership=partnership,
        strategy=strategy,
        uploaded_by=uploaded_by,
        file_name=PurePath(getattr(file, "name", "") or "plan").name[:255],
        headings=plan_file.headings,
        rows=plan_file.rows,
        total_rows=len(plan_file.rows),
    )
    # Reading and checking happen outside any transaction: on SQLite a transaction takes the
    # database's write lock, which no one should wait on while a 2 MB file is parsed.
    if columns is None:
        plan_import.state = PlanImport.State.MATCHING
    else:
        _record_columns(plan_import, columns)
    plan_import.full_clean()
    plan_import.save()
    return plan_import


def plan_import_columns_match(*, plan_import: PlanImport, columns: dict[int, str]) -> PlanImport:
    """Say which of the file's columns holds which field, remember that for the partnership's next
    file, and check the rows with those columns: the import goes on to its preview.

    `columns` maps a position in the file to a column key; a column left out is not imported. Each
    field may be chosen once, and every field the strategy needs must be (else ValidationError, and
    nothing changes).
    """
    with transaction.atomic():
        locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
        if locked.state not in (PlanImport.State.MATCHING, PlanImport.State.PREVIEW):
            raise ValidationError("This file has already been imported, or is being imported.")
        if not locked.headings or any("cells" not in row for row in locked.rows):
            raise ValidationError(
                "This file was checked before its columns could be matched: upload it again."
            )
        positions = set(range(len(locked.headings)))
        if not set(columns) <= positions or not set(columns.values()) <= set(
            column_headings(locked.strategy)
        ):
            raise ValidationError("Choose a field of the plan, or “Do not import”, for each column.")
        twice, missing = columns_problems(columns=columns, strategy=locked.strategy)
        if twice or missing:
            raise ValidationError(
                [
                    *dict.fromkeys(twice.values()),
                    *([f"Choose a column for {headings_in_words(missing)}"] if missing else []),
                ]
            )
        for position, heading in enumerate(locked.headings):
            normalised = heading_normalised(heading)
            if normalised:
                ImportColumnMatch.objects.update_or_create(
                    partnership_id=locked.partnership_id,
                    heading=normalised,
                    defaults={"column": columns.get(position, "")},
                )
        _record_columns(locked, columns)
        locked.state = PlanImport.State.PREVIEW
        locked.save(update_fields=["columns", "rows", "errors", "state"])
    return locked


def _record_columns(plan_import: PlanImport, columns: dict[int, str]) -> None:
    """Check the file's rows with these columns, keeping each row's cells for matching them again."""
    plan_import.columns = {str(position): key for position, key in sorted(columns.items())}
    plans = Checker(plan_import.strategy, clear_empty=plan_import.clear_empty).check(
        rows_by_column(plan_import.rows, columns)
    )
    _record_check(plan_import, plans)


def plan_import_columns(plan_import: PlanImport) -> dict[int, str]:
    """Which position of the file holds which field, as matched."""
    return {int(position): key for position, key in plan_import.columns.items()}


def _record_check(plan_import: PlanImport, plans: list[RowPlan]) -> None:
    cells = {row["row"]: row["cells"] for row in plan_import.rows if "cells" in row}
    plan_import.rows = [
        {**plan.as_json(), "cells": cells[plan.number]} if plan.number in cells else plan.as_json()
        for plan in plans
    ]
    plan_import.errors = [error for plan in plans for error in plan.errors]


def plan_import_counts(plan_import: PlanImport) -> dict[str, int]:
    """How many rows will be (or were) created, updated, left unchanged or refused."""
    counts = dict.fromkeys((Outcome.CREATE, Outcome.UPDATE, Outcome.UNCHANGED, Outcome.ERROR), 0)
    for row in plan_import.rows:
        counts[row["outcome"]] += 1
    return counts


def _outcomes(rows: list[dict]) -> list[tuple]:
    return [(r["row"], r["outcome"], r["action"], r["changes"], r.get("returns", [])) for r in rows]


def plan_import_confirm(*, plan_import: PlanImport, confirmed_by: User) -> PlanImport:
    """Import a checked file: every row in one transaction, on the task queue when it is large.

    Before anything is written the rows are checked again against the plan as it is now. If the
    plan has changed so that a row would do something other than the preview showed, the preview
    is refreshed and ValidationError raised, so that the administrator can look again. Confirming a
    large import that has stalled (`plan_import_stalled`: its worker stopped) puts it on the queue
    again; nothing of it was saved.
    """
    with transaction.atomic():
        locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
        if locked.state == PlanImport.State.IMPORTING and plan_import_stalled(locked):
            _queue(locked, user=confirmed_by)
            return locked
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
                _queue(locked, user=confirmed_by)
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


def _queue(plan_import: PlanImport, *, user: User) -> None:
    """Put the import on the task queue once this transaction commits, its progress at 0 rows now."""
    from delivery.tasks import import_plan  # the task module imports this one

    _progress_set(plan_import.pk, 0)
    transaction.on_commit(lambda: import_plan.enqueue(plan_import_id=plan_import.pk, user_id=user.pk))


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


def progress_key(plan_import_id: int) -> str:
    return f"delivery:plan-import:{plan_import_id}:progress"


def _progress_set(plan_import_id: int, done: int) -> None:
    cache.set(progress_key(plan_import_id), (done, time.time()), timeout=PROGRESS_TIMEOUT)


def plan_import_progress(plan_import: PlanImport) -> int:
    """How many rows of an import under way are done, as its worker last said."""
    if plan_import.state != PlanImport.State.IMPORTING:
        return plan_import.done_rows
    done, _ = cache.get(progress_key(plan_import.pk), (plan_import.done_rows, None))
    return done


def plan_import_stalled(plan_import: PlanImport) -> bool:
    """Whether an import under way has said nothing for STALLED_AFTER seconds: its worker has stopped
    (or the queue is that far behind), so it may be started again."""
    if plan_import.state != PlanImport.State.IMPORTING:
        return False
    _, said_at = cache.get(progress_key(plan_import.pk), (0, None))
    return said_at is None or time.time() - said_at > STALLED_AFTER


class _ImportFailed(Exception):
    """The import stopped part-way; everything it wrote has been rolled back."""


def plan_import_run(*, plan_import_id: int, user_id: int | None = None) -> PlanImport:
    """Write every row of a confirmed import in one transaction: all of them, or on any failure none.

    The PlanImport row stays locked until the end, so a second run of the same import waits and then
    finds it no longer importing. Progress goes to the cache every PROGRESS_EVERY rows (see the
    module's docstring); the final state, counts and finishing time are written to the PlanImport.
    """
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        with transaction.atomic():
            plan_import = PlanImport.objects.select_for_update().get(pk=plan_import_id)
            if plan_import.state != PlanImport.State.IMPORTING:
                return plan_import  # not confirmed, or already run
            _progress_set(plan_import_id, 0)
            created, updated = _rows_write(plan_import=plan_import, user=user)
            _finish(
                plan_import_id,
                state=PlanImport.State.IMPORTED,
                done_rows=plan_import.total_rows,
                created_count=created,
                updated_count=updated,
            )
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
    # Not on the way out of a worker being stopped: its progress stays, to go stale (`plan_import_stalled`).
    cache.delete(progress_key(plan_import_id))
    return PlanImport.objects.get(pk=plan_import_id)


PROGRESS_TIMEOUT = 6 * 60 * 60


def _rows_write(*, plan_import: PlanImport, user: User | None) -> tuple[int, int]:
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
    reason = f"Imported from {plan_import.file_name}"
    made: dict[int, Priority | StrategicAmbition] = {}
    for done, plan in enumerate(plans, start=1):
        if plan.outcome in (Outcome.CREATE, Outcome.UPDATE) or plan.returns:
            try:
                _action_write(
                    plan=plan,
                    partnership=strategy.partnership,
                    reason=reason,
                    user=user or plan_import.uploaded_by,
                    made=made,
                )
            except ValidationError as error:
                raise _ImportFailed(f"Row {plan.number}: {' '.join(error.messages)}") from error
            if plan.outcome == Outcome.CREATE:
                created += 1
            elif plan.outcome == Outcome.UPDATE:
                updated += 1
        if done % PROGRESS_EVERY == 0:
            _progress_set(plan_import.pk, done)
    return created, updated


def _finish(plan_import_id: int, **fields) -> None:
    """Record how an import ended, unless another run of it has already done so."""
    PlanImport.objects.filter(pk=plan_import_id, state=PlanImport.State.IMPORTING).update(
        finished_at=timezone.now(), **fields
    )


def _action_write(
    *, plan: RowPlan, partnership: Partnership, reason: str, user: User | None, made: dict
) -> Action:
    """Create the row's action (and the priority and ambition the file adds, once: `made`), or bring
    the existing one into line with the row, through the services; then write the past returns the
    row brings and rate a completion the row makes Blue in its reporting period, each as a submitted
    progress update (`progress_update_import`, which keeps an update already submitted)."""
    data = row_data(plan.cleaned, plan.action)
    if "tags" in data:
        data["tags"] = tags_named(partnership=partnership, names=data["tags"])
    if plan.action is None:
        ambition = _ambition_made(plan.ambition, made)
        action = action_create(ambition=ambition, order=plan.order, data=data, reason=reason, by=user)
    elif plan.outcome == Outcome.UNCHANGED:
        action = plan.action  # only its past returns to write
    else:
        # The action was read, locked, in this transaction: nobody can have saved it since.
        action = action_update(
            action=plan.action, data=data, version=version_of(plan.action), reason=reason, by=user
        )
    if user is None:
        return action
    for past_return in plan.returns:
        if not past_return.kept:
            progress_update_import(
                action=action,
                period=past_return.period,
                author=user,
                rating=past_return.rating,
                narrative=past_return.narrative,
                reason=reason,
            )
    period = plan.completion.period if plan.completion else None
    if period is not None and period not in {past_return.period for past_return in plan.returns}:
        progress_update_import(
            action=action,
            period=period,
            author=user,
            rating=Rating.BLUE,
            narrative=f"Completed on {action.completed_on:%d/%m/%Y}. {reason}.",
            reason=reason,
        )
    return action


def _ambition_made(ambition: StrategicAmbition, made: dict) -> StrategicAmbition:
    """The row's ambition, created (with its priority) when the file adds it; each once per import."""
    if ambition.pk is not None:
        return ambition
    if id(ambition) not in made:
        priority = ambition.priority
        if priority.pk is None:
            if id(priority) not in made:
                made[id(priority)] = priority_create(strategy=priority.strategy, title=priority.title)
            priority = made[id(priority)]
        if priority.strategy.has_ambitions:
            made[id(ambition)] = ambition_create(priority=priority, title=ambition.title)
        else:
            made[id(ambition)] = actions_ambition_of(priority)
    return made[id(ambition)]
