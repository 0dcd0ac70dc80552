"""Drill 6: SIGTERM one of two web instances under load; its clients move and miss nothing."""

from __future__ import annotations

import signal
import time

from tests.faults.ledger import (
    Report,
    chat_post,
    job_row,
    ledger_check,
    owner_create,
    wait_jobs,
)
from tests.stack.clients import StudioClient
from tests.stack.processes import wait_until
from tests.stack.stack import drill_stack

from .outages import ONE_MINUTE_BEATS
from .worker_faults import RECOVERY

CONVERSATIONS = 4
MOVERS_PER_CONVERSATION = 5


def web_term(report: Report) -> None:
    """Two web instances, renders running in four conversations; each conversation has a
    client on the survivor (B) throughout and five on A. SIGTERM A: its clients get
    ``system.reconnect`` and close 1012, reconnect to B and resume; every group event the
    survivor saw is known to each mover (received live, or inside its resume snapshot)."""
    with drill_stack("web-term", settings=RECOVERY, concurrency=2, webs=2) as s:
        (web_a, base_a), (web_b, base_b) = s.webs
        owners = [owner_create(f"web{i}") for i in range(CONVERSATIONS)]
        survivors, movers = [], []
        for i, owner in enumerate(owners):
            conv = str(owner.conversation.id)
            survivors.append(StudioClient([base_b], conv, owner.cookie, name=f"B{i}").start())
            movers.extend(
                StudioClient([base_a, base_b], conv, owner.cookie, name=f"A{i}.{k}").start()
                for k in range(MOVERS_PER_CONVERSATION)
            )
        jobs = [chat_post(owner, ONE_MINUTE_BEATS[i]) for i, owner in enumerate(owners)]
        wait_until(
            lambda: any(job_row(j)["status"] == "running" for j in jobs),
            timeout=90,
            what="a render running",
        )
        time.sleep(1.0)
        term_at, term_wall = time.monotonic(), time.time()
        web_a.signal(signal.SIGTERM)
        code = web_a.wait(30)
        report.figure("web A exit code", -1 if code is None else code)
        report.figure("web A graceful shutdown (s)", time.monotonic() - term_at)
        report.check("web A exited by itself after SIGTERM", code == 0, code)
        wait_until(
            lambda: all(len(m.connects) >= 2 and m.connects[-1][0] == base_b for m in movers),
            timeout=30,
            what="every client of A connected to B",
        )
        report.figure(
            f"SIGTERM → all {len(movers)} clients of A connected to B (s)",
            max(m.connects[-1][1] for m in movers) - term_wall,
        )
        wait_jobs(jobs, timeout=180)
        time.sleep(1.5)  # the last events reach every socket
        for client in movers:
            client.resume()
        time.sleep(1.0)
        for client in [*survivors, *movers]:
            client.stop()

        told = sum(1 for m in movers if m.of_type("system.reconnect"))
        closed = sum(1 for m in movers if any(c.code == 1012 for c in m.closes))
        report.check("every client of A got system.reconnect", told == len(movers), told)
        report.check("every client of A was closed with 1012", closed == len(movers), closed)
        for survivor in survivors:
            seqs = survivor.group_seqs()
            report.check(
                f"survivor {survivor.name} saw a gap-free run of seqs",
                bool(seqs) and seqs == list(range(seqs[0], seqs[-1] + 1)) and not survivor.gaps,
                f"{len(seqs)} events, gaps {survivor.gaps}, pong-ahead resumes {survivor.pong_gaps}",
            )
        live_only = snapshot_only = 0
        for mover in movers:
            survivor = survivors[int(mover.name[1:].split(".")[0])]
            expected = set(survivor.group_seqs())
            missed = expected - mover.covered()
            live_only += len(expected & set(mover.group_seqs()))
            snapshot_only += len(expected - set(mover.group_seqs()) - missed)
            if missed:
                report.lose(f"{mover.name} missed seqs {sorted(missed)[:20]}")
            completed = {e["job"] for e in mover.of_type("generation.completed")}
            snapshot_jobs = {
                j["id"]
                for snap in mover.snapshots
                for j in snap["jobs"]
                if j["status"] == "succeeded"
            }
            job = jobs[int(mover.name[1:].split(".")[0])]
            if job not in completed | snapshot_jobs:
                report.lose(f"{mover.name} never learned that job {job[:8]} completed")
        events = sum(len(sv.group_seqs()) for sv in survivors)
        report.figure("group events per conversation", events // len(survivors))
        report.figure(
            "events delivered to all sockets",
            sum(len(c.events) for c in [*survivors, *movers]),
        )
        report.figure("survivor events received live by movers too", live_only)
        report.figure("survivor events movers got from the resume snapshot", snapshot_only)
        report.check("every job succeeded", all(job_row(j)["status"] == "succeeded" for j in jobs))
        report.check("web B still running", web_b.alive())
        ledger_check(report, jobs)
