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

HEALTH_KEY = "healthz"


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Answer 200 when the application can reach its database and its cache, 503 naming what it cannot."""
    checks = {"database": _database_answers, "cache": _cache_answers}
    found = {name: "ok" if check() else "unreachable" for name, check in checks.items()}
    healthy = all(answer == "ok" for answer in found.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **found}, status=200 if healthy else 503
    )


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
