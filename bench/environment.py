"""The settings every part of the bench runs under, and signed-in sessions for its people.

Production settings (DEBUG off, compressed static files, the cached template loader) on the bench's
own database; background tasks run as they are enqueued, so no page waits for a worker; database
connections persist between requests, as a deployment keeps them, so no page pays for connecting.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_environment(database_url: str) -> dict[str, str]:
    """The environment of the bench's processes: its own and gunicorn's."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SECURE_SSL": "0",  # gunicorn serves plain HTTP on loopback
        "SECURITY_CONTACT": os.environ.get("SECURITY_CONTACT", "mailto:security@localhost"),
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "sbp.settings",
    }


def django_setup(database_url: str) -> None:
    """Set up Django in this process with the bench's environment."""
    os.environ.update(bench_environment(database_url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def verified_session(session, user) -> None:
    """Mark a signed-in session as verified by the person's authenticator app, as after entering a
    code: administrators and superusers need it before any page opens (accounts.two_factor)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import AUTHENTICATOR_NAME, two_factor_required

    if not two_factor_required(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name=AUTHENTICATOR_NAME, confirmed=True
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def signed_in_client(user):
    """A Django test client signed in as the person, with two-factor sign-in done where it is needed."""
    from django.test import Client

    client = Client(raise_request_exception=False)  # a page that fails answers 500, and is reported
    client.force_login(user)
    verified_session(client.session, user)
    return client


def session_cookie(user) -> tuple[str, str]:
    """A new signed-in (and verified) session for the person: the cookie's name and value, for a client
    outside this process."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.services import session_store

    session = session_store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    verified_session(session, user)
    return settings.SESSION_COOKIE_NAME, session.session_key
