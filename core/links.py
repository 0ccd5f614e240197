"""Addresses of the service's pages for email, where there is no request to take the host from.

Every link in an email is built here, from the configured `SITE_URL` (README, "Configuration"; `make run`
sets it from its HOST and PORT), so that one setting decides where every emailed link points.
"""

from django.conf import settings


def site_url(path: str = "") -> str:
    """The full address of `path` (such as a `reverse(...)`) on the service; the service's own without one."""
    if path and not path.startswith("/"):
        raise ValueError(f"A path on the site starts with '/': {path!r}")
    return settings.SITE_URL + path
