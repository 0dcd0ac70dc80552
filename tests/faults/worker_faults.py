"""Drills 1 and 2: a worker pool child or a whole worker SIGKILLed mid-render; SIGTERM on deploy."""

from __future__ import annotations

import os
import signal
import time

from tests.faults.ledger import (
    HeartbeatWatch,
    Report,
    chat_post,
    deliveries,
    job_row,
    ledger_check,
    owner_create,
    wait_jobs,
    wait_stage,
)
from tests.stack.clients import StudioClient
from tests.stack.stack import drill_stack

# A long beat: the render lasts several seconds, so a kill lands mid-render.
# Faults aimed "mid-render" need a render still synthesizing when the drill looks: on a
# quiet machine a 1-2 minute beat can be done before the first look.
LONG_BEAT = "drum and bass at 174, 5 minutes"
SHORT_BEATS = (
    "house beat 124 bpm, 5 minutes",
    "boom bap beat 90 bpm, 2 minutes",
    "trap beat 140 F minor, 2 minutes",
    "lofi beat 80 bpm, 2 minutes",
)

# Recovery settings the drills run with (see docs/reliability.md for production values).
RECOVERY = {
    "GENERATION_HEARTBEAT_STALE_S": "6",
    "CELERY_REAPER_INTERVAL_S": "3",
}


def _exactly_once(report: Report, job_id: str, client: StudioClient, procs: list) -> None:
    row = job_row(job_id)
    started = client.of_type("generation.started", job=job_id)
    completed = client.of_type("generation.completed", job=job_id)
    report.figure("attempts (job row)", int(row["attempts"]))
    report.figure("renders started (generation.started events)", len(started))
    report.figure("renders finished (generation.completed events)", len(completed))
    report.figure("task deliveries (worker logs)", deliveries(procs))
    report.check("job succeeded", row["status"] == "succeeded", row["status"])
    report.check("finished exactly once", len(completed) == 1, len(completed))
    report.check("a second attempt ran after the kill", int(row["attempts"]) >= 2, row["attempts"])


def _versions_and_assets(report: Report, owner: object) -> None:
    from generation.models import Asset, BeatVersion

    versions = BeatVersion.objects.filter(beat__conversation=owner.conversation).count()
    report.check("one version", versions == 1, versions)
    names = list(
        Asset.objects.filter(version__beat__conversation=owner.conversation).values_list(
            "name", flat=True
        )
    )
    report.check("one set of assets", len(names) == len(set(names)), sorted(names))


def child_kill(report: Report) -> None:
    """SIGKILL the pool child rendering a job: acks_late + reject_on_worker_lost requeue the
    message at once; the redelivery finds the job alive (fresh heartbeat) and looks again
    once it is stale; the reaper may re-queue it first. Either way one claim wins."""
    with drill_stack("child-kill", settings=RECOVERY) as s:
        (worker,), ((_web, base),) = s.workers, s.webs
        owner = owner_create()
        client = StudioClient([base], str(owner.conversation.id), owner.cookie).start()
        job_id = chat_post(owner, LONG_BEAT)
        wait_stage(job_id, "synth", timeout=90)
        children = worker.children()
        killed_at = time.monotonic()
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        report.line(f"SIGKILLed pool child(ren) {children} at stage {job_row(job_id)['stage']!r}")
        took = wait_jobs([job_id], timeout=120)
        report.figure("recovery: kill → job finished (s)", took)
        reaped = any(
            e.get("code") == "worker_lost"
            for e in client.of_type("generation.retrying", job=job_id)
        )
        report.figure(
            "taken over by", "reaper (worker_lost)" if reaped else "the redelivered task's recheck"
        )
        time.sleep(1.0)  # let the last events arrive
        client.stop()
        _exactly_once(report, job_id, client, s.procs)
        _versions_and_assets(report, owner)
        report.check("worker survived (new pool child)", worker.alive())
        ledger_check(report, [job_id])
        report.figure("drill time after the kill (s)", time.monotonic() - killed_at)


