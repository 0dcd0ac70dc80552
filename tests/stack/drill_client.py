"""A studio-like WebSocket client in its own thread: records events, reconnects, resumes by seq."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

# Events addressed to one socket carry the current seq without taking one.
SOCKET_EVENTS = frozenset(
    {
        "connection.ready",
        "conversation.snapshot",
        "pong",
        "error",
        "chat.error",
        "system.reconnect",
    }
)


@dataclass
class Close:
    url: str
    code: int | None
    at: float


@dataclass
class StudioClient:
    """Connects to the first of ``urls`` that answers; after any close it reconnects with
    jittered backoff (trying the urls in order) and sends ``resume {last_seq}``, as the studio
    does. A gap in group seqs, or a ``pong`` whose seq is ahead, also triggers a resume."""

    urls: list[str]
    conversation_id: str
    cookie: str
    name: str = "client"
    cookie_name: str = "sessionid"
    events: list[dict[str, Any]] = field(default_factory=list)
    closes: list[Close] = field(default_factory=list)
    connects: list[tuple[str, float]] = field(default_factory=list)
    snapshots: list[dict[str, Any]] = field(default_factory=list)
    last_seq: int = 0
    gaps: int = 0
    pong_gaps: int = 0
    ping_every: float = 2.0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ws: Any = None
        self._later: asyncio.Future | None = None
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)

    # --- public ---------------------------------------------------------------------------------
    def start(self, timeout: float = 20) -> StudioClient:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"{self.name}: no connection.ready within {timeout}s")
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._loop is not None and self._ws is not None:
            asyncio.run_coroutine_threadsafe(self._ws.close(), self._loop)
        self._thread.join(timeout=10)

    def resume(self) -> None:
        """Ask for a snapshot now (from any thread)."""
        if self._loop is not None and self._ws is not None:
            asyncio.run_coroutine_threadsafe(self._send_resume("check"), self._loop)

    def group_seqs(self) -> list[int]:
        return [e["seq"] for e in list(self.events) if e["type"] not in SOCKET_EVENTS]

    def of_type(self, event_type: str, **match: object) -> list[dict[str, Any]]:
        return [
            e
            for e in list(self.events)
            if e["type"] == event_type and all(e.get(k) == v for k, v in match.items())
        ]

    def covered(self) -> set[int]:
        """Seqs this client knows about: received live, or inside a snapshot it applied."""
        seqs = set(self.group_seqs())
        top = max((s["seq"] for s in self.snapshots), default=0)
        return seqs | set(range(1, top + 1))

    # --- the thread ------------------------------------------------------------------------------
    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(self._main())
        finally:
            self._loop.close()

    async def _main(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        backoff = 0.2
        attempt = 0
        while not self._stop.is_set():
            url = self.urls[attempt % len(self.urls)]
            ws_url = url.replace("http://", "ws://") + f"/ws/conversations/{self.conversation_id}/"
            try:
                ws = await connect(
                    ws_url,
                    additional_headers={
                        "Origin": url,
                        "Cookie": f"{self.cookie_name}={self.cookie}",
                    },
                    open_timeout=5,
                    max_size=2**22,
                )
            except (OSError, TimeoutError, Exception):
                attempt += 1
                await asyncio.sleep(backoff * (0.5 + random.random()))
                backoff = min(2.0, backoff * 2)
                continue
            self._ws = ws
            self.connects.append((url, time.time()))
            backoff = 0.2
            pinger = asyncio.ensure_future(self._ping(ws))
            try:
                async for raw in ws:
                    event = json.loads(raw)
                    await self._handle(event)
            except ConnectionClosed:
                pass
            finally:
                pinger.cancel()
                code = ws.close_code
                self.closes.append(Close(url, code, time.time()))
                self._ws = None
            if code == 1012:  # server restarting: another instance, right away
                attempt += 1

    async def _handle(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        event["_received"] = time.time()
        self.events.append(event)
        if kind == "connection.ready":
            self._ready.set()
            if len(self.connects) > 1 or self.last_seq:
                await self._send_resume("reconnect")
            return
        if kind == "conversation.snapshot":
            self.snapshots.append(event)
            self.last_seq = max(self.last_seq, int(event["seq"]))
            return
        if kind == "pong" and int(event["seq"]) > self.last_seq:
            # Events taken but maybe not delivered (e.g. Redis was away), or still on their
            # way: give them a moment, then resync.
            self._later = asyncio.ensure_future(self._pong_check(int(event["seq"])))
            return
        if kind in SOCKET_EVENTS:
            return
        seq = int(event["seq"])
        if self.last_seq and seq > self.last_seq + 1:
            self.gaps += 1
            await self._send_resume("gap")
        self.last_seq = max(self.last_seq, seq)

    async def _pong_check(self, seq: int) -> None:
        await asyncio.sleep(0.5)
        if self.last_seq < seq:
            self.pong_gaps += 1
            await self._send_resume("gap")

    async def _ping(self, ws: Any) -> None:
        """A ping every ``ping_every`` seconds: the pong's seq shows events never delivered."""
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(self.ping_every)
                await ws.send(json.dumps({"type": "ping"}))

    async def _send_resume(self, why: str) -> None:
        if self._ws is None:
            return
        frame: dict[str, Any] = {"type": "resume", "last_seq": self.last_seq}
        if why == "gap":
            frame["reason"] = "gap"
        # A send on a closing socket fails: the reconnect path resumes anyway.
        with contextlib.suppress(Exception):
            await self._ws.send(json.dumps(frame))
