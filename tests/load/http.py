"""HTTP bench: the JSON API under a constant arrival rate, on daphne and on gunicorn (WSGI)."""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.stack.processes import Process
from tests.stack.stack import Stack, machine, parallel, raise_fd_limit

from .stats import summary_ms

SEED_TURNS = ["make a house beat at 124 bpm, 4 bars", "make it faster", "what key is it in?"]
TERMINAL = {"succeeded", "failed", "cancelled"}


@dataclass
class HttpOptions:
    rate: float = 300.0
    seconds: float = 60.0
    warmup: float = 5.0
    users: int = 50
    servers: list[str] = field(default_factory=lambda: ["daphne", "gunicorn"])
    gunicorn_workers: int = 2
    gunicorn_threads: int = 4
    timeout: float = 10.0
    client_processes: int = 2


@dataclass(frozen=True)
class Request:
    kind: str
    path: str
    cookie: str


def run(options: HttpOptions) -> dict[str, Any]:
    raise_fd_limit()
    with Stack.for_bench() as stack:
        return _run(stack, options)


def _run(stack: Stack, opt: HttpOptions) -> dict[str, Any]:
    result: dict[str, Any] = {"machine": machine(), "options": opt.__dict__.copy()}
    seeded, worker, (web, base) = parallel(
        lambda: stack.seed(users=opt.users, conversations_per_user=1, turns=SEED_TURNS),
        lambda: stack.worker(concurrency=2, name="http-seed-worker"),
        stack.web,
    )
    requests = _requests(seeded)
    result["seed"] = _wait_for_renders(base, seeded, requests)
    web.stop()
    worker.stop()
    result["mix"] = dict(Counter(r.kind for r in requests))
    for server in opt.servers:
        proc, base = _start(stack, server, opt)
        open_loop(
            base,
            requests,
            rate=opt.rate,
            seconds=opt.warmup,
            timeout=opt.timeout,
            processes=opt.client_processes,
        )
        cpu_before = proc.cpu_seconds_tree()
        figures = open_loop(
            base,
            requests,
            rate=opt.rate,
            seconds=opt.seconds,
            timeout=opt.timeout,
            processes=opt.client_processes,
        )
        cpu = proc.cpu_seconds_tree() - cpu_before
        figures["server_cpu_cores"] = round(cpu / figures["elapsed_s"], 2)
        # CPU per answered request barely depends on how busy the machine is: it bounds what
        # one process (one core at most for daphne) can serve on an idle machine.
        figures["server_cpu_ms_per_request"] = round(
            1000 * cpu / max(1, figures["latency"]["count"]), 2
        )
        figures["server_rss_mib"] = round(proc.rss_mib(children=True), 1)
        figures["server"] = _describe(server, opt)
        result[server] = figures
        proc.stop()
    result["ok"] = all(result[s]["errors"] == 0 for s in opt.servers)
    return result


def _describe(server: str, opt: HttpOptions) -> str:
    if server == "gunicorn":
        return f"gunicorn dawg.wsgi, {opt.gunicorn_workers} gthread workers x {opt.gunicorn_threads} threads"
    return "daphne (python -m infra.realtime.web_server), 1 process"


def _start(stack: Stack, server: str, opt: HttpOptions) -> tuple[Process, str]:
    if server == "gunicorn":
        return stack.gunicorn(workers=opt.gunicorn_workers, threads=opt.gunicorn_threads)
    if server == "daphne":
        return stack.web()
    raise ValueError(f"unknown server {server!r} (daphne or gunicorn)")


def _requests(seeded: dict[str, Any]) -> list[Request]:
    name = seeded["cookie_name"]
    out: list[Request] = []
    for user in seeded["users"]:
        cookie = f"{name}={user['session']}"
        out += [
            Request("conversation", f"/api/conversations/{c}/", cookie)
            for c in user["conversations"]
        ]
        out += [Request("job", f"/api/jobs/{j}/", cookie) for j in user["jobs"]]
        out += [Request("beat", f"/api/beats/{b}/", cookie) for b in user["beats"]]
    return out


