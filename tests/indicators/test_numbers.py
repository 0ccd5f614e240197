"""Reading the numbers people type for indicators: as they write them, hostile and huge ones refused with
a clear message, and trailing zeros read as the model holds the number, so that it saves."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Indicator, IndicatorValue
from indicators.numbers import number_from_text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("125", Decimal("125")),
        (" -3 ", Decimal("-3")),
        ("12.5", Decimal("12.5")),
        ("1,234.5", Decimal("1234.5")),
        ("£1,200", Decimal("1200")),
        ("12.5%", Decimal("12.5")),
        ("-0", Decimal("0")),
        ("999999999999", Decimal("999999999999")),
        ("0.0001", Decimal("0.0001")),
        ("1.00000", Decimal("1")),
        ("12.5000000000", Decimal("12.5")),
    ],
)
def test_numbers_are_read_as_people_write_them(text, number):
    assert number_from_text(text) == number


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1e30", "Enter the value in full, without “e”"),
        ("1E3", "Enter the value in full, without “e”"),
        ("NaN", "Enter the value as a number, such as 125 or 12.5"),
        ("nan", "Enter the value as a number"),
        ("Infinity", "Enter the value as a number"),
        ("∞", "Enter the value as a number"),
        ("１２", "Enter the value using the digits 0 to 9"),
        ("١٢", "Enter the value using the digits 0 to 9"),
        ("12,34", "Enter the value as a number"),
        ("1 000", "Enter the value as a number"),
        ("<script>", "Enter the value as a number"),
        ("1000000000000", "The value must be between -999,999,999,999 and 999,999,999,999"),
        ("9" * 5000, "The value must be between"),
        ("0.00001", "The value can have at most 4 decimal places"),
        # More places than a decimal's usual 28 digits of precision: not rounded away to 1.
        ("1.0000000000000000000000000000001", "The value can have at most 4 decimal places"),
        ("", "Enter the value"),
    ],
)
def test_hostile_and_huge_numbers_get_a_clear_message(text, message):
    with pytest.raises(ValidationError) as error:
        number_from_text(text)
    assert error.value.messages[0].startswith(message)


@pytest.mark.parametrize("text", ["1.00000", "-0.000000", "999999999999.00000000", "12.34560"])
def test_a_number_with_trailing_zeros_is_one_the_model_accepts(text):
    field = IndicatorValue._meta.get_field("value")

    assert field.clean(number_from_text(text), None) == Decimal(text)


def test_a_tolerance_with_trailing_zeros_is_one_the_model_accepts():
    field = Indicator._meta.get_field("tolerance_percent")

    number = number_from_text("100.000", minimum=Decimal(0), maximum=Decimal(100), places=2)

    assert field.clean(number, None) == Decimal(100)
