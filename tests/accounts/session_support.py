"""Opening pages as within a minute of the last recorded activity, when a request leaves the session as
it is (accounts.sessions.ACTIVITY_RECORDED_EVERY): query counts then do not depend on how long a test
took to make its rows."""

import time

from django.contrib.sessions.models import Session

from accounts.services import session_store
from accounts.sessions import LAST_ACTIVITY_AT


def activity_recorded_now() -> None:
    """Record activity now in every signed-in session."""
    for key in Session.objects.values_list("session_key", flat=True):
        session = session_store(key)
        if LAST_ACTIVITY_AT in session:
            session[LAST_ACTIVITY_AT] = time.time()
            session.save()