def _wait_for_renders(base: str, seeded: dict[str, Any], requests: list[Request]) -> dict[str, Any]:
    """Wait for the worker to render the seeded jobs, so beats have versions with assets."""
    jobs = [r for r in requests if r.kind == "job"]
    started = time.monotonic()
    statuses: Counter[str] = Counter()
    with httpx.Client(base_url=base, timeout=10) as client:
        while time.monotonic() - started < 300:
            statuses = Counter(
                client.get(r.path, headers={"Cookie": r.cookie}).json()["status"] for r in jobs
            )
            if set(statuses) <= TERMINAL:
                break
            time.sleep(1)
    return {
        "users": len(seeded["users"]),
        "jobs": dict(statuses),
        "render_s": round(time.monotonic() - started, 1),
    }


def open_loop(
    base: str,
    requests: list[Request],
    *,
    rate: float,
    seconds: float,
    timeout: float,
    processes: int = 2,
) -> dict[str, Any]:
    """Send requests at a constant arrival rate (open loop: a slow answer does not delay the
    next request) from ``processes`` client processes, each with its share of the rate (one
    Python process cannot drive 300 req/s through httpx on these vCPUs). Latency counts
    from each request's scheduled time, so queueing in the client or server is included."""
    context = multiprocessing.get_context("spawn")
    jobs = [(base, requests, rate / processes, seconds, timeout, seed) for seed in range(processes)]
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        parts = list(pool.map(_client_process, jobs))
    latencies: dict[str, list[float]] = {}
    statuses: Counter[str] = Counter()
    for part in parts:
        statuses.update(part["statuses"])
        for kind, values in part["latencies"].items():
            latencies.setdefault(kind, []).extend(values)
    everything = [v for values in latencies.values() for v in values]
    total = sum(part["sent"] for part in parts)
    elapsed = max(part["elapsed_s"] for part in parts)
    return {
        "requests": total,
        "client_processes": processes,
        "rate_sent": round(sum(part["rate_sent"] for part in parts), 1),
        "max_send_lag_ms": round(max(part["max_send_lag_s"] for part in parts) * 1000, 1),
        "elapsed_s": round(elapsed, 2),
        "throughput": round(len(everything) / elapsed, 1),
        "statuses": dict(statuses),
        "errors": sum(n for code, n in statuses.items() if code != "200"),
        "latency": summary_ms(everything),
        "by_endpoint_p95_ms": {k: summary_ms(v)["p95_ms"] for k, v in sorted(latencies.items())},
    }


def _client_process(job: tuple[str, list[Request], float, float, float, int]) -> dict[str, Any]:
    base, requests, rate, seconds, timeout, seed = job
    return asyncio.run(_client(base, requests, rate, seconds, timeout, seed))


async def _client(
    base: str, requests: list[Request], rate: float, seconds: float, timeout: float, seed: int
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    # A small pool: httpx's pool does work per request for every connection it holds.
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    latencies: dict[str, list[float]] = {}
    statuses: Counter[str] = Counter()
    total = max(1, int(rate * seconds))
    rng = random.Random(seed)
    max_lag = 0.0

    async def one(client: httpx.AsyncClient, req: Request, due: float) -> None:
        try:
            response = await client.get(req.path, headers={"Cookie": req.cookie})
            statuses[str(response.status_code)] += 1
        except httpx.HTTPError as exc:
            statuses[type(exc).__name__] += 1
            return
        latencies.setdefault(req.kind, []).append(loop.time() - due)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        tasks = []
        start = loop.time()
        for index in range(total):
            due = start + index / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                max_lag = max(max_lag, -delay)
            tasks.append(asyncio.create_task(one(client, rng.choice(requests), due)))
        sent_s = loop.time() - start
        await asyncio.gather(*tasks)
        elapsed = loop.time() - start
    return {
        "sent": total,
        "rate_sent": total / sent_s if sent_s > 0 else 0.0,
        "max_send_lag_s": max_lag,
        "elapsed_s": elapsed,
        "latencies": latencies,
        "statuses": dict(statuses),
    }
