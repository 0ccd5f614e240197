"""Production settings refuse to start without a secret, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_need_a_secret_key():
    result = run_manage("check")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "tracker.example.org",
    "SECURITY_CONTACT": "mailto:security@example.org",
}


def test_production_settings_need_a_security_contact():
    result = run_manage("check", **{**PRODUCTION, "SECURITY_CONTACT": ""})

    assert result.returncode != 0
    assert "Set SECURITY_CONTACT" in result.stderr


def test_production_settings_pass_the_deployment_checks_without_extra_flags():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def test_https_is_turned_off_only_when_asked():
    show = (
        "from django.conf import settings; "
        "print(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_NAME)"
    )

    on = run_manage("shell", "-v", "0", "-c", show, **PRODUCTION).stdout.split()
    off = run_manage("shell", "-v", "0", "-c", show, **PRODUCTION, SECURE_SSL="0").stdout.split()

    assert on == ["True", "True", "__Host-sessionid"]
    assert off == ["False", "False", "sessionid"]
