from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_rq import get_queue
from django_tasks_db.models import DBTaskResult
from rq import Worker

from delivery.tasks import import_plan


@pytest.mark.django_db
def test_health_check_answers_without_sign_in(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "tasks": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_check_reports_an_unreachable_database(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OSError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unreachable",
        "cache": "ok",
        "tasks": "ok",
    }


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
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unreachable",
        "tasks": "ok",
    }


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_QUEUE = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db
def test_health_check_reports_a_task_that_has_waited_too_long_for_its_worker(client, settings):
    settings.TASKS = DATABASE_QUEUE
    result = import_plan.enqueue(plan_import_id=0, user_id=None)
    assert client.get("/healthz").json()["tasks"] == "ok"

    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(seconds=settings.TASK_WAIT_LIMIT + 1)
    )
    response = client.get("/healthz")

    assert response.status_code == 200  # the node still serves pages: the balancer keeps it
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "ok", "tasks": "stalled"}


@pytest.mark.django_db
def test_health_check_reports_a_redis_queue_without_a_worker(client, settings):
    settings.TASKS = RQ_QUEUE
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/12"}}  # a database no worker serves
    worker = Worker(["default"], connection=get_queue("default").connection, name="health-check-test")

    assert client.get("/healthz").json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "ok",
        "tasks": "no worker",
    }
    worker.register_birth()
    try:
        response = client.get("/healthz")
    finally:
        worker.register_death()

    assert response.status_code == 200
    assert response.json()["tasks"] == "ok"


@pytest.mark.django_db
def test_health_check_reports_an_unreachable_redis_queue(client, settings):
    settings.TASKS = RQ_QUEUE
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:9/0"}}  # nothing listens

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "ok", "tasks": "unreachable"}


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


@pytest.mark.django_db
def test_the_health_check_answers_plain_http_where_every_other_page_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    other = client.get("/accessibility/")
    assert other.status_code == 301 and other["Location"].startswith("https://")
