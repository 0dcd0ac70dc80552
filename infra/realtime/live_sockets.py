"""The WebSocket consumers alive in this process, so a shutdown can tell each to reconnect."""

from __future__ import annotations

import asyncio
import weakref
from collections import Counter
from typing import Protocol


class ClosableSocket(Protocol):
    user_key: str

    async def shutdown(self, code: int) -> None: ...


_live: weakref.WeakSet = weakref.WeakSet()
_per_user: Counter[str] = Counter()

# 1012 "service restart": the client should reconnect, to any instance.
SERVICE_RESTART = 1012
# Frames above the app's own limit (WS_MAX_FRAME_BYTES) still reach the consumer, which answers
# with an error and keeps the socket open; frames above this the server refuses (close 1009).
HARD_MAX_MESSAGE_BYTES = 256 * 1024


def register(socket: ClosableSocket) -> None:
    _live.add(socket)
    _per_user[socket.user_key] += 1


def unregister(socket: ClosableSocket) -> None:
    if socket in _live:
        _live.discard(socket)
        _per_user[socket.user_key] -= 1
        if _per_user[socket.user_key] <= 0:
            del _per_user[socket.user_key]


def count_for(user_key: str) -> int:
    return _per_user.get(user_key, 0)


def count() -> int:
    return len(_live)


async def shutdown_all(*, code: int = SERVICE_RESTART, timeout_s: float = 5.0) -> int:
    """Tell every live socket to reconnect and close it; returns how many were told."""
    sockets = list(_live)
    if sockets:
        await asyncio.wait_for(
            asyncio.gather(*(s.shutdown(code) for s in sockets), return_exceptions=True), timeout_s
        )
    return len(sockets)
