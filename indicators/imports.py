"""Importing indicator values from a spreadsheet (.xlsx or .csv), with the plan import's preview rules.

The file is read by the plan import's reader (`delivery.imports.reading`), with its limits on size,
rows and text. Each row names an indicator (by name, or its id), a reporting period (by its name, as
the partnership names it), a value and an optional note. `value_import_check` says what each row will
do (a new value, a changed value, unchanged) and every row's problems; nothing is saved then. The rows
of a file with no problems are kept, signed (`django.core.signing`), in the preview page's confirm
button, with the version of each saved value as the preview saw it: no model holds them.
`value_import_confirm` checks them again and saves them all through `indicator_value_save`, or none:
a value changed since the preview refuses the whole import.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Partnership, User
from core.conflicts import EditConflict, lock_unchanged, saved_by, saved_when, version_of
from core.limits import SHORT_TEXT_MAX_LENGTH, whole_number
from delivery.imports.matching import heading_normalised
from delivery.imports.reading import plan_file_read
from delivery.models import ReportingPeriod
from indicators.models import Indicator, IndicatorValue
from indicators.numbers import number_from_text
from indicators.services import indicator_value_save
from indicators.standing import value_in_words

MAX_ROWS = 1000
MAX_TOKEN_CHARACTERS = 2_000_000  # the signed rows travel in a form field, under Django's 2.5 MB limit
PREVIEW_SECONDS = 60 * 60  # how long a preview may be confirmed for
SALT = "indicators.value_import"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    is_required: bool
    hint: str
    also: tuple[str, ...] = ()


COLUMNS = (
    Column(
        "indicator",
        "Indicator",
        True,
        "The indicator's name as the service shows it, or its id (the number in its page's address).",
        ("indicator name", "indicator id", "id", "measure", "performance indicator"),
    ),
    Column(
        "period",
        "Period",
        True,
        "The reporting period's name as the partnership names it, for example Q1 2024/25.",
        ("reporting period", "quarter"),
    ),
    Column(
        "value",
        "Value",
        True,
        "A number, such as 125, 12.5 or 1,200. For a yes or no indicator, 1 for yes or 0 for no.",
        ("figure", "actual", "result"),
    ),
    Column("note", "Note", False, "What explains the figure (optional).", ("notes", "comment", "comments")),
)
_KEYS = {heading_normalised(name): c.key for c in COLUMNS for name in (c.heading, *c.also)}


def _name_key(text: str) -> str:
    """A name as rows are matched to it: spacing, case and compatibility forms aside."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


@dataclass
class ImportRow:
    """One row of the file, as the preview shows it."""

    row: int
    indicator_text: str
    period_text: str
    value_text: str
    note: str
    indicator: Indicator | None = None
    period: ReportingPeriod | None = None
    value: Decimal | None = None
    saved: IndicatorValue | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        """ "problem", "new", "changed" or "unchanged"."""
        if self.problems:
            return "problem"
        if self.saved is None:
            return "new"
        if self.saved.value == self.value and self.saved.note == self.note:
            return "unchanged"
        return "changed"

    @property
    def value_shown(self) -> str:
        if self.value is None or self.indicator is None:
            return self.value_text
        return value_in_words(self.value, self.indicator.unit)

    @property
    def was_shown(self) -> str:
        return value_in_words(self.saved.value, self.indicator.unit) if self.saved else ""

    @property
    def value_changed(self) -> bool:
        return self.saved is not None and self.saved.value != self.value

    @property
    def note_changed(self) -> bool:
        return self.saved is not None and self.saved.note != self.note

    @property
    def change_shown(self) -> str:
        """What a changed row does to the saved value, as the preview says it; a locked period's value
        is history being corrected, and the preview says so."""
        if self.value_changed:
            shown = f"Value changed from {self.was_shown}{', and its note' if self.note_changed else ''}"
        else:
            shown = "Only the note changes"
        if self.period is not None and self.period.state == ReportingPeriod.State.LOCKED:
            shown += f". {self.period} is locked: this replaces a past period's value"
        return shown


@dataclass
class ImportPreview:
    """What importing a file will do: each row, the counts, and the signed rows to confirm (None when
    a row has a problem or nothing would change)."""

    file_name: str
    rows: list[ImportRow]
    ignored_headings: list[str]
    token: str | None

    @property
    def problems(self) -> list[tuple[int, str]]:
        return [(row.row, problem) for row in self.rows for problem in row.problems]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {o: self.count(o) for o in ("new", "changed", "unchanged", "problem")}


