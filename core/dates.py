"""Dates as UK public bodies count them."""

from datetime import date


def financial_year_of(day: date) -> int:
    """The financial year (1 April to 31 March) the day falls in, by the calendar year it starts in."""
    return day.year if day.month >= 4 else day.year - 1
