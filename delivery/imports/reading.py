"""Reading an uploaded delivery plan (.xlsx or .csv) into its headings and rows of cell text, refusing
what cannot be read.

The limits below keep a small file from unpacking into a huge one (issue 8). The first filled row is
the file's headings, kept as written; which heading holds which field is for `matching` to say, and
`rows_by_column` then keys each row's cells by field.
"""

import csv
import datetime
import io
import logging
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import openpyxl
from django.core.exceptions import ValidationError
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from core.limits import TEXT_MAX_LENGTH
from delivery.imports.columns import SHEET_TITLE
from delivery.imports.matching import (
    HEADING_MAX_LENGTH,
    heading_cleaned,
    heading_normalised,
    template_column,
)

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

NOT_A_SPREADSHEET = (
    "The selected file is not an Excel workbook or a CSV file. In your spreadsheet, save it as "
    "“Excel Workbook (.xlsx)” or “CSV UTF-8 (comma delimited) (.csv)” and upload that"
)


@dataclass(frozen=True)
class PlanFile:
    """An uploaded plan as read: its headings by position ("" where a column has none), and its
    non-empty rows as {"row": number in the file, "cells": [text by position]}."""

    headings: list[str]
    rows: list[dict]

    @property
    def positions(self) -> list[int]:
        """The positions of the columns that have a heading or a value."""
        filled = {i for row in self.rows for i, text in enumerate(row["cells"]) if text}
        return [i for i, heading in enumerate(self.headings) if heading or i in filled]

    @property
    def samples(self) -> dict[int, str]:
        """The first value under each column, by position: what the matching page shows of it."""
        samples: dict[int, str] = {}
        for row in self.rows:
            for i, text in enumerate(row["cells"]):
                if text and i not in samples:
                    samples[i] = text
        return samples


def plan_file_read(*, file) -> PlanFile:
    """The headings and rows of an uploaded .xlsx or .csv.

    The content decides how the file is read, not its name, though a file named .xlsx must really be
    a workbook. Anything that cannot be read raises a ValidationError for the "file" field.
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
    # The separator that splits the headings into the template's, else into the most headings.
    delimiter = max(
        [",", ";", "\t"],
        key=lambda d: (
            sum(template_column(h) is not None for h in first_line.split(d)),
            sum(bool(h.strip()) for h in first_line.split(d)),
        ),
    )
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    except csv.Error as error:
        raise _file_error(
            "The selected file cannot be read as CSV: check that it was saved as CSV and that no cell is "
            "extremely long"
        ) from error


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


def _rows_of(table) -> PlanFile:
    """Find the heading row, check the headings, and collect the non-empty rows below it."""
    headings = None
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
                    f"Row {number:,}, {_column_name(position, headings)}: a cell must be "
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
        if headings is None:
            headings = _headings_of(texts)
            continue
        if len(rows) == MAX_ROWS:
            raise _file_error(
                f"The selected file has more than {MAX_ROWS:,} actions: split it into smaller files"
            )
        while texts and not texts[-1]:
            texts.pop()
        rows.append({"row": number, "cells": texts})
    if headings is None:
        raise _file_error("The selected file is empty")
    if not rows:
        raise _file_error("The selected file has no actions under its headings")
    width = max(len(headings), *(len(row["cells"]) for row in rows))
    return PlanFile(headings=headings + [""] * (width - len(headings)), rows=rows)


def rows_by_column(rows: list[dict], columns: dict[int, str]) -> list[dict]:
    """Rows as the checker takes them, {"row": number, "values": {column key: text}}, for the
    columns matched to a field."""
    return [
        {
            "row": row["row"],
            "values": {
                key: (row["cells"][i] if i < len(row["cells"]) else "") for i, key in sorted(columns.items())
            },
        }
        for row in rows
    ]


def _column_name(position: int, headings: list[str] | None) -> str:
    """A column as a spreadsheet shows it, with its heading where it has one: "column D (Action)"."""
    letter = f"column {get_column_letter(position + 1)}"
    heading = (headings or [])[position] if position < len(headings or []) else ""
    if len(heading) > 40:
        heading = heading[:39] + "…"
    return f"{letter} ({heading})" if heading else letter


def _headings_of(texts: list[str]) -> list[str]:
    """The file's headings as shown on the page, refusing ones that cannot be matched or remembered."""
    headings = [heading_cleaned(text) for text in texts]
    while headings and not headings[-1]:
        headings.pop()
    seen: dict[str, int] = {}
    for position, heading in enumerate(headings):
        normalised = heading_normalised(heading)
        # Normalising can lengthen a heading (one Arabic ligature is 18 letters): both must fit.
        length = max(len(heading), len(normalised))
        if length > HEADING_MAX_LENGTH:
            raise _file_error(
                f"The heading of {_column_name(position, None)} is too long ({length:,} characters): a "
                f"heading must be {HEADING_MAX_LENGTH} characters or fewer. The first row of the file "
                "must hold the column headings"
            )
        if not normalised:
            continue
        if normalised in seen:
            first = get_column_letter(seen[normalised] + 1)
            raise _file_error(
                f"The column “{heading}” appears more than once in the selected file (columns {first} and "
                f"{get_column_letter(position + 1)}): give each column a heading of its own"
            )
        seen[normalised] = position
    return headings
