"""Timescales as partnerships write them: each form read into the days it covers, nonsense refused."""

import datetime

import pytest

from core.timescales import ONGOING, Timescale, timescale_of, timescale_read

D = datetime.date


@pytest.mark.parametrize(
    ("text", "written", "starts_on", "ends_on"),
    [
        # Dates, kept as dates (shown as "31 March 2025").
        ("31/03/2025", "", D(2025, 3, 31), D(2025, 3, 31)),
        ("1.4.2025", "", D(2025, 4, 1), D(2025, 4, 1)),
        ("2025-03-31", "", D(2025, 3, 31), D(2025, 3, 31)),
        ("31 March 2025", "", D(2025, 3, 31), D(2025, 3, 31)),
        ("1st April 2025", "", D(2025, 4, 1), D(2025, 4, 1)),
        # Months.
        ("October 2023", "October 2023", D(2023, 10, 1), D(2023, 10, 31)),
        ("Feb 2024", "Feb 2024", D(2024, 2, 1), D(2024, 2, 29)),
        ("Sept 2025", "Sept 2025", D(2025, 9, 1), D(2025, 9, 30)),
        ("by March 2025", "by March 2025", D(2025, 3, 1), D(2025, 3, 31)),
        ("End of June 2026", "End of June 2026", D(2026, 6, 1), D(2026, 6, 30)),
        # Quarters of the financial year: quarter 1 is April to June.
        ("Q1 2024/25", "Q1 2024/25", D(2024, 4, 1), D(2024, 6, 30)),
        ("Q2 2024/25", "Q2 2024/25", D(2024, 7, 1), D(2024, 9, 30)),
        ("Q3 2024/25", "Q3 2024/25", D(2024, 10, 1), D(2024, 12, 31)),
        ("Q4 2024/25", "Q4 2024/25", D(2025, 1, 1), D(2025, 3, 31)),
        ("q3 2024-25", "q3 2024-25", D(2024, 10, 1), D(2024, 12, 31)),
        ("Quarter 4 2024/2025", "Quarter 4 2024/2025", D(2025, 1, 1), D(2025, 3, 31)),
        # Financial and calendar years.
        ("2025/26", "2025/26", D(2025, 4, 1), D(2026, 3, 31)),
        ("2025-26", "2025-26", D(2025, 4, 1), D(2026, 3, 31)),
        ("FY 2025/2026", "FY 2025/2026", D(2025, 4, 1), D(2026, 3, 31)),
        ("2099/00", "2099/00", D(2099, 4, 1), D(2100, 3, 31)),
        ("by 2028", "by 2028", D(2028, 1, 1), D(2028, 12, 31)),
        # Ongoing, whatever its case and spacing.
        ("Ongoing", ONGOING, None, None),
        ("  ONGOING ", ONGOING, None, None),
    ],
)
def test_every_written_form_is_read_into_the_days_it_covers(text, written, starts_on, ends_on):
    assert timescale_read(text) == Timescale(written, ends_on, starts_on)


def test_spacing_is_tidied_but_the_words_are_kept():
    assert timescale_read(" Q3   2024/25 ").written == "Q3 2024/25"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a timescale"),
        ("soon", "“soon” is not a timescale the service understands"),
        ("Main changes by 2025, full implementation by 2028", "is not a timescale the service understands"),
        ("Q5 2024/25", "is not a timescale the service understands"),
        ("Q3 2024", "is not a timescale the service understands"),
        ("Smarch 2025", "is not a timescale the service understands"),
        ("31/02/2025", "“31/02/2025” is not a real date"),
        ("2025/27", "“2025/27” is not a financial year"),
        ("99999999/12/2025", "is not a timescale the service can use"),
        ("Q4 9999/00", "give years from 1900 to 2200"),
        ("9999/00", "give years from 1900 to 2200"),
        ("0000", "give years from 1900 to 2200"),
        ("0001-01-01", "give years from 1900 to 2200"),
        ("<script>alert(1)</script>", "is not a timescale the service understands"),
        ("２０２５/２６", "is not a timescale the service understands"),  # full-width digits
        ("x" * 10_000, "is not a timescale the service understands"),
    ],
)
def test_nonsense_is_refused_with_a_message_that_shows_the_forms(text, message):
    with pytest.raises(ValueError) as error:
        timescale_read(text)

    assert message in str(error.value)
    assert len(str(error.value)) < 400  # a long text is quoted cut short


def test_in_words_a_timescale_is_as_written_else_the_date_else_ongoing():
    assert timescale_of(D(2027, 3, 31), "Q4 2026/27") == "Q4 2026/27"
    assert timescale_of(D(2027, 3, 31)) == "31 March 2027"
    assert timescale_of(None) == "Ongoing"
