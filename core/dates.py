"""Dates as UK public bodies count them."""

from datetime import date, time


def financial_year_of(day: date) -> int:
    """The financial year (1 April to 31 March) the day falls in, by the calendar year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(year: int) -> str:
    """A financial year as UK public bodies write it, by the calendar year it starts in: 2024 is "2024/25"."""
    return f"{year}/{(year + 1) % 100:02d}"


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: "31 March 2027"."""
    return f"{day.day} {day:%B %Y}"


def clock_time(value: time | None) -> str:
    """A time as GOV.UK writes it: "10am", "2:30pm", "midday", "midnight"; nothing for no time."""
    if value is None:
        return ""
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"