def value_import_check(*, partnership: Partnership, file, checked_by: User) -> ImportPreview:
    """Read an uploaded file of values and say what importing it would do; nothing is saved.

    A file that cannot be read, or has no Indicator, Period or Value column, raises a ValidationError
    for the "file" field; a row that cannot be imported is listed with its problems."""
    try:
        plan_file = plan_file_read(file=file)
    except ValidationError as error:
        raise _in_words_of_values(error) from None
    positions, ignored = _columns_of(plan_file.headings)
    if len(plan_file.rows) > MAX_ROWS:
        raise ValidationError(
            {"file": f"The selected file has more than {MAX_ROWS:,} values: split it into smaller files"}
        )
    rows = []
    for row in plan_file.rows:
        cells = row["cells"]

        def cell(key, cells=cells):
            position = positions.get(key)
            return cells[position].strip() if position is not None and position < len(cells) else ""

        rows.append(ImportRow(row["row"], cell("indicator"), cell("period"), cell("value"), cell("note")))
    _check_rows(partnership, rows)
    preview = ImportPreview(getattr(file, "name", "") or "", rows, ignored, None)
    if not preview.problems and (preview.count("new") or preview.count("changed")):
        preview.token = _signed(partnership, checked_by, preview)
        if len(preview.token) > MAX_TOKEN_CHARACTERS:
            raise ValidationError(
                {
                    "file": "The selected file holds too much text to import at once: split it into smaller files"
                }
            )
    return preview


@dataclass(frozen=True)
class ImportResult:
    new: int
    changed: int
    unchanged: int


def value_import_confirm(*, partnership: Partnership, token: str, confirmed_by: User) -> ImportResult:
    """Save the values of a confirmed preview, all or none, checking every row again first.

    Raises ValidationError when the preview has expired, is not this person's for this partnership, or
    a row can no longer be imported, and when a value was saved by anyone since the preview: the
    message says which, and nothing is saved."""
    payload = _unsigned(token)
    if payload.get("partnership") != partnership.pk or payload.get("user") != confirmed_by.pk:
        raise ValidationError("This preview is not for this partnership: upload the file again.")
    rows = [
        ImportRow(number, indicator_pk, period_pk, value, note)
        for number, indicator_pk, period_pk, value, note, _version in payload["rows"]
    ]
    versions = {row.row: version for row, (*_, version) in zip(rows, payload["rows"], strict=True)}
    _check_rows(partnership, rows, by_id_only=True)
    problems = [f"Row {row.row}: {problem}" for row in rows for problem in row.problems]
    if problems:
        raise ValidationError([*problems, "Nothing has been imported: upload the file again."])
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    with transaction.atomic():
        for row in rows:
            outcome = row.outcome
            try:
                if outcome == "unchanged":
                    # Nothing to write, but the preview's word must still hold: lock it as it was seen.
                    lock_unchanged(
                        IndicatorValue.objects.filter(indicator=row.indicator, period=row.period).order_by(
                            "pk"
                        ),
                        version=versions[row.row],
                    )
                else:
                    indicator_value_save(
                        indicator=row.indicator,
                        period=row.period,
                        entered_by=confirmed_by,
                        value=row.value,
                        note=row.note,
                        version=versions[row.row],
                        period_must_be_open=False,
                    )
            except EditConflict as conflict:
                raise ValidationError(_changed_since_message(row, conflict)) from None
            except ValidationError as error:
                raise ValidationError(
                    [f"Row {row.row}: {message}" for message in error.messages]
                    + ["Nothing has been imported."]
                ) from None
            counts[outcome] += 1
    return ImportResult(**counts)


def _changed_since_message(row: ImportRow, conflict: EditConflict) -> str:
    saved = conflict.saved
    if saved is None:
        what = "was removed"
    else:
        who = saved_by(saved)
        what = f"was changed by {who or 'someone else'} at {saved_when(saved)}"
    return (
        f"Row {row.row}: the value of {row.indicator} for {row.period} {what}, after the preview. Nothing has "
        "been imported: upload the file again to see what importing it will do now."
    )


def _in_words_of_values(error: ValidationError) -> ValidationError:
    """The plan reader's refusal of a file, in the words of a file of values rather than of a plan."""
    messages = [
        message.replace("no actions under", "no values under")
        .replace("split the plan into", "split the file into")
        .replace(" actions: split it", " rows: split it")
        for message in error.messages
    ]
    return ValidationError({"file": messages})


def _columns_of(headings: list[str]) -> tuple[dict[str, int], list[str]]:
    """Which position holds each column, and the headings of the columns not imported."""
    positions: dict[str, int] = {}
    ignored = []
    for position, heading in enumerate(headings):
        key = _KEYS.get(heading_normalised(heading))
        if key is None:
            if heading:
                ignored.append(heading)
            continue
        if key in positions:
            raise ValidationError(
                {
                    "file": f"The selected file has two {_heading(key)} columns (“{headings[positions[key]]}” and "
                    f"“{heading}”): keep one"
                }
            )
        positions[key] = position
    missing = [_heading(c.key) for c in COLUMNS if c.is_required and c.key not in positions]
    if missing:
        raise ValidationError(
            {
                "file": f"The selected file has no {' or '.join(missing)} column: its first row must hold the "
                "headings Indicator, Period, Value and Note"
            }
        )
    return positions, ignored


def _heading(key: str) -> str:
    return next(c.heading for c in COLUMNS if c.key == key)


