"""Reading an uploaded delivery plan (.xlsx or .csv) into rows of cell text, refusing what cannot be read.

The limits below keep a small file from unpacking into a huge one (issue 8). The heading row is found
and matched to `COLUMNS` here too, since a file without the required columns cannot be read at all.
"""

import csv
import datetime
import io
import logging
import re
import zipfile
from pathlib import PurePath

import openpyxl
from django.core.exceptions import ValidationError
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from core.limits import TEXT_MAX_LENGTH
from delivery.imports.columns import COLUMNS, HEADINGS, SHEET_TITLE

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