def worker_kill(report: Report) -> None:
    """SIGKILL the whole worker (main process and pool) mid-render, then start a new worker.
    The reaper (celery beat, a separate process) re-queues the job once its heartbeat is
    stale; the original message comes back only after the visibility timeout and is a
    no-op then, because the job has already finished."""
    visibility = 40
    settings = {
        **RECOVERY,
        "CELERY_VISIBILITY_TIMEOUT": str(visibility),
        "CELERY_TASK_SOFT_TIME_LIMIT": "25",
        "CELERY_TASK_TIME_LIMIT": "30",
    }
    with drill_stack("worker-kill", settings=settings) as s:
        (worker,), ((_web, base),) = s.workers, s.webs
        owner = owner_create()
        client = StudioClient([base], str(owner.conversation.id), owner.cookie).start()
        job_id = chat_post(owner, LONG_BEAT)
        wait_stage(job_id, "synth", timeout=90)
        killed_at = time.monotonic()
        worker.signal(signal.SIGKILL, group=True)
        worker.wait(10)
        report.line(f"SIGKILLed worker {worker.pid} and its pool at {job_row(job_id)['stage']!r}")
        fresh = s.worker(concurrency=1)
        report.figure("new worker ready after (s)", time.monotonic() - killed_at)
        wait_jobs([job_id], timeout=120)
        report.figure("recovery: kill → job finished (s)", time.monotonic() - killed_at)
        retrying = client.of_type("generation.retrying", job=job_id)
        report.check(
            "re-queued by the reaper (worker_lost) before the visibility timeout",
            any(e.get("code") == "worker_lost" for e in retrying)
            and time.monotonic() - killed_at < visibility,
            [e.get("code") for e in retrying],
        )
        # The killed worker's message is restored once it is older than the visibility
        # timeout; it must find the job finished and do nothing.
        wait_redelivery = max(0.0, visibility + 15 - (time.monotonic() - killed_at))
        report.line(f"waiting {wait_redelivery:.0f}s for the original message to come back")
        deadline = time.monotonic() + wait_redelivery
        while time.monotonic() < deadline and "not claimable" not in fresh.output():
            time.sleep(0.5)
        if "not claimable" in fresh.output():
            report.figure("original message back after the kill (s)", time.monotonic() - killed_at)
        report.check(
            "late redelivery after the visibility timeout was a no-op",
            "not claimable" in fresh.output() and job_row(job_id)["status"] == "succeeded",
        )
        time.sleep(0.5)
        client.stop()
        _exactly_once(report, job_id, client, s.procs)
        _versions_and_assets(report, owner)
        ledger_check(report, [job_id])


def worker_term(report: Report) -> None:
    """SIGTERM a worker during a deploy while it renders: Celery's warm shutdown lets the
    running render finish and acks it; the queued jobs go to the new worker; no finished job
    gets a second attempt."""
    settings = {**RECOVERY, "CELERY_WORKER_CONCURRENCY": "2"}
    with drill_stack("worker-term", settings=settings, concurrency=2) as s:
        (old,), ((_web, base),) = s.workers, s.webs
        owners = [owner_create(f"deploy{i}") for i in range(2)]
        clients = [
            StudioClient([base], str(o.conversation.id), o.cookie, name=f"c{i}").start()
            for i, o in enumerate(owners)
        ]
        watch = HeartbeatWatch().start()
        jobs = [chat_post(owners[i % 2], text) for i, text in enumerate(SHORT_BEATS)]
        wait_stage(jobs[0], "synth", timeout=90)
        running = [j for j in jobs if job_row(j)["status"] == "running"]
        report.line(f"SIGTERM to worker {old.pid} with {len(running)} render(s) running")
        term_at = time.monotonic()
        old.signal(signal.SIGTERM)
        new = s.worker(concurrency=2)  # the deploy's new worker starts alongside
        code = old.wait(90)
        report.figure("old worker exit code", -1 if code is None else code)
        report.figure("old worker warm shutdown (s)", time.monotonic() - term_at)
        report.check("old worker exited by itself", code is not None)
        for job_id in running:
            row = job_row(job_id)
            report.check(
                f"render running at SIGTERM finished on the old worker ({job_id[:8]})",
                row["status"] == "succeeded" and int(row["attempts"]) == 1,
                f"{row['status']}, attempts {row['attempts']}",
            )
        wait_jobs(jobs, timeout=180)
        report.figure("all jobs done after SIGTERM (s)", time.monotonic() - term_at)
        report.figure("longest gap between two heartbeats of a render (s)", watch.stop())
        time.sleep(1.0)
        for client in clients:
            client.stop()
        attempts = {j: int(job_row(j)["attempts"]) for j in jobs}
        report.check("no job attempted twice", all(a == 1 for a in attempts.values()), attempts)
        completed = sum(len(c.of_type("generation.completed")) for c in clients)
        report.check("one generation.completed per job", completed == len(jobs), completed)
        restarted = "not claimable" in new.output() or "not claimable" in old.output()
        report.check("no finished job redelivered", not restarted)
        ledger_check(report, jobs)
