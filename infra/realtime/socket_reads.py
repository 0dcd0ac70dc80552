"""The sockets' hot reads (handshake user, ownership and seq, resume snapshots, pings) on a
read thread that keeps its database connection while it is busy.

Under daphne every ``database_sync_to_async`` call opens a database connection and closes it
after (CONN_MAX_AGE 0 under ASGI, infra/db_connections.py: a persistent connection would stay
open per socket). In a reconnect storm that connect/close was the largest single cost of a
handshake (about a quarter of the web process's CPU on SQLite, a TCP connect and a login on
PostgreSQL without the pool). Read-only calls go here instead: one thread, first in first
out (a socket's own reads are awaited one after the other, so they stay in order), with a
connection of its own that it keeps until it has been idle for ``IDLE_CLOSE_S`` (so a quiet
process holds none, and a test database can be dropped). A
connection that reported an error is checked before the next call and replaced when broken
(a database restart), and a read that fails on a broken connection is retried once on a new
one. Writes stay on ``database_sync_to_async`` (their transactions, their connection rules).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import Error as DatabaseError
from django.db import connections

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Seconds without a call after which the thread closes its connection.
IDLE_CLOSE_S = 2.0

_Item = tuple[concurrent.futures.Future, Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class _ReadThread:
    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._queue.put((future, fn, args, kwargs))
        if self._thread is None or not self._thread.is_alive():
            with self._start_lock:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(
                        target=self._serve, name="socket-reads", daemon=True
                    )
                    self._thread.start()
        return future

    def close_connections(self, timeout: float) -> None:
        """Close the thread's connections once the calls queued before are done."""
        if self._thread is None or not self._thread.is_alive():
            return
        self.submit(_close_all).result(timeout=timeout)

    def _serve(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=IDLE_CLOSE_S)
            except queue.Empty:
                _close_all()
                item = self._queue.get()
            future, fn, args, kwargs = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = _call(fn, args, kwargs)
            except BaseException as exc:  # handed to the awaiting coroutine
                future.set_exception(exc)
            else:
                future.set_result(result)


def _call(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    _drop_broken()
    try:
        return fn(*args, **kwargs)
    except DatabaseError:
        # A connection a database restart broke fails its first statement: a read is safe
        # to run again, once, on a new connection; any other error is the caller's.
        if not _drop_broken():
            raise
        return fn(*args, **kwargs)


def _drop_broken() -> bool:
    """Close the connections that reported an error and no longer answer; True if any."""
    dropped = False
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and conn.errors_occurred:
            if conn.is_usable():
                conn.errors_occurred = False
            else:
                conn.close()
                dropped = True
    return dropped


def _close_all() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:
            logger.warning("closing an idle socket-reads connection failed", exc_info=True)


# One thread (with at most one connection per database alias) for the sockets' reads: a
# second overlapped PostgreSQL's waits but cost more web CPU per reconnect than it saved (GIL
# switches between the event loop and two threads; docs/performance.md).
_reads = _ReadThread()


async def read(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run the read-only ``fn(*args, **kwargs)`` on the socket-reads thread and await it."""
    return await asyncio.wrap_future(_reads.submit(fn, *args, **kwargs))


def close_connections(timeout: float = 10.0) -> None:
    """Close the socket-reads thread's connections and wait for it (sync code: the end of a
    test session, before its database is dropped)."""
    _reads.close_connections(timeout)
