"""Delivery-plan spreadsheets: the template, reading and checking an upload, importing it, exporting.

One row per action, in the columns of `COLUMNS`. An upload is read and checked without touching the
plan: the result is a `PlanImport` in preview, holding each row's cell text and what will happen to
it (create, update, unchanged) or its problems. Confirming imports every row in one transaction, so
a plan is imported whole or not at all. Export writes the same columns, so an exported plan imports
again unchanged.

Progress of a large import (`plan_import_run`): the rows are written in ONE transaction, so a count
of rows done written to the `PlanImport` row inside it would stay invisible to everyone else until
the end; a second database connection cannot help either, because SQLite holds one write lock for
the whole database. So the worker reports progress through Django's cache (`progress_key`), every
`PROGRESS_EVERY` rows, and writes the final counts to the row when it finishes. The default
LocMemCache is per process: with several server processes, a page served by another process sees
no progress until the end unless a shared cache (Redis, Memcached, database) is configured.
"""

import csv
import datetime
import io
import logging
import re
import threading
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath

import openpyxl
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from accounts.identity import normalise_email
from accounts.models import Organisation, Partnership, User
from core.limits import TEXT_MAX_LENGTH, too_long_message
from delivery.models import Action, PlanImport
from priorities.models import Priority, StrategicAmbition, Strategy

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an .xlsx is a zip: refuse one that would unpack to a bomb
MAX_COLUMNS = 60
MAX_SHEET_ROWS = 50_000  # blank rows count here, so that a sheet padded to a million rows is cheap to refuse
# Text is counted as the cells' values, after an .xlsx's shared strings are looked up: a 28 KB file
# whose cells all point at one long shared string would otherwise unpack into hundreds of megabytes.
MAX_CELL_CHARACTERS = TEXT_MAX_LENGTH  # the longest text any column of the plan can hold
MAX_TEXT_CHARACTERS = 2_000_000  # all the cells of the file together
MAX_SHARED_STRINGS_BYTES = 10 * 1024 * 1024  # openpyxl holds the whole shared-string table in memory
BACKGROUND_OVER_ROWS = 300
PROGRESS_EVERY = 50
SHEET_TITLE = "Delivery plan"


@dataclass(frozen=True)
class Column:
    """One column of the delivery-plan spreadsheet."""

    key: str
    heading: str
    is_required: bool
    hint: str
    width: int = 20


