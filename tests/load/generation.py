"""Generation bench: chat message to generation.completed, one at a time and in a burst."""

from __future__ import annotations

import asyncio
import math
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.stack.clients import Session, Socket
from tests.stack.stack import Stack, machine, parallel, raise_fd_limit

from .stats import percentile, summary_s
from .ws import PROMPTS

STAGE_MARKS = (
    "chat.message",
    "generation.queued",
    "generation.started",
    "generation.stage",
    "generation.preview",
    "generation.completed",
)
FINAL = ("generation.completed", "generation.failed", "generation.cancelled")


@dataclass
class GenerationOptions:
    requests: int = 50
    sequential: int = 10
    beat_length: str = "60 seconds"
    concurrencies: list[int] = field(default_factory=lambda: [1, 2])
    jobs_per_user: int = 3
    timeout: float = 600.0
    edits: int = 10  # one-track edits of one long beat, one at a time (first concurrency only)
    edit_length: str = "3 minutes"


# One-track edits the built-in assistant understands; each changes one track's spec only.
EDITS = (
    "bass louder",
    "melody quieter",
    "pad louder",
    "turn the snare down",
    "kick louder",
    "clap quieter",
    "faster hats",
)


@dataclass
class Turn:
    """One chat message and what became of it (seconds from sending)."""

    outcome: str = "pending"
    preview_s: float | None = None
    completed_s: float | None = None
    finished_at: float = 0.0
    sent_ts: float = 0.0
    marks: list[tuple[str, float]] = field(default_factory=list)


def run(options: GenerationOptions) -> dict[str, Any]:
    raise_fd_limit()
    with Stack.for_bench() as stack:
        return asyncio.run(_run(stack, options))


async def _run(stack: Stack, opt: GenerationOptions) -> dict[str, Any]:
    result: dict[str, Any] = {"machine": machine(), "options": opt.__dict__.copy()}
    base = ""
    for concurrency in opt.concurrencies:
        users = math.ceil(opt.requests / opt.jobs_per_user)
        calls = [
            lambda c=concurrency: stack.worker(concurrency=c, name=f"gen-worker-c{c}"),
            lambda: stack.seed(users=1, conversations_per_user=1),
            lambda: stack.seed(users=1, conversations_per_user=max(1, opt.sequential)),
            lambda u=users: stack.seed(users=u, conversations_per_user=opt.jobs_per_user),
        ]
        if not base:
            calls.append(stack.web)
        worker, warm, seq_seed, burst_seed, *web = await asyncio.to_thread(parallel, *calls)
        if web:
            base = web[0][1]
        figures: dict[str, Any] = {}
        # Warm the pool (first imports, caches) with one render that is not counted.
        await _turns(base, warm, 1, opt, index_offset=0)
        sequential: list[Turn] = []
        since = _now_iso()
        for i in range(opt.sequential):
            sequential += await _turns(base, seq_seed, 1, opt, index_offset=i, only=i)
        figures["sequential"] = _summary(sequential)
        figures["sequential"]["worker_side"] = await stack.arun_module(
            "tests.load.jobstats", {"since": since}
        )
        if opt.edits and concurrency == opt.concurrencies[0]:
            edit_seed = await asyncio.to_thread(stack.seed, users=1, conversations_per_user=1)
            figures["edits"] = await _edits(stack, base, edit_seed, opt)
        since = _now_iso()
        started = time.monotonic()
        burst = await _turns(base, burst_seed, opt.requests, opt, index_offset=0)
        figures["burst"] = _summary(burst)
        figures["burst"]["makespan_s"] = round(
            max((t.finished_at for t in burst), default=started) - started, 2
        )
        figures["burst"]["beats_per_minute"] = (
            round(
                60
                * sum(t.outcome == "generation.completed" for t in burst)
                / figures["burst"]["makespan_s"],
                1,
            )
            if figures["burst"]["makespan_s"]
            else 0.0
        )
        figures["burst"]["worker_side"] = await stack.arun_module(
            "tests.load.jobstats", {"since": since}
        )
        figures["worker_rss_mib"] = round(worker.rss_mib(children=True), 1)
        worker.stop()
        stack.prune_media()
        result[f"concurrency_{concurrency}"] = figures
    result["ok"] = all(
        result[f"concurrency_{c}"][part]["succeeded"]
        == result[f"concurrency_{c}"][part]["requests"]
        for c in opt.concurrencies
        for part in ("sequential", "burst")
    ) and all(
        result[f"concurrency_{c}"]["edits"]["succeeded"]
        == result[f"concurrency_{c}"]["edits"]["requests"]
        for c in opt.concurrencies
        if "edits" in result[f"concurrency_{c}"]
    )
    return result


