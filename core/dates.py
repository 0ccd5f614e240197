"""Dates as UK public bodies count them."""

from datetime import date


def financial_year_of(day: date) -> int:
    """The financial year (1 April to 31 March) the day falls in, by the calendar year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: "31 March 2027"."""
    return f"{day.day} {day:%B %Y}"
