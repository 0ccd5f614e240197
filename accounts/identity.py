"""Identity data: the one way an email address is normalised, so one address is one person.

Every email address is stored as `normalise_email` returns it and compared exactly (`email=`), never
with a database's case folding (`email__iexact`), which differs between SQLite and PostgreSQL: on
PostgreSQL UPPER() turns the dotless i (U+0131) into I, so an address with a dotless i matched the
account of the same address with a plain i. See
docs/decisions/0009-email-identity.md.
"""

import unicodedata

import idna
from django.core.exceptions import ValidationError

INVALID_EMAIL = "Enter an email address in the correct format, like name@example.com"
TOO_LONG_EMAIL = "Enter an email address of 254 characters or fewer"
MAX_LENGTH = 254  # the email field's length in the database (RFC 5321's limit on a path)


def normalise_email(value: str | None) -> str:
    """The address as the service stores and compares it: NFKC, stripped, lower case, IDNA domain.

    An empty value stays empty (an account may have no email address). Raises ValidationError when
    the value has no local part and domain, or its domain cannot be IDNA-encoded.
    """
    # NFKC first, so full-width letters, the Kelvin sign and compatibility spaces become plain ones
    # before they are stripped and lower-cased; NFKC again after lower(), which can denormalise
    # (`'İ'.lower()` is 'i' + U+0307), so that normalising a normalised address changes nothing.
    # lower(), not casefold(): casefold() turns 'ß' into 'ss' and would merge two mailboxes.
    text = unicodedata.normalize("NFKC", value or "").strip()
    text = unicodedata.normalize("NFKC", text.lower())
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    if not (at and local and domain):
        raise ValidationError(INVALID_EMAIL, code="invalid")
    try:
        # IDNA 2008, strictly: the A-label ("xn--...") is what mail is delivered to, and it shows a
        # look-alike domain for what it is.
        domain = idna.encode(domain, uts46=False).decode("ascii")
    except UnicodeError:  # idna.IDNAError is a UnicodeError
        raise ValidationError(INVALID_EMAIL, code="invalid") from None
    address = f"{local}@{domain}"
    if len(address) > MAX_LENGTH:
        raise ValidationError(TOO_LONG_EMAIL, code="max_length")
    return address
