"""Which declared Celery queues some worker consumes: asked of the workers, cached briefly."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric

# inspect() waits this long for every worker's reply, however many workers there are.
QUEUE_INSPECT_TIMEOUT_S = 1.0
# /health/ready and /metrics reuse an answer this long, so probes and scrapes cost one
# broadcast per process per period, not one each.
QUEUE_CONSUMERS_MAX_AGE_S = 15.0


@dataclass(frozen=True)
class QueueConsumers:
    """Each declared queue and the workers consuming it (none: the queue's tasks wait)."""

    consumers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    error: str = ""
    at: float = 0.0

    @property
    def unconsumed(self) -> list[str]:
        return [queue for queue, workers in self.consumers.items() if not workers]


_cache: QueueConsumers | None = None
_lock = threading.Lock()


def declared_queues(app: Any) -> list[str]:
    """The queues the app's settings declare (CELERY_TASK_QUEUES), else its default queue."""
    queues = app.conf.task_queues or ()
    return [queue.name for queue in queues] or [app.conf.task_default_queue]


def queue_consumers(
    *, app: Any = None, max_age: float = QUEUE_CONSUMERS_MAX_AGE_S, timeout: float | None = None
) -> QueueConsumers:
    """Ask every worker which queues it consumes (``inspect active_queues``), at most once per
    ``max_age`` seconds in this process; a broker that cannot be asked is kept as ``error``."""
    global _cache
    if app is None:
        # The project's app, without importing the project (it made itself the current app).
        from celery import current_app as app
    with _lock:
        now = time.monotonic()
        if _cache is not None and max_age > 0 and now - _cache.at < max_age:
            return _cache
        names = declared_queues(app)
        try:
            inspector = app.control.inspect(timeout=timeout or QUEUE_INSPECT_TIMEOUT_S)
            replies = inspector.active_queues() or {}
        except Exception as exc:
            found = QueueConsumers(error=f"{type(exc).__name__}: {exc}"[:300], at=now)
        else:
            found = QueueConsumers(
                consumers={
                    name: tuple(
                        sorted(
                            worker
                            for worker, queues in replies.items()
                            if any(queue.get("name") == name for queue in queues or ())
                        )
                    )
                    for name in names
                },
                at=now,
            )
        if max_age > 0:  # a fresh question (check_infra) leaves the probes' answer alone
            _cache = found
        return found


def queue_consumers_forget() -> None:
    """Drop the cached answer (tests: each starts without another's workers in mind)."""
    global _cache
    with _lock:
        _cache = None


def check_queue_consumers(*, max_age: float = QUEUE_CONSUMERS_MAX_AGE_S) -> str:
    """Every declared queue has a consumer; raises naming the queues whose tasks would wait."""
    found = queue_consumers(max_age=max_age)
    if found.error:
        raise RuntimeError(f"could not ask the workers: {found.error}")
    if found.unconsumed:
        raise RuntimeError(
            f"no worker consumes queue {', '.join(found.unconsumed)} (tasks there wait; "
            "start `celery -A dawg worker` without -Q, or name the queue in -Q)"
        )
    return "; ".join(f"{queue}: {len(workers)}" for queue, workers in found.consumers.items())


def queue_consumer_metrics() -> Iterable[Metric]:
    """``dawg_celery_queue_consumers{queue}`` for /metrics (nothing when the broker is away)."""
    found = queue_consumers()
    if found.error:
        raise RuntimeError(found.error)
    gauge = GaugeMetricFamily(
        "dawg_celery_queue_consumers",
        "Celery workers consuming each declared queue (inspect active_queues, cached).",
        labels=["queue"],
    )
    for queue, workers in found.consumers.items():
        gauge.add_metric([queue], float(len(workers)))
    return [gauge]
