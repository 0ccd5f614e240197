"""How signing in is protected: the client's address, the per-address throttle and safe log text.

django-axes locks a username out from one address after repeated failures. This module adds what
axes does not: telling clients apart behind a proxy, and a limit on how often one address may fail
to sign in, or ask for a password reset, whichever usernames or email addresses it tries.
"""

import hashlib
import ipaddress
import logging
import unicodedata

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.shortcuts import render

logger = logging.getLogger(__name__)

# What each throttled view counts, by URL name: failed sign-ins, and every request for a reset link.
SIGN_IN = "sign-in"
PASSWORD_RESET = "password-reset"  # noqa: S105 - a throttle scope, not a password
THROTTLED_VIEWS = {
    "login": SIGN_IN,
    "admin:login": SIGN_IN,
    "accounts:password_reset": PASSWORD_RESET,
}


def client_ip_address(request) -> str | None:
    """The address of the person signing in (axes' AXES_CLIENT_IP_CALLABLE).

    With TRUSTED_PROXY_COUNT = 0 this is REMOTE_ADDR, and X-Forwarded-For is ignored, since anyone
    can send it. With N trusted proxies in front, each appends the address it was reached from, so
    the client is the N-th entry from the right; entries to its left were written by the client and
    are never trusted.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote_addr  # not through every proxy: only the connection's own address is known
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote_addr


def log_text(value) -> str:
    """Text for a log line: control characters, line breaks and backslashes escaped, so that what a
    client typed cannot start a line of its own or hide part of one."""
    text = "" if value is None else str(value)
    escaped = []
    for character in text:
        if character == "\\":
            escaped.append("\\\\")
        elif character == '"':
            escaped.append('\\"')
        elif unicodedata.category(character) in {"Cc", "Cf", "Zl", "Zp"}:
            escaped.append(character.encode("unicode_escape").decode("ascii"))
        else:
            escaped.append(character)
    return "".join(escaped)


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How axes names a client in its log lines (AXES_CLIENT_STR_CALLABLE), escaped."""
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0] if path_info else ""
    return (
        f'{{username: "{log_text(username)}", ip_address: "{log_text(ip_address)}", '
        f'path_info: "{log_text(path_info)}"}}'
    )


def _throttle_key(scope: str, address: str | None) -> str:
    digest = hashlib.sha256(f"{scope}:{address}".encode()).hexdigest()
    return f"address-throttle:{digest}"


def address_throttle_count(request, scope: str) -> None:
    """Count one attempt of this kind from the request's address, in a window that opens at the
    first attempt and is not extended by later ones."""
    address = client_ip_address(request)
    key = _throttle_key(scope, address)
    window = int(settings.ADDRESS_THROTTLE_WINDOW.total_seconds())
    cache.add(key, 0, timeout=window)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the window closed between add() and incr()
        cache.add(key, 1, timeout=window)
        attempts = 1
    if attempts == settings.ADDRESS_THROTTLE_LIMIT:
        logger.warning(
            'Address throttle reached: scope "%s", ip_address "%s", path_info "%s"',
            scope,
            log_text(address),
            log_text(request.path),
        )


def address_throttle_exceeded(request, scope: str) -> bool:
    """Whether the request's address has used up its attempts of this kind for now."""
    attempts = cache.get(_throttle_key(scope, client_ip_address(request)), 0)
    return attempts >= settings.ADDRESS_THROTTLE_LIMIT


@receiver(user_login_failed, dispatch_uid="accounts.sign_in.count_failed_sign_in")
def count_failed_sign_in(sender, credentials, request=None, **kwargs):
    """Count a failed sign-in against its address, whichever username it tried."""
    if request is not None:
        address_throttle_count(request, SIGN_IN)


class AddressThrottleMiddleware:
    """Answer 429 "too many attempts" to an address that has failed to sign in, or asked for a
    password reset link, too often in the window, before the view sees the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        scope = THROTTLED_VIEWS.get(request.resolver_match.view_name)
        if scope is None:
            return None
        if address_throttle_exceeded(request, scope):
            minutes = int(settings.ADDRESS_THROTTLE_WINDOW.total_seconds() // 60)
            response = render(
                request,
                "registration/too_many_attempts.html",
                {"scope": scope, "minutes": minutes},
                status=429,
            )
            response["Retry-After"] = str(minutes * 60)
            return response
        if scope == PASSWORD_RESET:
            address_throttle_count(request, scope)
        return None
