"""CSV cells safe to open in a spreadsheet (OWASP, CSV injection)."""

# A spreadsheet runs a cell beginning with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell safe to open in a spreadsheet: text that would run as a formula gets a leading apostrophe."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n")
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value