async def _turns(
    base: str,
    seeded: dict[str, Any],
    count: int,
    opt: GenerationOptions,
    *,
    index_offset: int,
    only: int | None = None,
) -> list[Turn]:
    """Send ``count`` chat messages at once (one per conversation, users in turn) and wait
    for each job's final event."""
    name = seeded["cookie_name"]
    slots = [(Session(name, u["session"]), c) for u in seeded["users"] for c in u["conversations"]]
    slots = [slots[only]] if only is not None else slots[:count]
    sockets = [
        await Socket.open(base, f"/ws/conversations/{c}/", conversation=c, session=s)
        for s, c in slots
    ]
    turns = [Turn() for _ in sockets]

    async def one(i: int, sock: Socket, turn: Turn) -> None:
        sent = time.monotonic()

        def watch(_: Socket, event: dict[str, Any], now: float) -> None:
            if event["type"] in STAGE_MARKS:
                name = event.get("stage") if event["type"] == "generation.stage" else event["type"]
                turn.marks.append((str(name), float(event["ts"])))
            if event["type"] == "generation.preview" and turn.preview_s is None:
                turn.preview_s = time.monotonic() - sent
            elif event["type"] in FINAL and turn.outcome == "pending":
                turn.outcome = event["type"]
                turn.completed_s = time.monotonic() - sent
                turn.finished_at = time.monotonic()
            elif event["type"] == "chat.error" and turn.outcome == "pending":
                turn.outcome = f"chat.error:{event.get('code')}"
                turn.finished_at = time.monotonic()

        sock.on_event = watch
        turn.sent_ts = time.time()
        text = PROMPTS[(index_offset + i) % len(PROMPTS)].format(length=opt.beat_length)
        await sock.send({"type": "chat.message", "text": text, "client_msg_id": str(uuid.uuid4())})
        deadline = sent + opt.timeout
        while turn.outcome == "pending" and time.monotonic() < deadline and sock.open_now:
            await asyncio.sleep(0.01)
        if turn.outcome == "pending":
            turn.outcome = "timeout" if sock.open_now else "socket_closed"
            turn.finished_at = time.monotonic()

    await asyncio.gather(
        *(one(i, s, t) for i, (s, t) in enumerate(zip(sockets, turns, strict=True)))
    )
    await asyncio.gather(*(s.close() for s in sockets))
    return turns


async def _edits(
    stack: Stack, base: str, seeded: dict[str, Any], opt: GenerationOptions
) -> dict[str, Any]:
    """A fresh long beat, then ``opt.edits`` one-track edits of it, one at a time: message ->
    completed for each, and the storage each version wrote (shared stems counted once)."""
    user = seeded["users"][0]
    conversation = user["conversations"][0]
    session = Session(seeded["cookie_name"], user["session"])
    sock = await Socket.open(
        base, f"/ws/conversations/{conversation}/", conversation=conversation, session=session
    )
    texts = [f"make a trap beat at 140 bpm, {opt.edit_length}"]
    texts += [EDITS[i % len(EDITS)] for i in range(opt.edits)]
    turns: list[Turn] = []
    for text in texts:
        turn = Turn()
        sent = time.monotonic()

        def watch(
            _: Socket,
            event: dict[str, Any],
            now: float,
            turn: Turn = turn,
            sent: float = sent,
        ) -> None:
            if event["type"] in FINAL and turn.outcome == "pending":
                turn.outcome = event["type"]
                turn.completed_s = time.monotonic() - sent

        sock.on_event = watch
        await sock.send({"type": "chat.message", "text": text, "client_msg_id": str(uuid.uuid4())})
        deadline = sent + opt.timeout
        while turn.outcome == "pending" and time.monotonic() < deadline and sock.open_now:
            await asyncio.sleep(0.005)
        turns.append(turn)
    await sock.close()
    stored = await stack.arun_module("tests.load.editstats", {"conversation": conversation})
    versions = stored["versions"]
    fresh = versions[0]["bytes"] if versions else 0
    edits = [v["bytes"] for v in versions[1:]]
    edit_times = [t.completed_s for t in turns[1:] if t.outcome == "generation.completed"]
    return {
        "beat_length": opt.edit_length,
        "requests": len(turns) - 1,
        "succeeded": len(edit_times),
        "fresh_message_to_completed_s": turns[0].completed_s,
        "edit_message_to_completed": summary_s(edit_times),
        "fresh_bytes": fresh,
        "edit_bytes_p50": sorted(edits)[len(edits) // 2] if edits else 0,
        "edit_bytes_max": max(edits, default=0),
        "edit_storage_ratio_max": round(max(edits, default=0) / fresh, 3) if fresh else None,
        "stems_reused_per_edit": [v["stems_reused"] for v in versions[1:]],
    }


def _now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat()


def _summary(turns: list[Turn]) -> dict[str, Any]:
    completed = [t.completed_s for t in turns if t.outcome == "generation.completed"]
    previews = [t.preview_s for t in turns if t.preview_s is not None]
    return {
        "requests": len(turns),
        "succeeded": len(completed),
        "outcomes": dict(Counter(t.outcome for t in turns)),
        "message_to_completed": summary_s(completed),
        "message_to_first_preview": summary_s(previews),
        "stage_p50_s": _stage_times(turns),
    }


def _stage_times(turns: list[Turn]) -> dict[str, float]:
    """Median seconds from each event (by its ``ts``) to the next: where the time goes."""
    spans: dict[str, list[float]] = {}
    for turn in turns:
        previous, at = "sent", turn.sent_ts
        for name, ts in turn.marks:
            spans.setdefault(f"{previous} -> {name}", []).append(ts - at)
            previous, at = name, ts
    return {k: round(percentile(v, 50), 3) for k, v in spans.items()}
