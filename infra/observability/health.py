"""Readiness checks: database, Redis, broker, channel layer, storage and static files, timed."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Collection

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections

from infra.redis.config import redis_client

from .queues import check_queue_consumers
from .static_files import check_static_files

CHECK_TIMEOUT_S = 2.0


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis() -> None:
    # REDIS_CONNECTION carries TLS (rediss://), the password and Sentinel discovery.
    client = redis_client(settings.REDIS_CONNECTION, timeout=CHECK_TIMEOUT_S)
    try:
        client.ping()
    finally:
        client.close()


def check_broker() -> None:
    # The project's Celery app, without importing the project (it made itself the current app).
    from celery import current_app

    with current_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_S)


def check_channel_layer() -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    group = f"health.{uuid.uuid4().hex}"
    # A send to an empty group exercises the layer's connection without delivering anything.
    async_to_sync(layer.group_send)(group, {"type": "health.ping"})


def check_storage() -> None:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise RuntimeError("storage read back different bytes")
    finally:
        default_storage.delete(name)


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "redis": check_redis,
    "broker": check_broker,
    "channel_layer": check_channel_layer,
    "storage": check_storage,
    # Production (hashed names): a missing collectstatic makes every page a 500.
    "static_files": check_static_files,
    # Reported, never a reason to leave rotation (see ALWAYS_OPTIONAL).
    "queue_consumers": check_queue_consumers,
}

# Parts whose failure a web instance cannot fix and must not make worse: with no worker on a
# queue, taking every web out of rotation would turn slow renders into an outage.
ALWAYS_OPTIONAL = frozenset({"queue_consumers"})


def run_readiness_checks(
    names: list[str] | None = None,
    *,
    registry: dict[str, Callable[[], object]] | None = None,
    optional: Collection[str] = (),
) -> dict:
    """Run each check; the report says ok/failed per part with latency in milliseconds.

    ``registry`` replaces READINESS_CHECKS (check_infra adds round trips and workers); a
    check that returns a string has it reported as ``detail``. A failed part named in
    ``optional`` is listed under ``degraded`` (status "degraded"); a failed required part
    is listed under ``failing`` (status "failed", which /health/ready answers with 503).
    The readiness registry's ALWAYS_OPTIONAL parts are optional whatever ``optional`` says.
    """
    if registry is None:
        optional = {*optional, *ALWAYS_OPTIONAL}
    checks: dict[str, dict] = {}
    for name, check in (registry or READINESS_CHECKS).items():
        if names and name not in names:
            continue
        started = time.perf_counter()
        try:
            detail = check()
        except Exception as exc:
            checks[name] = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            checks[name] = {"status": "ok"}
            if isinstance(detail, str) and detail:
                checks[name]["detail"] = detail
        checks[name]["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
        checks[name]["required"] = name not in optional
    failed = [name for name, result in checks.items() if result["status"] != "ok"]
    failing = [name for name in failed if checks[name]["required"]]
    degraded = [name for name in failed if not checks[name]["required"]]
    status = "failed" if failing else "degraded" if degraded else "ok"
    return {"status": status, "failing": failing, "degraded": degraded, "checks": checks}
