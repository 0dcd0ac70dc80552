"""WebSocket bench: idle sockets and RSS, a reconnect storm, event latency against a bare consumer."""

from __future__ import annotations

import asyncio
import math
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import psutil

from tests.stack.clients import Session, Socket, gather_limited
from tests.stack.processes import Process
from tests.stack.stack import Stack, machine, parallel, raise_fd_limit

from .stats import summary_ms

RECONNECT_ATTEMPTS = 6  # 0.25-0.5 s, 0.5-1 s, 1-2 s, 2-4 s, 4-8 s, 5-10 s: about 25 s at most
PROMPTS = (
    "make a house beat at 124 bpm, {length}",
    "make a trap beat at 140 bpm, {length}",
    "make a lofi beat at 80 bpm, {length}",
    "make a techno beat at 130 bpm, {length}",
    "make a boom bap beat at 90 bpm, {length}",
)


@dataclass
class WsOptions:
    connections: int = 5000
    reconnect: int = 2000
    watchers: int = 1000
    renders: int = 50
    per_job: int = 10
    rate: float = 200.0
    seconds: float = 30.0
    real_renders: int = 4
    real_watchers: int = 5
    beat_length: str = "60 seconds"
    hold: float = 5.0
    connect_concurrency: int = 100
    sockets_per_user: int = 10
    rounds: int = 3
    emitters: int = 4
    reconnect_spread: float = 0.0


def run(options: WsOptions) -> dict[str, Any]:
    """Start a stack, run every phase, stop the stack; returns the figures."""
    raise_fd_limit()
    with Stack.for_bench() as stack:
        return asyncio.run(_run(stack, options))


