"""WebSocket clients for the benches (the ``websockets`` library), with a reader per socket."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

EventHandler = Callable[["BenchSocket", dict[str, Any], float], None]


@dataclass
class Session:
    """A logged-in user of the bench database."""

    cookie_name: str
    key: str

    @property
    def header(self) -> str:
        return f"{self.cookie_name}={self.key}"


@dataclass
class BenchSocket:
    """One open socket; every event goes to ``on_event(socket, event, received_at)``."""

    ws: ClientConnection
    conversation: str
    on_event: EventHandler | None = None
    last_seq: int = 0
    gaps: int = 0
    received: int = 0
    closed_code: int | None = None
    ready: bool = False
    waiters: list[tuple[Callable[[dict[str, Any]], bool], asyncio.Future]] = field(
        default_factory=list
    )
    reader: asyncio.Task | None = None

    @classmethod
    async def open(
        cls,
        base_url: str,
        path: str,
        *,
        conversation: str = "",
        session: Session | None = None,
        on_event: EventHandler | None = None,
        open_timeout: float = 30,
    ) -> BenchSocket:
        headers = {"Origin": base_url}
        if session is not None:
            headers["Cookie"] = session.header
        ws = await connect(
            base_url.replace("http://", "ws://") + path,
            additional_headers=headers,
            open_timeout=open_timeout,
            ping_interval=None,
            max_size=2**22,
        )
        sock = cls(ws=ws, conversation=conversation, on_event=on_event)
        sock.reader = asyncio.create_task(sock._read())
        return sock

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                now = time.time()
                event = json.loads(raw)
                self.received += 1
                if event.get("type") == "connection.ready":
                    self.ready = True
                seq = event.get("seq")
                if isinstance(seq, int) and event.get("type") not in _SOCKET_ONLY:
                    if self.last_seq and seq > self.last_seq + 1:
                        self.gaps += 1
                    self.last_seq = max(self.last_seq, seq)
                if self.on_event is not None:
                    self.on_event(self, event, now)
                for waiter in list(self.waiters):
                    predicate, future = waiter
                    if not future.done() and predicate(event):
                        future.set_result(event)
                        self.waiters.remove(waiter)
        except Exception:  # noqa: S110 - a dropped socket ends the reader; close code is kept
            pass
        finally:
            self.closed_code = self.ws.close_code
            for _, future in self.waiters:
                if not future.done():
                    future.set_exception(ConnectionError(f"socket closed ({self.closed_code})"))
            self.waiters.clear()

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float
    ) -> dict[str, Any]:
        """The next event (from now on) matching ``predicate``."""
        if self.reader is not None and self.reader.done():
            raise ConnectionError(f"socket closed ({self.closed_code})")
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self.waiters.append((predicate, future))
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            if (predicate, future) in self.waiters:
                self.waiters.remove((predicate, future))

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame))

    @property
    def open_now(self) -> bool:
        return self.reader is not None and not self.reader.done()

    async def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a dead socket
            await asyncio.wait_for(self.ws.close(), 5)
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


# Events addressed to one socket carry the current seq without taking one (no gap check).
_SOCKET_ONLY = {
    "connection.ready",
    "conversation.snapshot",
    "pong",
    "error",
    "chat.error",
    "system.reconnect",
}


async def gather_limited(factories: list[Callable[[], Any]], limit: int) -> list[Any]:
    """Run coroutine factories with at most ``limit`` at once; exceptions are returned."""
    semaphore = asyncio.Semaphore(limit)

    async def one(factory: Callable[[], Any]) -> Any:
        async with semaphore:
            return await factory()

    return await asyncio.gather(*(one(f) for f in factories), return_exceptions=True)
