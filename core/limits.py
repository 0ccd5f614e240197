"""How much the service accepts: every limit on text, numbers and costly work, in one place.

A limit is enforced by the server (forms, `full_clean` in the services, the import reader), never by
the browser alone, so a request built by hand meets the same refusal as one from a form.
"""

from django.utils.text import capfirst

# Text a person writes in a box. Each is generous for a real answer and small enough that no one
# record, page or board paper can be inflated into a problem for everyone else.
SHORT_TEXT_MAX_LENGTH = 2_000  # a reason or a note kept beside a decision
TEXT_MAX_LENGTH = 10_000  # a narrative: progress, issues and risks, a description, a strategic plan
LONG_TEXT_MAX_LENGTH = 50_000  # a document's worth: a strategic assessment, an agenda item's minutes
REFERENCE_MAX_LENGTH = 30  # a number as a plan publishes it: "2.1.10", "A3", "SV-04"

# A password or passphrase: long enough for any password manager, short enough to hash cheaply.
PASSWORD_MAX_LENGTH = 4096

# The largest whole number a primary key or counter column holds (a signed 64-bit integer on
# PostgreSQL and SQLite alike). Anything larger, or not a whole number, cannot name a record.
MAX_DATABASE_INTEGER = 2**63 - 1

# Costly downloads (board papers, plan exports): how many one person may have under way at once,
# and how long a slot is held at most if a worker dies without releasing it.
DOWNLOADS_AT_ONCE = 2
DOWNLOAD_SLOT_SECONDS = 120
DOWNLOAD_RETRY_AFTER_SECONDS = 10


def too_long_message(name: str, limit: int) -> str:
    """The GOV.UK error for text over its limit: "Progress must be 10,000 characters or fewer"."""
    name = str(name).removesuffix("(optional)").strip()
    return f"{capfirst(name)} must be {limit:,} characters or fewer"


def whole_number(value, *, maximum: int = MAX_DATABASE_INTEGER) -> int | None:
    """The value as a whole number from 0 to `maximum` when it is written in ASCII digits, else None.

    Used for numbers taken from an address or a button (`?organisation=`, `remove=`): a value that is
    too long, negative, not a number or in another script's digits names nothing, so the view can
    answer 404 rather than let `int()` or the database fail.
    """
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value.lstrip("0")) > len(str(maximum)):
        return None
    number = int(value)
    return number if number <= maximum else None
