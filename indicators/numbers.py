"""Numbers typed as text, for indicators' values, targets, baselines and tolerances.

`number_from_text` reads them for the forms (`NumberField`) and the values import alike: only the
digits 0 to 9, a point and thousands commas, so that "NaN", "∞", "1e30" and full-width digits get a
clear message rather than a surprising value.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from indicators.models import VALUE_LIMIT, VALUE_PLACES

# A number as people type it: digits with an optional point, or with commas between thousands.
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?", re.ASCII)
_EXPONENT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+", re.ASCII)
_LONGEST_NUMBER = 40  # characters: far more than any value the model holds, written out in full


def _figure(number: Decimal) -> str:
    """A limit as a message writes it: "999,999,999,999", "0", "100"."""
    return f"{number:,f}"


def number_from_text(
    text,
    *,
    name: str = "the value",
    minimum: Decimal = -VALUE_LIMIT,
    maximum: Decimal = VALUE_LIMIT,
    places: int = VALUE_PLACES,
) -> Decimal:
    """The number `text` writes, with `places` decimal places as the model holds it, or a
    ValidationError that says what is wrong, naming the number.

    Accepts "125", "-3", "12.5", "1,234.5", "£1,200", "12.5%" (the sign and the symbol are only
    how the number is written) and trailing zeros beyond `places` ("1.00000"); refuses other
    scripts' digits, exponents, "NaN" and infinity, more than `places` decimal places that are not
    zeros and anything outside `minimum` to `maximum`.
    """
    written = str(text).strip()
    if not written:
        raise ValidationError(f"Enter {name}")
    between = f"{capfirst(name)} must be between {_figure(minimum)} and {_figure(maximum)}"
    bare = written.removesuffix("%").strip()
    sign = bare[:1] if bare[:1] in "+-" else ""
    bare = sign + bare[len(sign) :].removeprefix("£").strip()
    if not bare.isascii():
        if any(unicodedata.digit(c, None) is not None for c in bare if not c.isascii()):
            raise ValidationError(f"Enter {name} using the digits 0 to 9, such as 125 or 12.5")
        raise ValidationError(f"Enter {name} as a number, such as 125 or 12.5")
    if len(bare) > _LONGEST_NUMBER:
        raise ValidationError(between)
    if _EXPONENT.fullmatch(bare):
        raise ValidationError(f"Enter {name} in full, without “e”: for example 1500 rather than 1.5e3")
    if _GROUPED.fullmatch(bare):
        bare = bare.replace(",", "")
    if not _PLAIN.fullmatch(bare):
        raise ValidationError(f"Enter {name} as a number, such as 125 or 12.5")
    try:
        number = Decimal(bare)
    except InvalidOperation:  # the pattern above admits only what Decimal reads; kept for safety
        raise ValidationError(f"Enter {name} as a number, such as 125 or 12.5") from None
    if not minimum <= number <= maximum:
        raise ValidationError(between)
    # Within the limits, `places` places fit the model's digits. Compared exactly: a figure that
    # rounding changes, however little, has too many places; "1.00000" is 1.0000 and saves.
    held = number.quantize(Decimal(1).scaleb(-places))
    if held != number:
        raise ValidationError(
            f"{capfirst(name)} can have at most {places} decimal place{'s' if places != 1 else ''}"
        )
    return held + 0  # a plain Decimal, never "-0"


def number_as_text(value) -> str:
    """A stored number as a form shows it again: Decimal("12.5000") is "12.5", Decimal("100") "100"."""
    if not isinstance(value, Decimal):
        return "" if value is None else str(value)
    return f"{value.normalize():f}"


class NumberField(forms.CharField):
    """A number typed as text and read by `number_from_text`; `name` is how its messages say it."""

    def __init__(
        self,
        *,
        name: str,
        minimum: Decimal = -VALUE_LIMIT,
        maximum: Decimal = VALUE_LIMIT,
        places: int = VALUE_PLACES,
        **kwargs,
    ):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}),
        )
        super().__init__(strip=True, **kwargs)
        self.name, self.minimum, self.maximum, self.places = name, minimum, maximum, places
        self.error_messages = {**self.error_messages, "required": f"Enter {name}"}

    def prepare_value(self, value):
        return number_as_text(value)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        return number_from_text(
            text, name=self.name, minimum=self.minimum, maximum=self.maximum, places=self.places
        )
