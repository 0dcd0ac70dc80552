"""Readiness checks: database, Redis, broker, channel layer, storage and static files, timed."""

from __future__ import annotations

import logging
import re
import threading
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
logger = logging.getLogger(__name__)

# Addresses in error messages ("Error 111 connecting to 10.0.3.7:6379", psycopg's
# 'connection to server at "db.internal" (10.0.0.5), port 5432'): replaced before a
# message leaves the process over HTTP; the log keeps the original.
_ADDRESS_PATTERNS = (
    re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE),  # URLs
    re.compile(r"\[[0-9a-f:.]+\](?::\d+)?", re.IGNORECASE),  # [v6]:port
    re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b"),  # v4[:port]
    re.compile(r"\b(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}\b", re.IGNORECASE),  # bare v6
    re.compile(r"\b[\w-]+(?:\.[\w-]+)*:\d{2,5}\b"),  # host:port
    re.compile(r"(?<=\bat )\"[^\"]+\"|(?<=\bhost name )\"[^\"]+\""),  # psycopg hosts
)


def redact_addresses(message: str) -> str:
    for pattern in _ADDRESS_PATTERNS:
        message = pattern.sub("[address]", message)
    return message


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


# The storage probe writes, reads and deletes an object (3 S3 requests): once a minute per
# process at most (HEALTH_STORAGE_PROBE_S), not once per call; a failure is retried sooner.
_storage_probe = {"at": float("-inf"), "error": None}
_storage_lock = threading.Lock()
STORAGE_RETRY_AFTER_FAILURE_S = 5.0


def check_storage() -> None:
    """The last storage probe's answer while it is fresh, else a new probe."""
    with _storage_lock:
        age = time.monotonic() - _storage_probe["at"]
        fresh = settings.HEALTH_STORAGE_PROBE_S
        if _storage_probe["error"] is not None:
            fresh = min(fresh, STORAGE_RETRY_AFTER_FAILURE_S)
        if age >= fresh:
            try:
                probe_storage()
            except Exception as exc:
                _storage_probe["error"] = exc
            else:
                _storage_probe["error"] = None
            _storage_probe["at"] = time.monotonic()
        error = _storage_probe["error"]
    if error is not None:
        raise error


def probe_storage() -> None:
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
    error_messages: bool = True,
) -> dict:
    """Run each check; the report says ok/failed per part with latency in milliseconds.

    ``registry`` replaces READINESS_CHECKS (check_infra adds round trips and workers); a
    check that returns a string has it reported as ``detail``. A failed part named in
    ``optional`` is listed under ``degraded`` (status "degraded"); a failed required part
    is listed under ``failing`` (status "failed", which /health/ready answers with 503).
    ``error_messages=False`` (the HTTP probe) reports messages with hosts, addresses and
    ports replaced (:func:`redact_addresses`); the log keeps them whole. The readiness
    registry's ALWAYS_OPTIONAL parts are optional whatever ``optional`` says.
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
            message = f"{type(exc).__name__}: {exc}"[:300]
            if not error_messages:
                logger.warning("readiness: %s failed: %s", name, message)
                message = redact_addresses(message)
            checks[name] = {"status": "failed", "error": message}
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