COLUMNS = (
    Column(
        "reference", "Reference", True, "The action's number: priority.ambition.action, such as 1.2.3.", 12
    ),
    Column("priority", "Priority", True, "The priority's number or title. May be left empty.", 28),
    Column(
        "ambition",
        "Strategic ambition",
        True,
        "The ambition's number within its priority, or its title. May be left empty.",
        32,
    ),
    Column("title", "Action", True, "What will be done, in up to 300 characters.", 40),
    Column("description", "Description", False, "More detail, if needed.", 40),
    Column(
        "owner",
        "Owner email",
        True,
        "The email address of the one person accountable: an active member of the partnership.",
        30,
    ),
    Column(
        "delegates",
        "Delegate emails",
        False,
        "Email addresses of people who may update progress for the owner, separated by commas.",
        30,
    ),
    Column(
        "partners",
        "Partner organisations",
        False,
        "Short names of the partner organisations, separated by commas, such as LFB, MPS.",
        24,
    ),
    Column("starts_on", "Start date", True, "DD/MM/YYYY, such as 01/04/2024 (or 2024-04-01).", 14),
    Column("due_on", "Due date", True, "DD/MM/YYYY, on or after the start date.", 14),
    Column(
        "status",
        "Status",
        False,
        "Not started, In progress, Completed, Cancelled or On hold. Empty: not started, or unchanged.",
        14,
    ),
    Column("resources", "Resources or funding", False, "Any resources or funding note.", 30),
    Column("success_measure", "Success measure", False, "How the partnership will know it worked.", 30),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADINGS = {column.key: column.heading for column in COLUMNS}

NOT_A_SPREADSHEET = (
    "The selected file is not an Excel workbook or a CSV file. In your spreadsheet, save it as "
    "“Excel Workbook (.xlsx)” or “CSV UTF-8 (comma delimited) (.csv)” and upload that"
)
FORMULA = "Formulas are not allowed: type the value instead"


# Reading a file ----------------------------------------------------------------------------------


def plan_file_read(*, file) -> list[dict]:
    """The data rows of an uploaded .xlsx or .csv, as {"row": number, "values": {column key: text}}.

    Only columns present in the file appear in `values`. The content decides how the file is read,
    not its name, though a file named .xlsx must really be a workbook. Anything that cannot be read
    raises a ValidationError for the "file" field.
    """
    name = getattr(file, "name", "") or ""
    if PurePath(name).suffix.lower() not in {".xlsx", ".csv"}:
        raise _file_error("The selected file must be an Excel workbook (.xlsx) or a CSV file (.csv)")
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise _file_error("The selected file must be smaller than 2 MB")
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _file_error("The selected file must be smaller than 2 MB")
    if not data.strip():
        raise _file_error("The selected file is empty")
    is_zip = data[:4] == b"PK\x03\x04"
    if PurePath(name).suffix.lower() == ".xlsx" and not is_zip:
        raise _file_error(NOT_A_SPREADSHEET)  # a text file, an old .xls or anything else renamed
    table = _xlsx_table(data) if is_zip else _csv_table(data)
    return _rows_of(table)


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _xlsx_table(data: bytes):
    """The worksheet's rows as (row number, values), read without evaluating anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
            shared_strings = max(
                (i.file_size for i in archive.infolist() if i.filename.lower().endswith("sharedstrings.xml")),
                default=0,
            )
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _file_error(NOT_A_SPREADSHEET) from error
    if "word/document.xml" in names:
        raise _file_error(
            "The selected file is a Word document, not a spreadsheet. Use the template (.xlsx) instead"
        )
    if unpacked > MAX_UNPACKED_BYTES or shared_strings > MAX_SHARED_STRINGS_BYTES:
        raise _file_error("The selected file is too big once unpacked: split the plan into smaller files")
    try:
        # data_only=False: a formula comes back as its text ("=…"), never as a value it computed.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:
        logger.info("Could not open an uploaded workbook: %r", error)
        raise _file_error(NOT_A_SPREADSHEET) from error
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise _file_error("The selected file has no worksheet")
        sheet = next((s for s in sheets if s.title.strip().lower() == SHEET_TITLE.lower()), sheets[0])
        sheet.reset_dimensions()  # ignore the size the file claims; read the rows it has
        yield from enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
    except ValidationError:
        raise
    except Exception as error:
        logger.info("Could not read an uploaded workbook: %r", error)
        raise _file_error(NOT_A_SPREADSHEET) from error
    finally:
        workbook.close()


def _csv_table(data: bytes):
    """The CSV's records as (row number, values): UTF-8 (with or without a BOM), UTF-16 or Windows-1252."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings = ["utf-16"]
    elif b"\x00" in data:
        raise _file_error(NOT_A_SPREADSHEET)
    else:
        # Excel's plain "CSV" on Windows is Windows-1252, where "£" is one byte that is not UTF-8.
        encodings = ["utf-8-sig", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _file_error(
            "The selected file's characters cannot be read: save it as “CSV UTF-8” and try again"
        )
    if "\x00" in text:
        raise _file_error(NOT_A_SPREADSHEET)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(
        [",", ";", "\t"], key=lambda d: sum(_heading_key(h) is not None for h in first_line.split(d))
    )
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    except csv.Error as error:
        raise _file_error(
            "The selected file cannot be read as CSV: check that it was saved as CSV and that no cell is "
            "extremely long"
        ) from error


def _heading_key(heading) -> str | None:
    """The column key a heading names: case, spacing and a bracketed note such as "(DD/MM/YYYY)" aside."""
    text = re.sub(r"\(.*?\)", "", _cell_text(heading).replace("\ufeff", ""))
    text = " ".join(text.replace("*", "").split()).lower()
    for column in COLUMNS:
        if text == column.heading.lower():
            return column.key
    return None


def _cell_text(value) -> str:
    """A cell as text: dates as ISO dates, whole numbers without ".0", formulas as their "=…" text."""
    if value is None:
        return ""
    if isinstance(value, ArrayFormula):
        return value.text if str(value.text).startswith("=") else f"={value.text}"
    if isinstance(value, DataTableFormula):
        return "=TABLE()"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_of(table) -> list[dict]:
    """Find the heading row, check the columns, and collect the non-empty rows below it."""
    header = None
    rows = []
    total = 0
    for number, values in table:
        if number > MAX_SHEET_ROWS:
            raise _file_error(
                f"The selected file has rows below row {MAX_SHEET_ROWS:,}: delete the empty rows, "
                "or split the plan into smaller files"
            )
        texts = [_cell_text(v) for v in values[:MAX_COLUMNS]]
        for position, text in enumerate(texts):
            if len(text) > MAX_CELL_CHARACTERS:
                raise _file_error(
                    f"Row {number:,}, {_column_name(position, header)}: a cell must be "
                    f"{MAX_CELL_CHARACTERS:,} characters or fewer (it has {len(text):,})"
                )
            total += len(text)
        if total > MAX_TEXT_CHARACTERS:
            # Stop reading here: nothing below this row is unpacked, kept or saved.
            raise _file_error(
                f"The selected file has more than {MAX_TEXT_CHARACTERS:,} characters of text "
                f"(reached at row {number:,}): split the plan into smaller files"
            )
        if not any(texts):
            continue
        if header is None:
            header = _columns_of(texts)
            continue
        if len(rows) == MAX_ROWS:
            raise _file_error(
                f"The selected file has more than {MAX_ROWS:,} actions: split it into smaller files"
            )
        rows.append(
            {
                "row": number,
                "values": {key: (texts[i] if i < len(texts) else "") for i, key in header.items()},
            }
        )
    if header is None:
        raise _file_error("The selected file is empty")
    if not rows:
        raise _file_error("The selected file has no actions under its headings")
    return rows


def _column_name(position: int, header: dict[int, str] | None) -> str:
    """A column as a spreadsheet shows it, with its heading when it is one of the plan's: "column D (Action)"."""
    letter = f"column {get_column_letter(position + 1)}"
    key = (header or {}).get(position)
    return f"{letter} ({HEADINGS[key]})" if key else letter


def _columns_of(headings: list[str]) -> dict[int, str]:
    """Which position holds which column, refusing a file without every required column."""
    positions: dict[int, str] = {}
    seen: set[str] = set()
    for i, heading in enumerate(headings):
        key = _heading_key(heading)
        if key is None:
            continue
        if key in seen:
            raise _file_error(f"The column “{HEADINGS[key]}” appears more than once in the selected file")
        seen.add(key)
        positions[i] = key
    missing = [c.heading for c in COLUMNS if c.is_required and c.key not in seen]
    if missing:
        raise _file_error(
            "The selected file is missing these columns: "
            + ", ".join(missing)
            + ". Its first row must hold the column headings of the template"
        )
    return positions


# Checking rows ------------------------------------------------------------------------------------

REFERENCE = re.compile(r"(\d{1,4})\.(\d{1,4})\.(\d{1,4})")
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
LIST_SEPARATOR = re.compile(r"[,;\n]")
STATUSES = {
    **{label.lower(): value for value, label in Action.Status.choices},
    **{value.replace("_", " "): value for value in Action.Status.values},
    "complete": Action.Status.COMPLETED,
    "canceled": Action.Status.CANCELLED,
}
TEXT_FIELDS = ("title", "description", "resources", "success_measure")


class Outcome:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class RowPlan:
    """What importing one row would do, with the values it would write or the problems it has."""

    number: int
    values: dict
    reference: str = ""
    errors: list[dict] = field(default_factory=list)
    cleaned: dict = field(default_factory=dict)
    ambition: StrategicAmbition | None = None
    order: int | None = None
    action: Action | None = None
    changes: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if self.errors:
            return Outcome.ERROR
        if self.action is None:
            return Outcome.CREATE
        return Outcome.UPDATE if self.changes else Outcome.UNCHANGED

    def error(self, key: str, message: str) -> None:
        self.errors.append({"row": self.number, "column": HEADINGS[key], "message": message})

    def as_json(self) -> dict:
        return {
            "row": self.number,
            "values": self.values,
            "outcome": self.outcome,
            "reference": self.reference,
            "title": self.values.get("title", ""),
            "action": self.action.pk if self.action else None,
            "changes": self.changes,
        }


class _Checker:
    """Checks rows against one strategy, loading what it needs once, not once per row."""

    def __init__(self, strategy: Strategy, *, lock: bool = False):
        self.strategy = strategy
        partnership = strategy.partnership
        self.priorities = list(Priority.objects.filter(strategy=strategy))
        self.priority_by_order = {p.order: p for p in self.priorities}
        self.priorities_by_title = defaultdict(list)
        for priority in self.priorities:
            self.priorities_by_title[_key(priority.title)].append(priority)
        self.ambitions = list(StrategicAmbition.objects.filter(priority__strategy=strategy))
        self.ambition_by_order = {(a.priority_id, a.order): a for a in self.ambitions}
        self.ambitions_by_title = defaultdict(list)
        for ambition in self.ambitions:
            self.ambitions_by_title[(ambition.priority_id, _key(ambition.title))].append(ambition)
        actions = (
            Action.objects.filter(ambition__priority__strategy=strategy)
            .select_related("ambition__priority")
            .prefetch_related("delegates", "partner_organisations")
        )
        if lock:
            actions = actions.select_for_update(of=("self",))
        self.action_at = {(a.ambition_id, a.order): a for a in actions}
        members = list(User.objects.filter(memberships__partnership=partnership, memberships__is_active=True))
        self.member_by_email = {u.email: u for u in members if u.email}  # stored normalised
        self.member_by_username = {u.username: u for u in members}
        organisations = list(Organisation.objects.filter(partnership=partnership))
        self.organisation_by_name = {o.name.lower(): o for o in organisations}
        self.organisation_by_name.update({o.short_name.lower(): o for o in organisations})
        self.short_names = sorted(o.short_name for o in organisations)

    def check(self, rows: list[dict]) -> list[RowPlan]:
        seen: dict[str, int] = {}
        plans = []
        for row in rows:
            plan = RowPlan(number=row["row"], values=row["values"])
            self._check_row(plan)
            if plan.reference:
                if plan.reference in seen:
                    plan.error(
                        "reference",
                        f"The reference {plan.reference} is also used on row {seen[plan.reference]}",
                    )
                else:
                    seen[plan.reference] = plan.number
            plans.append(plan)
        return plans

    def _check_row(self, plan: RowPlan) -> None:
        cells = {}
        for key, value in plan.values.items():
            if value.startswith("="):
                plan.error(key, FORMULA)
            else:
                # A leading apostrophe is a spreadsheet's way of keeping "=…" as text: drop it.
                cells[key] = value[1:] if value.startswith("'=") else value
        cleaned = plan.cleaned

        ref = self._reference(plan, cells)
        priority = self._priority(plan, cells, ref)
        ambition = self._ambition(plan, cells, ref, priority)
        if ambition is not None and ref is not None:
            plan.ambition, plan.order = ambition, ref[2]

        if "title" in cells:
            if not cells["title"]:
                plan.error("title", "Enter the action")
            elif len(cells["title"]) > Action._meta.get_field("title").max_length:
                plan.error("title", "The action must be 300 characters or fewer")
            else:
                cleaned["title"] = cells["title"]
        for key in ("description", "resources", "success_measure"):
            if key in cells:
                limit = Action._meta.get_field(key).max_length
                if len(cells[key]) > limit:
                    plan.error(key, too_long_message(HEADINGS[key], limit))
                else:
                    cleaned[key] = cells[key]

        if "owner" in cells:
            if not cells["owner"]:
                plan.error("owner", "Enter the owner's email address")
            elif LIST_SEPARATOR.search(cells["owner"]):
                plan.error("owner", "Give one owner: put anyone else under Delegate emails")
            elif (owner := self._member(cells["owner"])) is None:
                plan.error(
                    "owner", f"{cells['owner']} is not the email of an active member of this partnership"
                )
            else:
                cleaned["owner"] = owner
        if "delegates" in cells:
            delegates, unknown = [], []
            for email in _split(cells["delegates"]):
                person = self._member(email)
                (delegates if person else unknown).append(person or email)
            if unknown:
                plan.error(
                    "delegates",
                    f"Not the email of an active member of this partnership: {', '.join(unknown)}",
                )
            else:
                cleaned["delegates"] = list(dict.fromkeys(delegates))
        if "partners" in cells:
            partners, unknown = [], []
            for name in _split(cells["partners"]):
                organisation = self.organisation_by_name.get(name.lower())
                (partners if organisation else unknown).append(organisation or name)
            if unknown:
                known = ", ".join(self.short_names) or "none yet"
                plan.error(
                    "partners",
                    f"Unknown partner organisation: {', '.join(unknown)}. This partnership's are: {known}",
                )
            else:
                cleaned["partners"] = list(dict.fromkeys(partners))

        for key in ("starts_on", "due_on"):
            if key in cells:
                label = HEADINGS[key].lower()
                if not cells[key]:
                    plan.error(key, f"Enter the {label}")
                    continue
                try:
                    cleaned[key] = _date(cells[key], label)
                except ValueError as error:
                    plan.error(key, str(error))
        if cleaned.get("starts_on") and cleaned.get("due_on") and cleaned["due_on"] < cleaned["starts_on"]:
            plan.error("due_on", "The due date must be on or after the start date")

        if cells.get("status"):
            status = STATUSES.get(
                " ".join(cells["status"].replace("_", " ").replace("-", " ").split()).lower()
            )
            if status is None:
                labels = ", ".join(Action.Status.labels)
                plan.error("status", f"Unknown status “{cells['status']}”: use one of {labels}")
            else:
                cleaned["status"] = status

        if plan.errors or plan.ambition is None:
            return
        plan.action = self.action_at.get((plan.ambition.pk, plan.order))
        if plan.action is not None:
            plan.changes = _changes(plan.action, cleaned)

    def _reference(self, plan: RowPlan, cells: dict) -> tuple[int, int, int] | None:
        text = cells.get("reference")
        if text is None:
            return None
        if not text:
            plan.error("reference", "Enter the reference, such as 1.2.3")
            return None
        match = REFERENCE.fullmatch(text)
        numbers = tuple(int(n) for n in match.groups()) if match else ()
        if not numbers or 0 in numbers:
            plan.error(
                "reference", f"“{text}” is not a reference: give priority.ambition.action, such as 1.2.3"
            )
            return None
        plan.reference = ".".join(str(n) for n in numbers)
        return numbers

    def _priority(self, plan: RowPlan, cells: dict, ref) -> Priority | None:
        text = cells.get("priority", "")
        if "priority" not in cells and "priority" in plan.values:
            return None  # a formula, already reported
        if not text:
            if ref is None:
                return None
            priority = self.priority_by_order.get(ref[0])
            if priority is None:
                plan.error("reference", f"This strategy has no priority {ref[0]}")
            return priority
        if text.isdecimal():
            candidates = [p for p in [self.priority_by_order.get(int(text))] if p]
        else:
            candidates = self.priorities_by_title.get(_key(text), [])
        if not candidates:
            plan.error(
                "priority",
                f"Unknown priority “{text}”: give the number or title of a priority of this strategy",
            )
            return None
        if ref is None:
            if len(candidates) > 1:
                plan.error("priority", f"More than one priority is called “{text}”: give its number")
                return None
            return candidates[0]
        for priority in candidates:
            if priority.order == ref[0]:
                return priority
        plan.error(
            "priority",
            f"The reference {plan.reference} puts the action under priority {ref[0]}, "
            f"but “{text}” is priority {candidates[0].order}",
        )
        return None

    def _ambition(self, plan: RowPlan, cells: dict, ref, priority) -> StrategicAmbition | None:
        text = cells.get("ambition", "")
        if priority is None or ("ambition" not in cells and "ambition" in plan.values):
            return None
        if as_reference := re.fullmatch(r"(\d+)\.(\d+)", text):
            if int(as_reference.group(1)) != priority.order:
                plan.error("ambition", f"Strategic ambition {text} is not under priority {priority.order}")
                return None
            text = as_reference.group(2)
        if not text:
            if ref is None:
                return None
            ambition = self.ambition_by_order.get((priority.pk, ref[1]))
            if ambition is None:
                plan.error("reference", f"Priority {priority.order} has no strategic ambition {ref[1]}")
            return ambition
        if text.isdecimal():
            candidates = [a for a in [self.ambition_by_order.get((priority.pk, int(text)))] if a]
        else:
            candidates = self.ambitions_by_title.get((priority.pk, _key(text)), [])
        if not candidates:
            plan.error(
                "ambition",
                f"Unknown strategic ambition “{text}”: give the number or title of one under priority {priority.order}",
            )
            return None
        if ref is None:
            if len(candidates) > 1:
                plan.error(
                    "ambition", f"More than one strategic ambition is called “{text}”: give its number"
                )
                return None
            return candidates[0]
        for ambition in candidates:
            if ambition.order == ref[1]:
                return ambition
        plan.error(
            "ambition",
            f"The reference {plan.reference} puts the action under strategic ambition {ref[0]}.{ref[1]}, "
            f"but “{text}” is strategic ambition {priority.order}.{candidates[0].order}",
        )
        return None

    def _member(self, email: str) -> User | None:
        # By email, normalised and compared exactly; a member with no email address is known by their
        # username.
        try:
            by_email = self.member_by_email.get(normalise_email(email))
        except ValidationError:
            by_email = None
        return by_email or self.member_by_username.get(email)


def _key(title: str) -> str:
    return " ".join(title.split()).lower()


def _split(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATOR.split(text) if part.strip()]


def _same_text(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def _date(text: str, label: str) -> datetime.date:
    """A date written DD/MM/YYYY or YYYY-MM-DD; ValueError with a message for anything else."""
    if match := UK_DATE.fullmatch(text):
        day, month, year = (int(n) for n in match.groups())
    elif match := ISO_DATE.fullmatch(text):
        year, month, day = (int(n) for n in match.groups())
    else:
        raise ValueError(f"“{text}” is not a date: enter the {label} as DD/MM/YYYY, such as 01/04/2024")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"“{text}” is not a real date: check the day and month of the {label}") from None


def _changes(action: Action, cleaned: dict) -> list[str]:
    """The headings of the columns whose value differs from the action's."""
    changed = []
    for key in TEXT_FIELDS:
        if key in cleaned and not _same_text(getattr(action, key), cleaned[key]):
            changed.append(key)
    if "owner" in cleaned and cleaned["owner"].pk != action.owner_id:
        changed.append("owner")
    if "delegates" in cleaned and {u.pk for u in cleaned["delegates"]} != {
        u.pk for u in action.delegates.all()
    }:
        changed.append("delegates")
    if "partners" in cleaned and {o.pk for o in cleaned["partners"]} != {
        o.pk for o in action.partner_organisations.all()
    }:
        changed.append("partners")
    for key in ("starts_on", "due_on", "status"):
        if key in cleaned and cleaned[key] != getattr(action, key):
            changed.append(key)
    return [HEADINGS[key] for key in COLUMN_BY_KEY if key in changed]


# Services ------------------------------------------------------------------------------------------


def plan_import_check(*, partnership: Partnership, strategy: Strategy, uploaded_by: User, file) -> PlanImport:
    """Read and check an uploaded delivery plan against a strategy, changing nothing in the plan.

    Returns a PlanImport in preview holding every row and its problems. A file that cannot be
    imported at all (wrong type, too big, missing columns) raises ValidationError and saves nothing.
    """
    if strategy.partnership_id != partnership.pk:
        raise ValidationError({"strategy": "Choose a strategy of this partnership"})
    rows = plan_file_read(file=file)
    plans = _Checker(strategy).check(rows)
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
        plans = _Checker(strategy).check([{"row": r["row"], "values": r["values"]} for r in locked.rows])
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
    plans = _Checker(strategy, lock=True).check(
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
    """Create the row's action, or bring the existing one into line with the row."""
    cleaned = plan.cleaned
    action = plan.action
    is_new = action is None
    if is_new:
        action = Action(ambition=plan.ambition, order=plan.order, status=Action.Status.NOT_STARTED)
    for key in (*TEXT_FIELDS, "starts_on", "due_on"):
        if key in cleaned:
            setattr(action, key, cleaned[key])
    if "owner" in cleaned:
        action.owner = cleaned["owner"]
    if "status" in cleaned:
        action.status = cleaned["status"]
    if action.status == Action.Status.COMPLETED:
        # The file has no completion date: keep the one recorded, else the action completes today.
        action.completed_on = action.completed_on or today
    else:
        action.completed_on = None
    action._change_reason = reason
    if user is not None:
        action._history_user = user
    action.full_clean()
    action.save()
    # Only what changes is written: each change of delegates or partners adds a history record.
    if is_new:
        if cleaned.get("delegates"):
            action.delegates.add(*cleaned["delegates"])
        if cleaned.get("partners"):
            action.partner_organisations.add(*cleaned["partners"])
    else:
        if "Delegate emails" in plan.changes:
            action.delegates.set(cleaned["delegates"])
        if "Partner organisations" in plan.changes:
            action.partner_organisations.set(cleaned["partners"])
    return action


# Template and export -----------------------------------------------------------------------------


def plan_template_xlsx(*, strategy: Strategy | None) -> bytes:
    """An empty delivery-plan spreadsheet, with a sheet of guidance and the strategy's priorities."""
    return _workbook(strategy=strategy, actions=[])


def plan_export_xlsx(*, strategy: Strategy) -> bytes:
    """The strategy's delivery plan in the template's columns, ready to be changed and imported again."""
    actions = (
        Action.objects.filter(ambition__priority__strategy=strategy)
        .select_related("ambition__priority", "owner")
        .prefetch_related("delegates", "partner_organisations")
        .in_order()
    )
    return _workbook(strategy=strategy, actions=actions)


def _text(value: str) -> str:
    """Text a spreadsheet keeps as text: "=…" gets the apostrophe that the import takes off again."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value or "")
    return f"'{value}" if value.startswith("=") else value


def _name(title: str, number: int) -> str | int:
    # A title that is all digits would read back as a number, so give the number itself.
    return number if title.strip().isdigit() or not title.strip() else _text(title)


def _workbook(*, strategy: Strategy | None, actions) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append([column.heading for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    for action in actions:
        priority = action.ambition.priority
        sheet.append(
            [
                action.reference,
                _name(priority.title, priority.order),
                _name(action.ambition.title, action.ambition.order),
                _text(action.title),
                _text(action.description),
                action.owner.email or action.owner.username,
                ", ".join(sorted(u.email or u.username for u in action.delegates.all())),
                ", ".join(sorted(o.short_name for o in action.partner_organisations.all())),
                action.starts_on,
                action.due_on,
                action.get_status_display(),
                _text(action.resources),
                _text(action.success_measure),
            ]
        )
    date_columns = [i for i, c in enumerate(COLUMNS, start=1) if c.key in ("starts_on", "due_on")]
    for row in sheet.iter_rows(min_row=2):
        for i in date_columns:
            row[i - 1].number_format = "DD/MM/YYYY"
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    _guidance_sheet(workbook.create_sheet("How to fill this in"), strategy)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _guidance_sheet(sheet, strategy: Strategy | None) -> None:
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 90
    sheet.append(["Delivery plan: one row per action", ""])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        ["", "Fill in the “Delivery plan” sheet. A .csv file with the same column headings works too."]
    )
    sheet.append(
        ["", "A row whose reference is an existing action's updates it; any other row creates an action."]
    )
    sheet.append(["", "Actions not in the file are left as they are. Formulas are not allowed: type values."])
    sheet.append([])
    sheet.append(["Column", "What to enter"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        sheet.append([column.heading, column.hint + ("" if column.is_required else " Optional column.")])
    if strategy is None:
        return
    sheet.append([])
    sheet.append([f"Priorities and strategic ambitions of {_text(strategy.title)}", ""])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    ambitions = StrategicAmbition.objects.filter(priority__strategy=strategy).select_related("priority")
    for ambition in ambitions.order_by("priority__order", "order"):
        sheet.append([ambition.reference, f"{_text(ambition.priority.title)}: {_text(ambition.title)}"])
    sheet.append([])
    sheet.append(["Partner organisations", ""])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for organisation in Organisation.objects.filter(partnership_id=strategy.partnership_id).order_by(
        "short_name"
    ):
        sheet.append([_text(organisation.short_name), _text(organisation.name)])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
