"""Simulated users: create, modify, undo, redo, restore and ask, over WebSockets, with think times."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.stack.clients import Session, Socket
from tests.stack.stack import Stack, machine, parallel, raise_fd_limit

from .stats import summary_s

LENGTHS = ("30 seconds", "45 seconds", "60 seconds", "16 bars", "8 bars")
CREATES = (
    "make a house beat at 124 bpm, {length}",
    "make a trap beat at 140 bpm, {length}",
    "make a lofi beat at 80 bpm, {length}",
    "make a techno beat at 130 bpm, {length}",
    "make a boom bap beat at 90 bpm, {length}",
    "make a drum and bass beat at 174 bpm, {length}",
)
MODIFIES = (
    "make it darker",
    "faster by 10 bpm",
    "slower",
    "add a bassline",
    "make the drums punchier",
    "change the key to F minor",
    "make it 10 seconds longer",
    "swap the hi hats for shakers",
    "switch to a minor key",
)
QUESTIONS = ("what key is it in?", "what bpm is it?", "how do I export?", "how long is it?")
# Turn kinds once a beat exists (the first turn always creates); weights sum to 100.
MIX = (("modify", 45), ("question", 15), ("undo", 12), ("create", 10), ("redo", 8), ("restore", 10))
NOT_ERRORS = {"reply", "render_completed", "restored", "undo_redo"}
FINAL = ("generation.completed", "generation.failed", "generation.cancelled")
REPLY_TIMEOUT_S = 30.0
RENDER_TIMEOUT_S = 180.0


@dataclass
class UsersOptions:
    users: int = 100
    seconds: float = 300.0
    # After each turn a user reads the reply or listens to the beat (up to a minute long).
    think_min: float = 15.0
    think_max: float = 45.0
    worker_concurrency: int = 2
    ramp: float = 10.0
    seed: int = 7
    lengths: list[str] = field(default_factory=lambda: list(LENGTHS))


@dataclass
class Tally:
    outcomes: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    reply_s: list[float] = field(default_factory=list)
    render_s: list[float] = field(default_factory=list)
    reconnects: int = 0


def run(options: UsersOptions) -> dict[str, Any]:
    raise_fd_limit()
    with Stack.for_bench() as stack:
        return asyncio.run(_run(stack, options))


async def _run(stack: Stack, opt: UsersOptions) -> dict[str, Any]:
    result: dict[str, Any] = {"machine": machine(), "options": opt.__dict__.copy()}
    (web, base), worker, seeded = await asyncio.to_thread(
        parallel,
        stack.web,
        lambda: stack.worker(concurrency=opt.worker_concurrency, name="users-worker"),
        lambda: stack.seed(users=opt.users, conversations_per_user=1),
    )
    tally = Tally()
    rng = random.Random(opt.seed)
    deadline = time.monotonic() + opt.seconds
    started = time.monotonic()
    cpu_web, cpu_worker = web.cpu_seconds(), worker.cpu_seconds_tree()
    janitor = asyncio.create_task(_prune_media(stack))
    await asyncio.gather(
        *(
            User(
                base,
                Session(seeded["cookie_name"], u["session"]),
                u["conversations"][0],
                random.Random(rng.random()),
                opt,
                tally,
            ).live(deadline, delay=rng.uniform(0, opt.ramp))
            for u in seeded["users"]
        )
    )
    elapsed = time.monotonic() - started
    janitor.cancel()
    turns = sum(tally.outcomes.values())
    errors = sum(n for k, n in tally.outcomes.items() if k not in NOT_ERRORS)
    result.update(
        {
            "elapsed_s": round(elapsed, 1),
            "turns": turns,
            "turns_per_s": round(turns / elapsed, 2),
            "turn_kinds": dict(tally.kinds),
            "outcomes": dict(tally.outcomes),
            "errors": errors,
            "error_rate_pct": round(100 * errors / turns, 3) if turns else 0.0,
            "reconnects": tally.reconnects,
            "message_to_reply": summary_s(tally.reply_s),
            "message_to_render_completed": summary_s(tally.render_s),
            "web_cpu_cores": round((web.cpu_seconds() - cpu_web) / elapsed, 2),
            "worker_cpu_cores": round((worker.cpu_seconds_tree() - cpu_worker) / elapsed, 2),
            "web_rss_mib": round(web.rss_mib(), 1),
        }
    )
    result["worker_side"] = await stack.arun_module("tests.load.jobstats", {})
    result["ok"] = turns > 0 and errors * 1000 < turns  # < 0.1%
    worker.stop()
    return result


async def _prune_media(stack: Stack) -> None:
    """Keep the disk bounded on long runs: drop rendered files older than two minutes."""
    while True:
        await asyncio.sleep(20)
        await asyncio.to_thread(stack.prune_media, older_than_s=120)


@dataclass
class User:
    base: str
    session: Session
    conversation: str
    rng: random.Random
    opt: UsersOptions
    tally: Tally
    sock: Socket | None = None
    versions: int = 0
    # Final events by job id, recorded as they arrive: a fast render can finish before the
    # turn starts waiting for it.
    finished: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def live(self, deadline: float, *, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            while time.monotonic() < deadline:
                kind = self._next_kind()
                self.tally.kinds[kind] += 1
                outcome = await self._turn(kind)
                self.tally.outcomes[outcome] += 1
                await asyncio.sleep(self.rng.uniform(self.opt.think_min, self.opt.think_max))
        finally:
            if self.sock is not None:
                await self.sock.close()

    def _next_kind(self) -> str:
        if self.versions == 0:
            return "create"
        roll, total = self.rng.uniform(0, 100), 0
        for kind, weight in MIX:
            total += weight
            if roll < total:
                return kind
        return MIX[0][0]

    async def _socket(self) -> Socket:
        if self.sock is None or not self.sock.open_now:
            if self.sock is not None:
                self.tally.reconnects += 1
            self.sock = await Socket.open(
                self.base,
                f"/ws/conversations/{self.conversation}/",
                conversation=self.conversation,
                session=self.session,
                on_event=self._count_versions,
            )
        return self.sock

    def _count_versions(self, _: Socket, event: dict[str, Any], now: float) -> None:
        if event["type"] in FINAL and "job" in event:
            self.finished[event["job"]] = event
        if event["type"] == "beat.version_created":
            # A "create" starts a new beat at v1: restores pick from the newest beat.
            self.versions = int(event["version"]["number"])

    async def _turn(self, kind: str) -> str:
        try:
            sock = await self._socket()
        except Exception:
            return "connect_failed"
        if kind == "restore":
            return await self._restore(sock)
        text = {
            "create": lambda: self.rng.choice(CREATES).format(
                length=self.rng.choice(self.opt.lengths)
            ),
            "modify": lambda: self.rng.choice(MODIFIES),
            "question": lambda: self.rng.choice(QUESTIONS),
            "undo": lambda: "undo",
            "redo": lambda: "redo",
        }[kind]()
        client_msg_id = str(uuid.uuid4())
        sent = time.monotonic()
        state: dict[str, Any] = {"user_msg": None, "job": None}

        def reply_or_refusal(event: dict[str, Any]) -> bool:
            kind_ = event["type"]
            if kind_ == "generation.queued" and state["job"] is None:
                state["job"] = event["job"]
            if kind_ == "chat.message":
                message = event["message"]
                if message.get("client_msg_id") == client_msg_id:
                    state["user_msg"] = message["id"]
                return (
                    message["role"] == "assistant" and message.get("reply_to") == state["user_msg"]
                )
            return kind_ in ("chat.error", "error")

        waiting = asyncio.ensure_future(sock.wait_for(reply_or_refusal, REPLY_TIMEOUT_S))
        await asyncio.sleep(0)  # the waiter is registered before the frame leaves
        try:
            await sock.send({"type": "chat.message", "text": text, "client_msg_id": client_msg_id})
            answer = await waiting
        except TimeoutError:
            return "timeout_reply"
        except Exception:
            return "socket_closed"
        if answer["type"] in ("chat.error", "error"):
            return f"{answer['type']}:{answer.get('code')}"
        self.tally.reply_s.append(time.monotonic() - sent)
        if state["job"] is None:
            return "undo_redo" if kind in ("undo", "redo") else "reply"
        return await self._render(sock, state["job"], sent)

    async def _render(self, sock: Socket, job: str, sent: float) -> str:
        try:
            event = self.finished.get(job) or await sock.wait_for(
                lambda e: e["type"] in FINAL and e.get("job") == job, RENDER_TIMEOUT_S
            )
        except TimeoutError:
            return "timeout_render"
        except Exception:
            return "socket_closed"
        if event["type"] == "generation.completed":
            self.tally.render_s.append(time.monotonic() - sent)
            return "render_completed"
        return f"{event['type']}:{event.get('code', '')}"

    async def _restore(self, sock: Socket) -> str:
        number = self.rng.randint(1, max(1, self.versions))
        try:
            waiting = asyncio.ensure_future(
                sock.wait_for(
                    lambda e: e["type"] in ("beat.current_changed", "error", "chat.error"),
                    REPLY_TIMEOUT_S,
                )
            )
            await asyncio.sleep(0)
            await sock.send({"type": "beat.restore", "version": number})
            answer = await waiting
        except TimeoutError:
            return "timeout_reply"
        except Exception:
            return "socket_closed"
        if answer["type"] != "beat.current_changed":
            return f"{answer['type']}:{answer.get('code')}"
        return "restored"