def _check_rows(partnership: Partnership, rows: list[ImportRow], *, by_id_only: bool = False) -> None:
    """Find each row's indicator, period and saved value, read its value and note, and list its
    problems, in four queries whatever the number of rows. `by_id_only`: the rows name their indicator
    and period by id (a confirmed preview's rows).

    A period that has not started has no value yet, so its rows are refused; a locked one's are history
    and are brought in."""
    today = timezone.localdate()
    indicators = list(Indicator.objects.for_partnership(partnership).select_related("strategy"))
    periods = list(ReportingPeriod.objects.for_partnership(partnership))
    indicator_by_pk = {str(i.pk): i for i in indicators}
    period_by_pk = {str(p.pk): p for p in periods}
    indicators_by_name: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        indicators_by_name.setdefault(_name_key(indicator.name), []).append(indicator)
    period_by_name = {_name_key(p.name): p for p in periods}
    for row in rows:
        if by_id_only:
            row.indicator = indicator_by_pk.get(str(row.indicator_text))
            row.period = period_by_pk.get(str(row.period_text))
            if row.indicator is None or row.period is None:
                row.problems.append("its indicator or reporting period has been removed since the preview")
                continue
        else:
            row.indicator = _indicator_of(row, indicator_by_pk, indicators_by_name)
            row.period = _period_of(row, period_by_name)
        if row.period is not None and row.period.starts_on > today:
            row.problems.append(
                f"Period: {row.period} has not started yet, so it has no value to bring in: enter it "
                "once the period has started"
            )
        if row.indicator is not None:
            row.value = _value_of(row)
        if len(row.note) > SHORT_TEXT_MAX_LENGTH:
            row.problems.append(f"Note: the note must be {SHORT_TEXT_MAX_LENGTH:,} characters or fewer")
    found = [row for row in rows if row.indicator is not None and row.period is not None]
    saved = IndicatorValue.objects.filter(
        indicator__in={row.indicator.pk for row in found}, period__in={row.period.pk for row in found}
    )
    by_pair = {(v.indicator_id, v.period_id): v for v in saved}
    first_row: dict[tuple[int, int], int] = {}
    for row in found:
        pair = (row.indicator.pk, row.period.pk)
        row.saved = by_pair.get(pair)
        if pair in first_row:
            row.problems.append(
                f"Indicator and period: row {first_row[pair]} already gives a value of {row.indicator} for {row.period}: give one "
                "value for each indicator and period"
            )
        else:
            first_row[pair] = row.row


def _indicator_of(row: ImportRow, by_pk: dict, by_name: dict) -> Indicator | None:
    text = row.indicator_text
    if not text:
        row.problems.append("Indicator: enter the indicator's name or id")
        return None
    if whole_number(text) is not None and text in by_pk:
        return by_pk[text]
    named = by_name.get(_name_key(text), [])
    if len(named) == 1:
        return named[0]
    shown = text if len(text) <= 80 else text[:79] + "…"
    if named:
        row.problems.append(
            f"Indicator: {len(named)} indicators are called “{shown}”: give the id of the one you mean ("
            + ", ".join(f"{i.pk} in {i.strategy.title}" for i in named)
            + ")"
        )
    else:
        row.problems.append(f"Indicator: there is no indicator called “{shown}” in this partnership")
    return None


def _period_of(row: ImportRow, by_name: dict) -> ReportingPeriod | None:
    text = row.period_text
    if not text:
        row.problems.append("Period: enter the reporting period's name, for example Q1 2024/25")
        return None
    period = by_name.get(_name_key(text))
    if period is None:
        shown = text if len(text) <= 80 else text[:79] + "…"
        row.problems.append(f"Period: the partnership has no reporting period called “{shown}”")
    return period


def _value_of(row: ImportRow) -> Decimal | None:
    try:
        value = number_from_text(row.value_text, name="the value")
    except ValidationError as error:
        row.problems.append(f"Value: {error.messages[0]}")
        return None
    if row.indicator.is_yes_no and value not in (0, 1):
        row.problems.append(
            f"Value: {row.indicator} is a yes or no indicator: enter 1 for yes or 0 for no, not {row.value_text}"
        )
        return None
    return value


def _signed(partnership: Partnership, user: User, preview: ImportPreview) -> str:
    """The rows to import, signed, with who checked them, where, and each saved value's version."""
    payload = {
        "partnership": partnership.pk,
        "user": user.pk,
        "file": preview.file_name[:200],
        "rows": [
            [row.row, row.indicator.pk, row.period.pk, str(row.value), row.note, version_of(row.saved)]
            for row in preview.rows
        ],
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def _unsigned(token: str) -> dict:
    try:
        return signing.loads(token or "", salt=SALT, max_age=PREVIEW_SECONDS)
    except signing.SignatureExpired:
        raise ValidationError("The preview has expired: upload the file again to check it.") from None
    except signing.BadSignature:
        raise ValidationError("The preview could not be read: upload the file again to check it.") from None
