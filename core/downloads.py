"""Costly downloads (board papers as Word or PDF, plan exports) limited per person.

Rendering a PDF takes seconds of a worker; twelve at once from one person stalled the service for
everyone. Each person may have `DOWNLOADS_AT_ONCE` under way; one more answers 429 "Try again in a
moment" with Retry-After, at once, instead of queueing. The count lives in Django's cache (atomic
`add` and `incr`, so it works the same with local memory or Redis) and is released in `finally`; it
expires after `DOWNLOAD_SLOT_SECONDS`, so a worker killed mid-download cannot hold a slot for ever.
The cache is shared by the machine's processes (files) or by every machine (Redis): sbp/settings.py.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from core.limits import DOWNLOAD_RETRY_AFTER_SECONDS, DOWNLOAD_SLOT_SECONDS, DOWNLOADS_AT_ONCE


def download_slots_key(user_id: int) -> str:
    return f"core:downloads-under-way:{user_id}"


def _take_slot(key: str) -> bool:
    """Count one more download under way; False (and nothing counted) when the person has enough."""
    if cache.add(key, 1, timeout=DOWNLOAD_SLOT_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # the count expired between add and incr: start again
        return cache.add(key, 1, timeout=DOWNLOAD_SLOT_SECONDS)
    if count > DOWNLOADS_AT_ONCE:
        _release_slot(key)
        return False
    return True


def _release_slot(key: str) -> None:
    try:
        if cache.decr(key) <= 0:
            cache.delete(key)
    except ValueError:  # already expired
        pass


def limited_download(request: HttpRequest, make_response: Callable[[], HttpResponse]) -> HttpResponse:
    """The response `make_response` builds, unless the person already has enough downloads under way."""
    key = download_slots_key(request.user.pk)
    if not _take_slot(key):
        response = HttpResponse(
            render_to_string(
                "core/try_again.html",
                {"at_once": DOWNLOADS_AT_ONCE, "seconds": DOWNLOAD_RETRY_AFTER_SECONDS},
                request=request,
            ),
            status=429,
        )
        response["Retry-After"] = str(DOWNLOAD_RETRY_AFTER_SECONDS)
        return response
    try:
        return make_response()
    finally:
        _release_slot(key)
