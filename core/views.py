"""Public pages that need no sign-in: health check, security contact, accessibility statement."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from django_rq import get_queue
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_rq import RQBackend
from rq import Worker

HEALTH_KEY = "healthz"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Answer 200 when the application can reach its database and its cache, and 503 naming the one it
    cannot, for a load balancer. The task queue is reported too: without a worker keeping up the
    status is "degraded", still 200, since this node can serve pages and taking every node out of the
    balancer would not bring a worker back."""
    found = {
        "database": "ok" if _database_answers() else "unreachable",
        "cache": "ok" if _cache_answers() else "unreachable",
        "tasks": _task_worker_state(),
    }
    serving = found["database"] == found["cache"] == "ok"
    status = ("ok" if found["tasks"] == "ok" else "degraded") if serving else "unavailable"
    return JsonResponse({"status": status, **found}, status=200 if serving else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "unhealthy"
        return False
    return True


def _cache_answers() -> bool:
    try:
        cache.set(HEALTH_KEY, "ok", timeout=10)
        return cache.get(HEALTH_KEY) == "ok"
    except Exception:  # noqa: BLE001 - any cache failure (Redis down, refused) means "unhealthy"
        return False


def _task_worker_state() -> str:
    """ "ok"; "no worker" when the Redis queue has none; "stalled" when a task has waited more than
    TASK_WAIT_LIMIT seconds for the database queue's worker; "unreachable" when the queue cannot be read.
    Tasks run as they are enqueued need no worker."""
    backend = task_backends["default"]
    try:
        if isinstance(backend, RQBackend):
            return "ok" if Worker.count(connection=get_queue("default").connection) else "no worker"
        if isinstance(backend, DatabaseBackend):
            waited = timezone.now() - timedelta(seconds=settings.TASK_WAIT_LIMIT)
            return "stalled" if DBTaskResult.objects.ready().filter(enqueued_at__lt=waited).exists() else "ok"
    except Exception:  # noqa: BLE001 - any failure to read the queue means "unhealthy"
        return "unreachable"
    return "ok"


@login_not_required
@require_GET
def security_txt(request):
    """The security contact, as RFC 9116 asks; it always expires within the year."""
    expires = timezone.now() + timedelta(days=180)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires:%Y-%m-%dT00:00:00Z}",
        "Preferred-Languages: en",
        f"Canonical: {request.build_absolute_uri()}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@method_decorator(login_not_required, name="dispatch")
class AccessibilityStatementView(TemplateView):
    template_name = "core/accessibility.html"


@login_not_required
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the service's icon."""
    return redirect(static("images/favicon.svg"), permanent=True)
