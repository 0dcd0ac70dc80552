"""Emit render events at a fixed rate from outside the web process, as a worker would."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any


class _Failures(logging.Handler):
    """Counts events the emitters could not publish (they log a warning and carry on)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock:
            self.count += 1


def run(
    *, mode: str, targets: list[dict[str, str]], rate: float, seconds: float, threads: int = 8
) -> dict[str, Any]:
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from django.db import close_old_connections

    from infra.realtime import events

    from .stats import summary_ms

    failures = _Failures()
    logging.getLogger("infra.realtime.events").addHandler(failures)
    layer = get_channel_layer()
    # How long after its ts each event left this process (published): the emitter's own
    # share of the latency the clients measure.
    built = threading.local()
    publish_delays: list[float] = []
    real_build = events.build

    def build_and_remember(*args: Any, **kwargs: Any) -> dict[str, Any]:
        event = real_build(*args, **kwargs)
        built.ts = event["ts"]
        return event

    events.build = build_and_remember

    def published() -> None:
        ts = getattr(built, "ts", None)
        if ts is not None:
            publish_delays.append(time.time() - ts)
            built.ts = None

    def bare_send(event_type: str, target: dict[str, str], **payload: Any) -> None:
        event = build_and_remember(
            event_type, target["conversation"], 0, job=target["job"], **payload
        )
        group = f"bare.{uuid.UUID(target['conversation']).hex}"
        try:
            async_to_sync(layer.group_send)(group, {"type": "event.forward", "event": event})
        except Exception:
            failures.count += 1

    def progress(target: dict[str, str], value: int) -> None:
        try:
            if mode == "bare":
                bare_send("generation.progress", target, stage="mixing", progress=value)
            else:
                # The worker's emitter, minus its 10/s-per-job throttle (we pace ourselves).
                events.emit(
                    "generation.progress",
                    target["conversation"],
                    job=target["job"],
                    stage="mixing",
                    progress=value,
                )
            published()
        finally:
            close_old_connections()

    def completed(target: dict[str, str]) -> None:
        try:
            if mode == "bare":
                bare_send("generation.completed", target, version={}, assets={}, duration_s=60.0)
            else:
                events.generation_completed(
                    target["conversation"],
                    job=target["job"],
                    version={},
                    assets={},
                    duration_s=60.0,
                    summary="bench",
                )
        finally:
            close_old_connections()

    total = max(1, int(rate * seconds))
    lateness: list[float] = []
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for index in range(total):
            due = start + index / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                lateness.append(-delay)
            target = targets[index % len(targets)]
            pool.submit(progress, target, min(99, index * 100 // total))
    emitted_s = time.monotonic() - start
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(completed, targets))
    return {
        "mode": mode,
        "progress_sent": total,
        "completed_sent": len(targets),
        "seconds": round(emitted_s, 3),
        "rate_achieved": round(total / emitted_s, 1) if emitted_s else 0.0,
        "max_schedule_lag_ms": round(max(lateness, default=0.0) * 1000, 1),
        "publish_failures": failures.count,
        "ts_to_published": summary_ms(publish_delays),
    }


def main() -> None:
    """Run inside a stack's env (python -m tests.load.emitter) with a JSON spec on stdin: mode
    "ours" (the real emitters in infra.realtime.events: Redis lock, seq UPDATE, group_send) or "bare"
    (group_send of the same event to bare.<hex>), targets [{conversation, job}], rate (events/s
    in all), seconds, threads. Every target ends with one generation.completed. Prints one JSON
    line of counts.
    """
    import django

    django.setup()
    spec = json.loads(sys.stdin.read())
    print(json.dumps(run(**spec)))


if __name__ == "__main__":
    main()
