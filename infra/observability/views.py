"""Health and metrics endpoints."""

from __future__ import annotations

import hmac
import threading
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from infra.http.client_address import allowed_networks, in_networks

from . import metrics as app_metrics
from .health import run_readiness_checks


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. No database, no Redis."""
    return JsonResponse({"status": "ok"})


_public_report: dict = {"at": float("-inf"), "report": None}
_public_lock = threading.Lock()


def _orchestrator(request: HttpRequest) -> bool:
    """The orchestrator: an address in HEALTH_ALLOWED_IPS (the cluster's own networks by
    default) or the bearer HEALTH_TOKEN."""
    token = settings.HEALTH_TOKEN
    auth = request.headers.get("Authorization", "")
    if token and auth.startswith("Bearer ") and hmac.compare_digest(auth[7:], token):
        return True
    return in_networks(request.META.get("REMOTE_ADDR", ""), allowed_networks("HEALTH_ALLOWED_IPS"))


def _readiness(*, fresh: bool) -> dict:
    """A fresh report for the orchestrator; anyone else shares one at most
    HEALTH_PUBLIC_CACHE_S old, so outside calls cannot drive the dependency checks."""
    if fresh:
        return run_readiness_checks(optional=settings.HEALTH_OPTIONAL_CHECKS, error_messages=False)
    with _public_lock:
        if time.monotonic() - _public_report["at"] >= settings.HEALTH_PUBLIC_CACHE_S:
            _public_report["report"] = run_readiness_checks(
                optional=settings.HEALTH_OPTIONAL_CHECKS, error_messages=False
            )
            _public_report["at"] = time.monotonic()
        return _public_report["report"]


@never_cache
def health_ready(request: HttpRequest) -> HttpResponse:
    """Readiness: every required dependency answers; 503 names the ones that don't.

    Parts in HEALTH_OPTIONAL_CHECKS are still checked and reported, but their failure leaves
    the instance in rotation (status "degraded", 200). The orchestrator (see
    :func:`_orchestrator`) gets each check with its latency and error class; anyone else
    only the status and the names of failing parts, from a report shared for a few seconds.
    Never an address or an error message (those are logged).
    """
    orchestrator = _orchestrator(request)
    report = _readiness(fresh=orchestrator)
    if not orchestrator:
        report = {key: report[key] for key in ("status", "failing", "degraded")}
    return JsonResponse(report, status=503 if report["status"] == "failed" else 200)


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    auth = request.headers.get("Authorization", "")
    if token and auth.startswith("Bearer ") and hmac.compare_digest(auth[7:], token):
        return True
    # REMOTE_ADDR is the client as TRUSTED_PROXIES vouch for it (infra.http.client_address),
    # so a forged X-Forwarded-For from anyone else changes nothing here.
    return in_networks(request.META.get("REMOTE_ADDR", ""), allowed_networks("METRICS_ALLOWED_IPS"))


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
