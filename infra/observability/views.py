"""Health and metrics endpoints."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from . import metrics as app_metrics
from .health import run_readiness_checks


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No database, no Redis."""
    return JsonResponse({"status": "ok"})


@never_cache
def health_ready(request: HttpRequest) -> HttpResponse:
    """Readiness: every required dependency answers; 503 names the ones that don't.

    Parts in HEALTH_OPTIONAL_CHECKS are still checked and reported, but their failure leaves
    the instance in rotation (status "degraded", 200).
    """
    report = run_readiness_checks(optional=settings.HEALTH_OPTIONAL_CHECKS)
    return JsonResponse(report, status=503 if report["status"] == "failed" else 200)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    auth = request.headers.get("Authorization", "")
    if token and auth.startswith("Bearer ") and hmac.compare_digest(auth[7:], token):
        return True
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


health.skip_request_user = True  # type: ignore[attr-defined]
health_ready.skip_request_user = True  # type: ignore[attr-defined]


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for allow-listed addresses or a bearer token."""
    if not _metrics_allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    # Built per scrape: in multiprocess mode it reads every process's files, and the state
    # collector counts queued jobs now, not at import time.
    body = generate_latest(app_metrics.web_registry())  # type: ignore[arg-type]
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


metrics.skip_request_user = True  # type: ignore[attr-defined]
