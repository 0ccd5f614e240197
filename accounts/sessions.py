"""Session limits: an idle timeout with a warning, an absolute limit, and "Sign out everywhere".

The server enforces both limits itself (SessionLimitsMiddleware); the timeout warning in the browser
(static/js/timeout-warning.js, the GOV.UK timeout-warning pattern) only tells people in time and lets
them stay signed in, as WCAG 2.2 success criterion 2.2.1 asks.
"""

import math
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.utils.deprecation import MiddlewareMixin
from django.views.decorators.http import require_GET, require_POST

from accounts.services import user_sessions_end
from accounts.two_factor import two_factor_not_required

SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVITY_AT = "last_activity_at"
# Activity is recorded when a thirtieth of the idle timeout (a minute of 30) has passed since it last
# was, so that most requests leave the session as it is and write nothing; "Stay signed in" always
# records it. The warning reads the same record, so it still comes in time.
ACTIVITY_RECORDED_EVERY = 30


def duration_in_words(seconds: float) -> str:
    """A session limit in words: "30 minutes", "12 hours" (seconds only for the short limits of tests)."""
    seconds = round(seconds)
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


@receiver(user_logged_in, dispatch_uid="accounts.sessions.record_sign_in")
def _record_sign_in(sender, request, user, **kwargs):
    """Start both clocks when someone signs in (Django has already given the session a new key)."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY_AT] = now


def session_seconds_left(request: HttpRequest, *, now: float | None = None) -> tuple[int, bool]:
    """How many seconds the signed-in session has left, and whether activity can still extend it."""
    now = time.time() if now is None else now
    session = request.session
    idle_left = settings.SESSION_IDLE_TIMEOUT.total_seconds() - (now - session.get(LAST_ACTIVITY_AT, now))
    absolute_left = settings.SESSION_ABSOLUTE_LIMIT.total_seconds() - (now - session.get(SIGNED_IN_AT, now))
    # Rounded up, so 0 means the session has ended: the page reloaded then finds it ended, not extended.
    return max(0, math.ceil(min(idle_left, absolute_left))), absolute_left > idle_left


def session_limits_not_enforced(view_func):
    """Mark a view that reads the session's time left without ending the session or counting as activity."""
    view_func.session_limits_not_enforced = True
    return view_func


class SessionLimitsMiddleware(MiddlewareMixin):
    """Sign out a session idle for SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_LIMIT.

    It runs before LoginRequiredMiddleware's check, so a page behind sign-in then sends the person to the
    sign-in page (with a message saying why, and back to the page afterwards). Every other request by a
    signed-in person counts as activity (recorded as ACTIVITY_RECORDED_EVERY says).
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or getattr(view_func, "session_limits_not_enforced", False):
            return None
        now = time.time()
        session = request.session
        session.setdefault(SIGNED_IN_AT, now)  # a session from before these limits counts from now
        idle = now - session.get(LAST_ACTIVITY_AT, now)
        if idle >= settings.SESSION_IDLE_TIMEOUT.total_seconds():
            self._end(
                request,
                f"you did nothing for {duration_in_words(settings.SESSION_IDLE_TIMEOUT.total_seconds())}",
            )
        elif now - session[SIGNED_IN_AT] >= settings.SESSION_ABSOLUTE_LIMIT.total_seconds():
            self._end(
                request,
                f"you had been signed in for {duration_in_words(settings.SESSION_ABSOLUTE_LIMIT.total_seconds())}, "
                "the longest a session may last",
            )
        elif idle >= settings.SESSION_IDLE_TIMEOUT.total_seconds() / ACTIVITY_RECORDED_EVERY:
            session[LAST_ACTIVITY_AT] = now
        return None

    @staticmethod
    def _end(request, why: str) -> None:
        logout(request)
        messages.info(request, f"You have been signed out because {why}. Sign in again to carry on.")


def session_timeout(request: HttpRequest) -> dict:
    """What the timeout warning needs on each page: seconds left and when to warn (signed-in only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    seconds_left, can_extend = session_seconds_left(request)
    return {
        "session_timeout": {
            "seconds_left": seconds_left,
            "can_extend": can_extend,
            "warning_seconds": int(settings.SESSION_TIMEOUT_WARNING.total_seconds()),
        }
    }


def _status(request: HttpRequest) -> JsonResponse:
    seconds_left, can_extend = session_seconds_left(request)
    return JsonResponse({"seconds_left": seconds_left, "can_extend": can_extend})


@require_GET
@two_factor_not_required
@session_limits_not_enforced
def session_status(request):
    """The session's time left, for the timeout warning; asking does not count as activity."""
    return _status(request)


@require_POST
@two_factor_not_required
def session_extend(request):
    """ "Stay signed in": the idle clock starts again."""
    request.session[LAST_ACTIVITY_AT] = time.time()
    return _status(request)


@require_POST
def sign_out_everywhere(request):
    """End every session of the signed-in person, on every device, this one included."""
    user_sessions_end(user=request.user)
    logout(request)
    messages.success(request, "You have been signed out on every device, this one included.")
    return redirect(settings.LOGIN_URL)
