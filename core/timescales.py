"""Timescales as partnerships write them, read into the date each one ends on.

A delivery plan gives a due timescale as a date ("31/03/2027", "31 March 2027", "2027-03-31"), a month
("March 2027", "Mar 2027"), a quarter of a financial year ("Q3 2026/27": quarter 1 is April to June),
a financial year ("2026/27", "2026-27"), a calendar year ("2028", ending 31 December) or "Ongoing",
each perhaps after "by" or "end of" ("by March 2025"). `timescale_read` keeps the words as written
and gives the last day they cover, which sorting, "overdue" and the exception rules use; "Ongoing"
has no such day and is never overdue. Anything else is refused with a message that shows the forms.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from core.dates import long_date

ONGOING = "Ongoing"
FORMS = (
    "a date such as 31/03/2027, a month such as March 2027, a quarter such as Q3 2026/27, "
    "a financial year such as 2026/27, a year such as 2028, or Ongoing"
)

_MONTHS = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
_UK_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", re.ASCII)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_LONG_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+),? (\d{4})", re.ASCII)
_MONTH = re.compile(r"([a-z]+),? (\d{4})", re.ASCII)
_YEAR = r"(\d{4})\s?[/-]\s?(\d{2}|\d{4})"
_QUARTER = re.compile(rf"q([1-4]),? {_YEAR}", re.ASCII)
_FINANCIAL_YEAR = re.compile(rf"(?:fy\s?)?{_YEAR}", re.ASCII)
_CALENDAR_YEAR = re.compile(r"\d{4}", re.ASCII)
_FOUR_DIGITS = re.compile(r"\d{4}", re.ASCII)
FIRST_YEAR, LAST_YEAR = 1900, 2200  # a plan's dates, and far from any calendar's limits
_LEADING = re.compile(r"^(?:by (?:the )?end of|by|end of|the end of) ", re.ASCII)


@dataclass(frozen=True)
class Timescale:
    """A timescale as written (empty for an exact date, which is shown as a date), and the first and
    last days it covers (None for "Ongoing")."""

    written: str
    ends_on: date | None
    starts_on: date | None = None

    @property
    def is_ongoing(self) -> bool:
        return self.ends_on is None


def timescale_read(text: str) -> Timescale:
    """The timescale the text gives, or ValueError with a message saying which forms are understood."""
    written = " ".join(str(text).split())
    key = _LEADING.sub("", written.lower().replace("quarter ", "q"))
    if not key:
        raise ValueError(f"Enter a timescale: {FORMS}")
    if key == "ongoing":
        return Timescale(ONGOING, None)
    for year in _FOUR_DIGITS.findall(key):
        if not FIRST_YEAR <= int(year) <= LAST_YEAR:
            raise ValueError(
                f"“{_shown(written)}” is not a timescale the service can use: "
                f"give years from {FIRST_YEAR} to {LAST_YEAR}"
            )
    if match := _UK_DATE.fullmatch(key):
        day, month, year = (int(n) for n in match.groups())
        return _exact(_day(year, month, day, written))
    if match := _ISO_DATE.fullmatch(key):
        year, month, day = (int(n) for n in match.groups())
        return _exact(_day(year, month, day, written))
    if (match := _LONG_DATE.fullmatch(key)) and match.group(2) in _MONTHS:
        day, month, year = int(match.group(1)), _MONTHS[match.group(2)], int(match.group(3))
        return _exact(_day(year, month, day, written))
    if (match := _MONTH.fullmatch(key)) and match.group(1) in _MONTHS:
        month, year = _MONTHS[match.group(1)], int(match.group(2))
        return Timescale(written, _month_end(year, month), date(year, month, 1))
    if match := _QUARTER.fullmatch(key):
        quarter, start = int(match.group(1)), _financial_year_start(match.group(2), match.group(3), written)
        # Quarter 1 is April to June; quarter 4 is January to March of the next calendar year.
        year, month = (start, 3 * quarter + 1) if quarter < 4 else (start + 1, 1)
        return Timescale(written, _month_end(year, month + 2), date(year, month, 1))
    if match := _FINANCIAL_YEAR.fullmatch(key):
        start = _financial_year_start(match.group(1), match.group(2), written)
        return Timescale(written, date(start + 1, 3, 31), date(start, 4, 1))
    if _CALENDAR_YEAR.fullmatch(key):
        return Timescale(written, date(int(key), 12, 31), date(int(key), 1, 1))
    raise ValueError(f"“{_shown(written)}” is not a timescale the service understands: write {FORMS}")


def timescale_of(due_on: date | None, written: str = "") -> str:
    """An action's timescale in words: as written, else its date as "31 March 2027", else "Ongoing"."""
    if written:
        return written
    if due_on is None:
        return ONGOING
    return long_date(due_on)


def _shown(written: str) -> str:
    """The text as a message quotes it: a long one is cut short."""
    return written if len(written) <= 60 else written[:60] + "…"


def _exact(day: date) -> Timescale:
    return Timescale("", day, day)


def _day(year: int, month: int, day: int, written: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"“{_shown(written)}” is not a real date: check the day and month") from None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _financial_year_start(first: str, second: str, written: str) -> int:
    """The calendar year a financial year such as 2026/27 (or 2026/2027) starts in."""
    start = int(first)
    follows = int(second) == (start + 1 if len(second) == 4 else (start + 1) % 100)
    if not follows:
        raise ValueError(
            f"“{written}” is not a financial year: the second year follows the first, as in 2026/27"
        )
    return start
