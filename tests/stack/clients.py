"""The WebSocket clients of tests, benches and drills (the ``websockets`` library): one
:class:`Socket` with a reader task, and :class:`StudioClient`, a reconnecting one built on it."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

# Events addressed to one socket carry the current seq without taking one (no gap check).
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

_CLOSED = object()  # queued once the reader ends

EventHandler = Callable[["Socket", dict[str, Any], float], Any]


@dataclass
class Session:
    """A logged-in user: the session cookie's name and value."""

    cookie_name: str
    key: str

    @property
    def header(self) -> str:
        return f"{self.cookie_name}={self.key}"


def conversation_path(conversation_id: object) -> str:
    return f"/ws/conversations/{conversation_id}/"


@dataclass
class Socket:
    """One open socket and its reader task. Every event goes to ``on_event(socket, event,
    received_at)`` (a coroutine function is awaited, in order); with ``record`` it is also
    kept in ``events`` and queued for :meth:`next_event` / :meth:`until`. Group seqs are
    checked for gaps either way."""

    ws: ClientConnection
    conversation: str
    on_event: EventHandler | None = None
    record: bool = False
    last_seq: int = 0
    gaps: int = 0
    received: int = 0
    closed_code: int | None = None
    ready: bool = False
    events: list[dict[str, Any]] = field(default_factory=list)
    waiters: list[tuple[Callable[[dict[str, Any]], bool], asyncio.Future]] = field(
        default_factory=list
    )
    reader: asyncio.Task | None = None
    _inbox: asyncio.Queue | None = None

    @classmethod
    async def open(
        cls,
        base_url: str,
        path: str,
        *,
        conversation: str = "",
        session: Session | None = None,
        on_event: EventHandler | None = None,
        record: bool = False,
        origin: str | None = None,
        open_timeout: float = 30,
        ping_interval: float | None = None,
    ) -> Socket:
        headers = {"Origin": origin or base_url}
        if session is not None:
            headers["Cookie"] = session.header
        ws = await connect(
            base_url.replace("http://", "ws://") + path,
            additional_headers=headers,
            open_timeout=open_timeout,
            ping_interval=ping_interval,
            max_size=2**22,
        )
        sock = cls(ws=ws, conversation=conversation, on_event=on_event, record=record)
        if record:
            sock._inbox = asyncio.Queue()
        sock.reader = asyncio.create_task(sock._read())
        return sock

    @classmethod
    async def for_conversation(
        cls, base_url: str, conversation_id: object, session_cookie: str | None, **options: Any
    ) -> Socket:
        """A recording socket on a conversation, logged in by the session cookie's value."""
        from django.conf import settings

        session = Session(settings.SESSION_COOKIE_NAME, session_cookie) if session_cookie else None
        options.setdefault("open_timeout", 10)
        return await cls.open(
            base_url,
            conversation_path(conversation_id),
            conversation=str(conversation_id),
            session=session,
            record=True,
            **options,
        )

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                now = time.time()
                event = json.loads(raw)
                self.received += 1
                if event.get("type") == "connection.ready":
                    self.ready = True
                seq = event.get("seq")
                if isinstance(seq, int) and event.get("type") not in SOCKET_EVENTS:
                    if self.last_seq and seq > self.last_seq + 1:
                        self.gaps += 1
                    self.last_seq = max(self.last_seq, seq)
                if self.record:
                    self.events.append(event)
                    assert self._inbox is not None
                    self._inbox.put_nowait(event)
                if self.on_event is not None:
                    handled = self.on_event(self, event, now)
                    if inspect.isawaitable(handled):
                        await handled
                for waiter in list(self.waiters):
                    predicate, future = waiter
                    if not future.done() and predicate(event):
                        future.set_result(event)
                        self.waiters.remove(waiter)
        except Exception:  # noqa: S110 - a dropped socket ends the reader; close code is kept
            pass
        finally:
            self.closed_code = self.ws.close_code
            if self._inbox is not None:
                self._inbox.put_nowait(_CLOSED)
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

    async def next_event(self, timeout: float = 30) -> dict[str, Any]:
        """The next recorded event not taken yet (``record=True``)."""
        if self._inbox is None:
            raise RuntimeError("open the socket with record=True to read events in order")
        event = await asyncio.wait_for(self._inbox.get(), timeout)
        if event is _CLOSED:
            self._inbox.put_nowait(_CLOSED)  # every later call ends the same way
            await self.ws.recv()  # raises websockets' ConnectionClosed, with the close frame
        return event

    async def until(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 60
    ) -> dict[str, Any]:
        """Take recorded events in order until one matches ``predicate``."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching event; got {self.types()}")
            try:
                event = await self.next_event(remaining)
            except TimeoutError:
                raise TimeoutError(f"no matching event; got {self.types()}") from None
            if predicate(event):
                return event

    def types(self) -> list[str]:
        return [e["type"] for e in self.events]

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    @property
    def open_now(self) -> bool:
        return self.reader is not None and not self.reader.done()

    async def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a dead socket
            await asyncio.wait_for(self.ws.close(), 5)
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


async def gather_limited(factories: list[Callable[[], Any]], limit: int) -> list[Any]:
    """Run coroutine factories with at most ``limit`` at once; exceptions are returned."""
    semaphore = asyncio.Semaphore(limit)

    async def one(factory: Callable[[], Any]) -> Any:
        async with semaphore:
            return await factory()

    return await asyncio.gather(*(one(f) for f in factories), return_exceptions=True)


# --- a studio-like client in its own thread -------------------------------------------------
@dataclass
class Close:
    url: str
    code: int | None
    at: float


@dataclass
class StudioClient:
    """A :class:`Socket` kept open the way the studio does, from a thread of its own: it
    connects to the first of ``urls`` that answers; after any close it reconnects with
    jittered backoff (trying the urls in order) and sends ``resume {last_seq}``. A gap in
    group seqs, or a ``pong`` whose seq is ahead, also triggers a resume."""

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
        self._sock: Socket | None = None
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
        if self._loop is not None and self._sock is not None:
            asyncio.run_coroutine_threadsafe(self._sock.close(), self._loop)
        self._thread.join(timeout=10)

    def resume(self) -> None:
        """Ask for a snapshot now (from any thread)."""
        if self._loop is not None and self._sock is not None:
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
        backoff = 0.2
        attempt = 0
        session = Session(self.cookie_name, self.cookie)
        while not self._stop.is_set():
            url = self.urls[attempt % len(self.urls)]
            try:
                sock = await Socket.open(
                    url,
                    conversation_path(self.conversation_id),
                    conversation=self.conversation_id,
                    session=session,
                    on_event=self._on_event,
                    open_timeout=5,
                    ping_interval=20,
                )
            except Exception:
                attempt += 1
                await asyncio.sleep(backoff * (0.5 + random.random()))
                backoff = min(2.0, backoff * 2)
                continue
            self._sock = sock
            self.connects.append((url, time.time()))
            backoff = 0.2
            pinger = asyncio.ensure_future(self._ping(sock))
            try:
                assert sock.reader is not None
                await sock.reader
            finally:
                pinger.cancel()
                code = sock.closed_code
                self.closes.append(Close(url, code, time.time()))
                self._sock = None
            if code == 1012:  # server restarting: another instance, right away
                attempt += 1

    async def _on_event(self, sock: Socket, event: dict[str, Any], now: float) -> None:
        kind = event["type"]
        event["_received"] = now
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

    async def _ping(self, sock: Socket) -> None:
        """A ping every ``ping_every`` seconds: the pong's seq shows events never delivered."""
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(self.ping_every)
                await sock.send({"type": "ping"})

    async def _send_resume(self, why: str) -> None:
        if self._sock is None:
            return
        frame: dict[str, Any] = {"type": "resume", "last_seq": self.last_seq}
        if why == "gap":
            frame["reason"] = "gap"
        # A send on a closing socket fails: the reconnect path resumes anyway.
        with contextlib.suppress(Exception):
            await self._sock.send(frame)