async def _run(stack: Stack, opt: WsOptions) -> dict[str, Any]:
    result: dict[str, Any] = {"machine": machine(), "options": opt.__dict__.copy()}
    client = psutil.Process()
    conversations = max(1, opt.watchers // opt.per_job)
    calls = [
        stack.web,
        stack.bare,
        lambda: stack.seed(
            users=math.ceil(opt.connections / opt.sockets_per_user),
            conversations_per_user=opt.sockets_per_user,
        ),
        lambda: stack.seed(users=conversations, conversations_per_user=1),
        lambda: stack.seed(users=max(1, opt.real_renders), conversations_per_user=1),
    ]
    if opt.real_renders:
        calls.append(lambda: stack.worker(concurrency=2, name="ws-worker"))
    (
        (web, base),
        (bare, bare_base),
        idle_seed,
        latency_seed,
        real_seed,
        *worker,
    ) = await asyncio.to_thread(parallel, *calls)
    result["idle"], result["reconnect"] = await _idle_and_reconnect(web, base, opt, idle_seed)
    result["latency"], result["latency_bare"] = await _latency(
        stack, (web, base), (bare, bare_base), opt, latency_seed
    )
    bare.stop()
    result["latency_ratio"] = _ratio(result["latency"], result["latency_bare"])
    if opt.real_renders:
        result["real_renders"] = await _real_renders(base, opt, real_seed)
        worker[0].stop()
    times = client.cpu_times()
    result["client_cpu_s"] = round(times.user + times.system, 1)
    result["ok"] = _ok(result, opt)
    return result


def run_reconnect(options: WsOptions) -> dict[str, Any]:
    """Only the idle sockets and the reconnect storm (``python -m tests.load reconnect``)."""
    raise_fd_limit()
    with Stack.for_bench() as stack:
        return asyncio.run(_run_reconnect(stack, options))


async def _run_reconnect(stack: Stack, opt: WsOptions) -> dict[str, Any]:
    result: dict[str, Any] = {"machine": machine(), "options": opt.__dict__.copy()}
    (web, base), seeded = await asyncio.to_thread(
        parallel,
        stack.web,
        lambda: stack.seed(
            users=math.ceil(opt.connections / opt.sockets_per_user),
            conversations_per_user=opt.sockets_per_user,
        ),
    )
    result["idle"], result["reconnect"] = await _idle_and_reconnect(web, base, opt, seeded)
    result["ok"] = (
        result["idle"]["open_and_ready"] == opt.connections
        and result["reconnect"]["reconnected"] == result["reconnect"]["clients"]
    )
    return result


# --- idle sockets and the reconnect storm --------------------------------------------------
def _sessions(seeded: dict[str, Any]) -> list[tuple[Session, list[str]]]:
    name = seeded["cookie_name"]
    return [(Session(name, u["session"]), u["conversations"]) for u in seeded["users"]]


async def _open_many(
    base: str, pairs: list[tuple[Session, str]], limit: int
) -> tuple[list[Socket], list[str]]:
    factories = [
        (lambda s=s, c=c: Socket.open(base, f"/ws/conversations/{c}/", conversation=c, session=s))
        for s, c in pairs
    ]
    sockets: list[Socket] = []
    errors: list[str] = []
    # Like the studio, a refused or timed-out handshake is retried after a backoff; every
    # failed attempt is still counted.
    for attempt in range(RECONNECT_ATTEMPTS):
        if attempt:
            await asyncio.sleep(min(10.0, 0.5 * 2**attempt))
        opened = await gather_limited(factories, limit)
        sockets += [o for o in opened if isinstance(o, Socket)]
        errors += [f"{type(o).__name__}: {o}"[:120] for o in opened if not isinstance(o, Socket)]
        factories = [f for f, o in zip(factories, opened, strict=True) if not isinstance(o, Socket)]
        if not factories:
            break
    return sockets, errors


async def _wait_ready(sockets: list[Socket], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(s.ready or not s.open_now for s in sockets):
        await asyncio.sleep(0.05)


async def _idle_and_reconnect(
    web: Process, base: str, opt: WsOptions, seeded: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    pairs = [(s, c) for s, convs in _sessions(seeded) for c in convs][: opt.connections]
    rss_before = web.rss_mib()
    cpu_before = web.cpu_seconds()
    started = time.monotonic()
    sockets, errors = await _open_many(base, pairs, opt.connect_concurrency)
    await _wait_ready(sockets, 30)
    connect_s = time.monotonic() - started
    connect_cpu = web.cpu_seconds() - cpu_before
    await asyncio.sleep(opt.hold)
    rss = web.rss_mib()
    open_ready = sum(1 for s in sockets if s.ready and s.open_now)
    idle = {
        "target": opt.connections,
        "open_and_ready": open_ready,
        "failed_attempts": len(errors),
        "error_samples": errors[:3],
        "connect_s": round(connect_s, 2),
        # The web process's CPU per handshake (session, user and ownership queries, group
        # subscription, connection.ready): what bounds connects per second on one core.
        "web_cpu_ms_per_connect": round(1000 * connect_cpu / max(1, len(sockets) + len(errors)), 2),
        "held_s": opt.hold,
        "web_rss_mib_before": round(rss_before, 1),
        "web_rss_mib": round(rss, 1),
        "kib_per_socket": round((rss - rss_before) * 1024 / max(1, open_ready), 1),
    }

    # Reconnect storm: close N sockets at once, then each client reconnects after a jittered
    # delay (as the studio's backoff does), resumes, and counts once the snapshot arrives.
    storm = sockets[: opt.reconnect]
    await asyncio.gather(*(s.close() for s in storm))
    durations: list[float] = []
    failures: Counter[str] = Counter()
    session_of = {c: s for s, c in pairs}

    async def again(old: Socket) -> None:
        # The studio's schedule (static/js/studio.js): 0.5 s x 2^attempt, capped at 10 s,
        # each scaled by 0.5-1; a failed attempt is retried on the same schedule.
        for attempt in range(RECONNECT_ATTEMPTS):
            delay = min(10.0, 0.5 * 2**attempt) * random.uniform(0.5, 1.0)
            if attempt == 0 and opt.reconnect_spread:
                delay = random.uniform(0, opt.reconnect_spread)
            await asyncio.sleep(delay)
            try:
                sock = await Socket.open(
                    base,
                    f"/ws/conversations/{old.conversation}/",
                    conversation=old.conversation,
                    session=session_of[old.conversation],
                )
                if not sock.ready:
                    await sock.wait_for(lambda e: e["type"] == "connection.ready", 30)
                await sock.send({"type": "resume", "last_seq": old.last_seq})
                await sock.wait_for(lambda e: e["type"] == "conversation.snapshot", 30)
            except Exception as exc:
                failures[type(exc).__name__] += 1
                continue
            durations.append(time.monotonic() - storm_start)
            sockets.append(sock)
            return

    cpu_before = web.cpu_seconds()
    storm_start = time.monotonic()
    await asyncio.gather(*(again(s) for s in storm))
    makespan = time.monotonic() - storm_start
    storm_cpu = web.cpu_seconds() - cpu_before
    reconnect = {
        "clients": len(storm),
        "reconnected": len(durations),
        "reconnected_within_10s": sum(1 for d in durations if d <= 10.0),
        "failed_attempts": sum(failures.values()),
        "failed_attempts_by_kind": dict(failures),
        "first_attempt_spread_s": opt.reconnect_spread or "studio (0.25-0.5 s)",
        "makespan_s": round(makespan, 2),
        "web_cpu_s": round(storm_cpu, 2),
        "web_cpu_ms_per_attempt": round(
            1000 * storm_cpu / max(1, len(durations) + sum(failures.values())), 2
        ),
        "time_to_reconnect": summary_ms(durations),
        "web_rss_mib_after": round(web.rss_mib(), 1),
    }
    await asyncio.gather(*(s.close() for s in sockets[len(storm) :]))
    return idle, reconnect


# --- event latency --------------------------------------------------------------------------
@dataclass
class _Watch:
    """One side of the latency comparison: its server, sockets and what they received."""

    bare: bool
    server: Process
    base: str
    sockets: list[Socket] = field(default_factory=list)
    connect_errors: int = 0
    progress: list[float] = field(default_factory=list)
    completed: list[float] = field(default_factory=list)
    completed_expected: int = 0
    progress_sent: int = 0
    emitter: list[dict[str, Any]] = field(default_factory=list)
    cpu_s: float = 0.0
    busy_s: float = 0.0

    def on_event(self, sock: Socket, event: dict[str, Any], now: float) -> None:
        if event["type"] == "generation.progress":
            self.progress.append(now - event["ts"])
        elif event["type"] == "generation.completed":
            self.completed.append(now - event["ts"])


async def _latency(
    stack: Stack,
    ours: tuple[Process, str],
    bare: tuple[Process, str],
    opt: WsOptions,
    seeded: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both sides connected at once; the emitter alternates between them in short rounds, so
    a change in the machine's load hits both alike."""
    pairs = [(s, convs[0]) for s, convs in _sessions(seeded)]
    sides = [_Watch(False, *ours), _Watch(True, *bare)]
    for side in sides:
        factories = []
        for session, conv in pairs:
            path = f"/ws/bare/{uuid.UUID(conv).hex}/" if side.bare else f"/ws/conversations/{conv}/"
            for _ in range(opt.per_job):
                factories.append(
                    lambda p=path, s=session, c=conv, w=side: Socket.open(
                        w.base,
                        p,
                        conversation=c,
                        session=None if w.bare else s,
                        on_event=w.on_event,
                    )
                )
        opened = await gather_limited(factories, opt.connect_concurrency)
        side.sockets = [o for o in opened if isinstance(o, Socket)]
        side.connect_errors = len(opened) - len(side.sockets)
        if not side.bare:
            await _wait_ready(side.sockets, 30)
    await asyncio.sleep(1.0)
    renders = min(opt.renders, len(pairs))
    rounds = max(1, opt.rounds)
    for index in range(rounds):
        for side in sides if index % 2 == 0 else reversed(sides):
            targets = [{"conversation": c, "job": str(uuid.uuid4())} for _, c in pairs[:renders]]
            watched = {t["conversation"] for t in targets}
            side.completed_expected += sum(1 for s in side.sockets if s.conversation in watched)
            cpu_before, began = side.server.cpu_seconds(), time.monotonic()
            # Several emitter processes, as renders run on several worker processes.
            n = max(1, min(opt.emitters, len(targets)))
            parts = await asyncio.gather(
                *(
                    stack.arun_module(
                        "tests.load.emitter",
                        {
                            "mode": "bare" if side.bare else "ours",
                            "targets": targets[k::n],
                            "rate": opt.rate / n,
                            "seconds": opt.seconds / rounds,
                            "threads": 4,
                        },
                    )
                    for k in range(n)
                )
            )
            emitted = {
                "progress_sent": sum(p["progress_sent"] for p in parts),
                "rate_achieved": sum(p["rate_achieved"] for p in parts),
                "max_schedule_lag_ms": max(p["max_schedule_lag_ms"] for p in parts),
                "publish_failures": sum(p["publish_failures"] for p in parts),
                "ts_to_published_p50_ms": max(p["ts_to_published"]["p50_ms"] for p in parts),
                "ts_to_published_p99_ms": max(p["ts_to_published"]["p99_ms"] for p in parts),
            }
            deadline = time.monotonic() + 30
            while len(side.completed) < side.completed_expected and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # stragglers of this round land before the other side's
            side.busy_s += time.monotonic() - began
            side.cpu_s += side.server.cpu_seconds() - cpu_before
            side.progress_sent += emitted["progress_sent"]
            side.emitter.append(emitted)
    results = [_latency_result(side, opt, renders, rounds) for side in sides]
    for side in sides:
        await asyncio.gather(*(s.close() for s in side.sockets))
    return results[0], results[1]


def _latency_result(side: _Watch, opt: WsOptions, renders: int, rounds: int) -> dict[str, Any]:
    return {
        "server": "bare consumer" if side.bare else "ConversationConsumer",
        "sockets": len(side.sockets),
        "connect_errors": side.connect_errors,
        "watched_jobs": renders,
        "watchers_per_job": opt.per_job,
        "rounds": rounds,
        "emitter": {
            "rate_achieved": round(
                sum(e["rate_achieved"] for e in side.emitter) / len(side.emitter), 1
            ),
            "max_schedule_lag_ms": max(e["max_schedule_lag_ms"] for e in side.emitter),
            "publish_failures": sum(e["publish_failures"] for e in side.emitter),
            "ts_to_published_p50_ms": max(e["ts_to_published_p50_ms"] for e in side.emitter),
            "ts_to_published_p99_ms": max(e["ts_to_published_p99_ms"] for e in side.emitter),
        },
        "progress_deliveries": len(side.progress),
        "progress_deliveries_expected": side.progress_sent * opt.per_job,
        "progress_latency": summary_ms(side.progress),
        "completed_received": len(side.completed),
        "completed_expected": side.completed_expected,
        "completed_latency": summary_ms(side.completed),
        "seq_gaps": None if side.bare else sum(s.gaps for s in side.sockets),
        "closed_early": sum(1 for s in side.sockets if not s.open_now),
        "server_cpu_cores": round(side.cpu_s / side.busy_s, 2) if side.busy_s else 0.0,
        "server_cpu_us_per_delivery": round(1e6 * side.cpu_s / max(1, len(side.progress)), 1),
        "server_rss_mib": round(side.server.rss_mib(), 1),
    }


def _ratio(ours: dict[str, Any], bare: dict[str, Any]) -> dict[str, float]:
    def div(key: str) -> float:
        a, b = ours["progress_latency"][key], bare["progress_latency"][key]
        return round(a / b, 2) if b else math.nan

    return {"p50": div("p50_ms"), "p99": div("p99_ms")}


# --- real renders ---------------------------------------------------------------------------
async def _real_renders(base: str, opt: WsOptions, seeded: dict[str, Any]) -> dict[str, Any]:
    """Real chat turns rendered by a real worker; latency of every group event they cause."""
    latency: dict[str, list[float]] = {}

    def on_event(sock: Socket, event: dict[str, Any], now: float) -> None:
        if event["type"] not in {"connection.ready", "conversation.snapshot", "pong"}:
            latency.setdefault(event["type"], []).append(now - event["ts"])

    groups: list[list[Socket]] = []
    for session, convs in _sessions(seeded):
        socks = [
            await Socket.open(
                base,
                f"/ws/conversations/{convs[0]}/",
                conversation=convs[0],
                session=session,
                on_event=on_event,
            )
            for _ in range(opt.real_watchers)
        ]
        groups.append(socks)
    await _wait_ready([s for g in groups for s in g], 30)

    async def turn(index: int, socks: list[Socket]) -> str:
        done = [
            asyncio.create_task(
                s.wait_for(
                    lambda e: e["type"] in ("generation.completed", "generation.failed"), 180
                )
            )
            for s in socks
        ]
        text = PROMPTS[index % len(PROMPTS)].format(length=opt.beat_length)
        await socks[0].send(
            {"type": "chat.message", "text": text, "client_msg_id": str(uuid.uuid4())}
        )
        results = await asyncio.gather(*done, return_exceptions=True)
        kinds = {r["type"] if isinstance(r, dict) else type(r).__name__ for r in results}
        return ",".join(sorted(kinds))

    outcomes = Counter(await asyncio.gather(*(turn(i, g) for i, g in enumerate(groups))))
    for g in groups:
        await asyncio.gather(*(s.close() for s in g))
    everything = [v for values in latency.values() for v in values]
    return {
        "renders": opt.real_renders,
        "watchers_per_job": opt.real_watchers,
        "beat_length": opt.beat_length,
        "outcomes": dict(outcomes),
        "completed_received": len(latency.get("generation.completed", [])),
        "completed_expected": opt.real_renders * opt.real_watchers,
        "all_events_latency": summary_ms(everything),
        "by_type_p50_ms": {k: summary_ms(v)["p50_ms"] for k, v in sorted(latency.items())},
    }


def _ok(result: dict[str, Any], opt: WsOptions) -> bool:
    """Every socket opened, every reconnect and every completed event arrived (not timing)."""
    idle, reconnect, lat = result["idle"], result["reconnect"], result["latency"]
    real = result.get("real_renders")
    return (
        idle["open_and_ready"] == opt.connections
        and reconnect["reconnected"] == reconnect["clients"]
        and lat["completed_received"] == lat["completed_expected"]
        and (real is None or real["completed_received"] == real["completed_expected"])
    )
