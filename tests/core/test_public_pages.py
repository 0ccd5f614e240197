import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_health_check_answers_without_sign_in(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_check_reports_an_unreachable_database(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OSError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable", "cache": "ok"}


REDIS = "django.core.cache.backends.redis.RedisCache"


@pytest.mark.django_db
def test_health_check_reaches_a_shared_redis_cache(client, settings):
    # The machine's Redis server (DESIGN section 9), on a database of its own for the tests.
    settings.CACHES = {"default": {"BACKEND": REDIS, "LOCATION": "redis://127.0.0.1:6379/15"}}

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["cache"] == "ok"


@pytest.mark.django_db
def test_health_check_reports_an_unreachable_cache(client, settings):
    settings.CACHES = {"default": {"BACKEND": REDIS, "LOCATION": "redis://127.0.0.1:9/0"}}  # nothing listens

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unreachable"}


def test_security_txt_names_a_contact_and_an_expiry(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@example.org"

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Contact: mailto:security@example.org" in body
    assert "Expires: " in body


@pytest.mark.django_db
def test_accessibility_statement_is_public_and_linked_from_every_page(client):
    response = client.get(reverse("core:accessibility"))
    assert response.status_code == 200
    assert "Accessibility statement" in response.content.decode()

    sign_in = client.get(reverse("login")).content.decode()
    assert reverse("core:accessibility") in sign_in


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("login"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()
