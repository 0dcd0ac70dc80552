"""One long-lived event publisher per process: a thread with its own event loop, and so one
channel-layer connection, fed through a bounded queue, flushed when the process stops.

Sync code (services, tasks) used to publish with ``async_to_sync(layer.group_send)``: a new
event loop per call, and channels-redis keeps its Redis connection per loop, so every event
opened and closed a connection. Here every event of the process goes through one loop. The
queue is first in, first out and drained by one task, so events leave in the order they were
handed in (the per-conversation order across processes is the ordering lock's job, see
``infra.realtime.events``).
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

# Events waiting at most; past it a publish is refused at once (the caller counts a drop and
# the client repairs the gap with resume) rather than growing memory or blocking a request.
QUEUE_LIMIT = 10_000
# One publish may take this long before it counts as failed (a hung Redis must not stall
# every later event for its full socket timeout).
PUBLISH_TIMEOUT_S = 5.0
# What a stopping process waits for its queued events (SIGTERM's grace period is longer).
FLUSH_TIMEOUT_S = 5.0

Done = Callable[[BaseException | None], None]


class EventPublisher:
    """Publishes ``(group, message)`` pairs on the channel layer from a thread of its own."""

    def __init__(self, *, limit: int = QUEUE_LIMIT, layer: Any = None) -> None:
        self._limit = limit
        self._layer = layer
        self._pending = 0
        self._closed = False
        self._idle = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._queue: asyncio.Queue[tuple[str, dict[str, Any], Done]] | None = None
        started = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(started,), name="event-publisher", daemon=True
        )
        self._thread.start()
        started.wait()

    # --- from any thread -----------------------------------------------------------------
    def submit(self, group: str, message: dict[str, Any], done: Done) -> bool:
        """Queue one publish; ``done(error)`` runs on the publisher's thread once it was sent
        (``None``) or failed. False, and nothing queued, when full or closed."""
        with self._idle:
            if self._closed or self._pending >= self._limit:
                return False
            self._pending += 1
        self._loop.call_soon_threadsafe(self._put, (group, message, done))
        return True

    @property
    def pending(self) -> int:
        return self._pending

    def flush(self, timeout: float = FLUSH_TIMEOUT_S) -> bool:
        """Wait until every queued event was published or failed; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float = FLUSH_TIMEOUT_S) -> bool:
        """Refuse new events, publish the queued ones (up to ``timeout``), stop the thread."""
        with self._idle:
            self._closed = True
        flushed = self.flush(timeout)
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=2)
        return flushed

    # --- the publisher's thread ----------------------------------------------------------
    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._queue = asyncio.Queue()
        self._loop.create_task(self._drain())
        self._loop.call_soon(started.set)
        try:
            self._loop.run_forever()
        finally:
            tasks = asyncio.all_tasks(self._loop)
            for task in tasks:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            self._loop.close()  # channels-redis closes this loop's connection here

    def _put(self, item: tuple[str, dict[str, Any], Done]) -> None:
        assert self._queue is not None
        self._queue.put_nowait(item)

    async def _drain(self) -> None:
        if self._layer is None:
            from channels.layers import get_channel_layer

            self._layer = get_channel_layer()
        assert self._queue is not None
        while True:
            group, message, done = await self._queue.get()
            error: BaseException | None = None
            try:
                await asyncio.wait_for(self._layer.group_send(group, message), PUBLISH_TIMEOUT_S)
            except Exception as exc:
                error = exc
            try:
                done(error)
            except Exception:
                logger.warning("event publish callback failed", exc_info=True)
            with self._idle:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.notify_all()


_lock = threading.Lock()
_publisher: EventPublisher | None = None
_publisher_pid = 0


def publisher() -> EventPublisher:
    """This process's publisher, started on first use (a forked child starts its own: the
    parent's thread does not survive a fork)."""
    global _publisher, _publisher_pid
    with _lock:
        if _publisher is None or _publisher_pid != os.getpid():
            _publisher, _publisher_pid = EventPublisher(), os.getpid()
        return _publisher


def publisher_close(timeout: float = FLUSH_TIMEOUT_S) -> bool:
    """Flush and stop this process's publisher, if it has one; True if nothing was left."""
    global _publisher
    with _lock:
        current, _publisher = _publisher, None
    if current is None or _publisher_pid != os.getpid():
        return True
    flushed = current.close(timeout)
    if not flushed:
        logger.warning("%s events not published before the process stopped", current.pending)
    return flushed


atexit.register(publisher_close)


def _connect_worker_signals() -> None:
    """Celery's pool processes leave with os._exit (no atexit): flush on their shutdown."""
    from celery import signals

    def flush_on_shutdown(**_: Any) -> None:
        publisher_close()

    signals.worker_process_shutdown.connect(flush_on_shutdown, weak=False)
    signals.worker_shutdown.connect(flush_on_shutdown, weak=False)


_connect_worker_signals()
