"""check_infra's checks: readiness checks plus a channel-layer round trip and live workers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync

from infra.observability.health import (
    CHECK_TIMEOUT_S,
    READINESS_CHECKS,
    probe_storage,
    run_readiness_checks,
)
from infra.observability.queues import check_queue_consumers

# control.ping waits this long for every worker's reply, whatever the number of workers.
WORKER_PING_TIMEOUT_S = 1.0


def check_channel_layer_roundtrip() -> str:
    """Send a message to a fresh channel and receive it back through the layer's Redis."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    token = uuid.uuid4().hex

    async def roundtrip() -> None:
        # new_channel subscribes before the send, so the pub/sub layer cannot miss it.
        channel = await layer.new_channel("health.")
        await layer.send(channel, {"type": "health.ping", "token": token})
        message = await asyncio.wait_for(layer.receive(channel), timeout=CHECK_TIMEOUT_S)
        if message.get("token") != token:
            raise RuntimeError("the channel layer delivered a different message")

    async_to_sync(roundtrip)()
    return f"{type(layer).__name__}: sent and received"


def check_celery_workers() -> str:
    """At least one Celery worker answers a control ping through the broker."""
    from celery import current_app

    replies = current_app.control.ping(timeout=WORKER_PING_TIMEOUT_S) or []
    workers = sorted(name for reply in replies for name in reply)
    if not workers:
        raise RuntimeError("no Celery worker answered a ping")
    return f"{len(workers)} worker(s): {', '.join(workers)}"


# Checks the apps add (``report_check_register``): each returns a line describing what it
# found and fails only by raising. Sound banks, for instance, are reported, never required.
_APP_REPORTS: dict[str, Callable[[], str]] = {}


def report_check_register(name: str, check: Callable[[], str]) -> None:
    """Add an app's check to check_infra (not to /health/ready)."""
    _APP_REPORTS[name] = check


def infra_checks() -> dict[str, Callable[[], object]]:
    """The readiness checks, with the layer check made a real round trip, plus workers and
    the apps' reports; the queue check asks afresh (a one-shot command has no use for a
    cached answer)."""
    checks: dict[str, Callable[[], object]] = {
        name: check for name, check in READINESS_CHECKS.items() if name != "queue_consumers"
    }
    checks["channel_layer"] = check_channel_layer_roundtrip
    # An operator asking wants a probe now, not the web probe's cached answer.
    checks["storage"] = probe_storage
    checks["celery_workers"] = check_celery_workers
    checks["queue_consumers"] = lambda: check_queue_consumers(max_age=0)
    checks.update(_APP_REPORTS)
    return checks


def run_infra_checks(*, skip: tuple[str, ...] = ()) -> dict:
    """Every check in order; same report shape as /health/ready (status, failing, checks)."""
    registry = {name: check for name, check in infra_checks().items() if name not in skip}
    return run_readiness_checks(registry=registry)
