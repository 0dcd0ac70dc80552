"""Drills 3-5: Redis restarted (AOF), PostgreSQL restarted, S3 away for a while."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import httpx

from tests.faults.ledger import (
    Owner,
    Report,
    chat_post,
    job_row,
    ledger_check,
    owner_create,
    wait_jobs,
    wait_stage,
)
from tests.stack.clients import StudioClient
from tests.stack.processes import wait_until
from tests.stack.stack import Stack, drill_stack

from .worker_faults import LONG_BEAT, RECOVERY

ONE_MINUTE_BEATS = (
    "house beat 124 bpm, 1 minute",
    "boom bap beat 90 bpm, 1 minute",
    "trap beat 140 F minor, 1 minute",
    "lofi beat 80 bpm, 1 minute",
    "drill beat 142 bpm, 1 minute",
)


@dataclass
class ReadinessProbe:
    """Polls /health/ready every ``every`` seconds in a thread; keeps (time, status) changes."""

    base: str
    every: float = 0.25
    changes: list[tuple[float, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> ReadinessProbe:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        with httpx.Client(timeout=8) as http:
            while not self._stop.is_set():
                try:
                    status = http.get(f"{self.base}/health/ready").status_code
                except httpx.HTTPError:
                    status = 0
                if not self.changes or self.changes[-1][1] != status:
                    self.changes.append((time.monotonic(), status))
                self._stop.wait(self.every)

    def statuses(self) -> list[int]:
        return [status for _, status in self.changes]

    def first(self, status: int, after: float = 0.0) -> float | None:
        return next((t for t, s in self.changes if s == status and t >= after), None)

    def back_to(self, status: int, after: float) -> float | None:
        """When ``status`` came back after the first other status seen since ``after``."""
        left = next((t for t, s in self.changes if s != status and t >= after), None)
        return None if left is None else self.first(status, after=left)


def _client_resync(report: Report, client: StudioClient, job_ids: list[str]) -> None:
    """Ask for a snapshot and check it holds every job finished and every seq up to now."""
    from infra.realtime.sequence import current_seq

    before = len(client.snapshots)
    client.resume()
    wait_until(lambda: len(client.snapshots) > before, timeout=15, what="a snapshot")
    snapshot = client.snapshots[-1]
    jobs = {j["id"]: j["status"] for j in snapshot["jobs"]}
    report.check(
        f"{client.name}: resume snapshot has every job succeeded",
        all(jobs.get(j) == "succeeded" for j in job_ids),
        jobs,
    )
    top = current_seq(client.conversation_id)
    missing = set(range(1, top + 1)) - client.covered()
    report.check(f"{client.name}: knows every seq up to {top}", not missing, sorted(missing)[:20])
    if missing:
        report.lose(f"{client.name}: events {sorted(missing)[:20]} neither received nor resynced")


def redis_restart(report: Report) -> None:
    """Restart Redis (SIGTERM, AOF flushed, same port and folder) with one render running and
    more queued in the broker: the queue survives, workers and web instances reconnect by
    themselves, and a client resyncs by seq."""
    with drill_stack("redis-restart", settings=RECOVERY) as s:
        (worker,), (beat,), ((web, base),) = s.workers, s.beats, s.webs
        # "solo": one render, running while Redis is away, then no more events in its
        # conversation; only the pong's seq can tell that client it missed the ending.
        solo_owner = owner_create("solo")
        solo = StudioClient(
            [base], str(solo_owner.conversation.id), solo_owner.cookie, name="solo"
        ).start()
        solo_job = chat_post(solo_owner, LONG_BEAT)
        owner = owner_create()
        client = StudioClient([base], str(owner.conversation.id), owner.cookie).start()
        jobs = [solo_job, *(chat_post(owner, text) for text in ONE_MINUTE_BEATS[1:4])]
        wait_stage(jobs[0], "synth", timeout=90)
        redis = s.redis.client()
        queued = redis.llen("generation")
        report.figure("messages waiting in the generation queue", queued)
        time.sleep(1.2)  # appendfsync everysec: what a crash could lose, a clean stop does not
        down_at = time.monotonic()
        s.redis.stop()
        report.line("Redis stopped (SIGTERM); down until the running render has finished")
        wait_jobs(jobs[:1], timeout=90, what="the running render to finish without Redis")
        time.sleep(1.0)
        s.redis.start()
        up_at = time.monotonic()
        report.figure("first job (rendered while Redis was down)", job_row(jobs[0])["status"])
        after = s.redis.client().llen("generation")
        report.check("queued messages survived the restart (AOF)", after >= queued - 1, after)
        ready = wait_until(
            lambda: httpx.get(f"{base}/health/ready", timeout=5).status_code == 200,
            timeout=60,
            what="web ready again",
        )
        report.figure("web /health/ready 200 again after Redis came back (s)", ready)
        try:
            wait_until(
                lambda: (
                    solo.of_type("generation.completed", job=solo_job)
                    or any(
                        j["id"] == solo_job and j["status"] == "succeeded"
                        for snap in solo.snapshots
                        for j in snap["jobs"]
                    )
                ),
                timeout=20,
                what="the solo client to learn of its render finished while Redis was down",
            )
            report.figure(
                "solo client learned of the render finished during the outage, after Redis "
                "was back (s)",
                time.monotonic() - up_at,
            )
        except TimeoutError:
            report.lose("the solo client never learned that its render finished (no seq gap)")
        solo.stop()
        late = chat_post(owner, ONE_MINUTE_BEATS[4])  # queued after the restart
        wait_jobs([*jobs, late], timeout=240)
        report.figure("all jobs done after Redis came back (s)", time.monotonic() - up_at)
        statuses = {j[:8]: job_row(j)["status"] for j in [*jobs, late]}
        report.check(
            "every job succeeded", all(v == "succeeded" for v in statuses.values()), statuses
        )
        attempts = {j[:8]: int(job_row(j)["attempts"]) for j in [*jobs, late]}
        report.figure("attempts per job", str(attempts))
        live_after = [
            e for e in client.events if e["_received"] > time.time() - (time.monotonic() - up_at)
        ]
        report.check(
            "the open socket got live events after the restart (web re-subscribed)",
            any(e["type"] == "generation.completed" for e in live_after),
            len(live_after),
        )
        report.figure("client closes seen", len(client.closes))
        report.figure("client seq gaps repaired with resume", client.gaps + client.pong_gaps)
        report.check(
            "the solo client detected the gap by itself (pong seq ahead)",
            solo.gaps + solo.pong_gaps >= 1,
            f"event gaps {solo.gaps}, pong gaps {solo.pong_gaps}",
        )
        first_up = [
            e["_received"]
            for e in client.events
            if e["type"] == "generation.started" and e.get("job") == jobs[1]
        ]
        if first_up:
            report.figure(
                "Redis back → next queued job started (worker reconnected) (s)",
                first_up[0] - (time.time() - (time.monotonic() - up_at)),
            )
        _client_resync(report, client, [*jobs[1:], late])
        client.stop()
        report.check(
            "worker, beat and web kept running (no restart)",
            worker.alive() and beat.alive() and web.alive(),
        )
        report.figure("Redis outage (s)", up_at - down_at)
        ledger_check(report, [*jobs, late])


def postgres_restart(report: Report) -> None:
    """Restart the private PostgreSQL (fast stop: every connection dropped) under a render:
    /health/ready answers 503 then 200 with nothing restarted; no job is succeeded without
    its row and assets committed."""
    with drill_stack("postgres-restart", database="postgres", settings=RECOVERY) as s:
        (worker,), (beat,), ((web, base),) = s.workers, s.beats, s.webs
        owner = owner_create()
        client = StudioClient([base], str(owner.conversation.id), owner.cookie).start()
        jobs = [chat_post(owner, text) for text in (LONG_BEAT, ONE_MINUTE_BEATS[1])]
        wait_stage(jobs[0], "synth", timeout=90)
        probe = ReadinessProbe(base).start()
        time.sleep(0.5)
        down_at = time.monotonic()
        s.postgres.stop("fast")
        report.line("PostgreSQL stopped (fast); down for 5 s")
        time.sleep(5)
        s.postgres.start()
        up_at = time.monotonic()
        # Since down_at, not up_at: the probe can see 200 before pg_ctl's -w returns.
        wait_until(lambda: probe.back_to(200, after=down_at), timeout=60, what="ready again")
        from django.db import close_old_connections

        close_old_connections()
        late = chat_post(owner, ONE_MINUTE_BEATS[2])
        wait_jobs([*jobs, late], timeout=240)
        report.figure("all jobs done after PostgreSQL came back (s)", time.monotonic() - up_at)
        probe.stop()
        unready = probe.first(503, after=down_at)
        back = probe.back_to(200, after=down_at)
        report.figure("readiness statuses seen", str(probe.statuses()))
        report.check("/health/ready went 503 while PostgreSQL was down", unready is not None)
        report.check("/health/ready went 200 again", back is not None)
        if unready is not None:
            report.figure("down → 503 (s)", unready - down_at)
        if back is not None:
            report.figure("up → 200 (s)", back - up_at)
        report.check(
            "nothing restarted (web, worker, beat same processes)",
            worker.alive() and beat.alive() and web.alive(),
        )
        rows = {
            j[:8]: (job_row(j)["status"], job_row(j)["attempts"], job_row(j)["error_code"])
            for j in [*jobs, late]
        }
        report.figure("jobs (status, attempts, last error)", str(rows))
        report.check("every job succeeded", all(r[0] == "succeeded" for r in rows.values()), rows)
        time.sleep(0.5)
        _client_resync(report, client, [*jobs, late])
        client.stop()
        ledger_check(report, [*jobs, late])


def _orphans(s: Stack) -> set[str]:
    from generation.models import Asset

    keys = s.s3.keys()
    referenced = set(Asset.objects.values_list("file", flat=True))
    return {k for k in keys if k.startswith("beats/")} - referenced


def s3_outage(report: Report) -> None:
    """Stop the local S3 server mid-render: (a) back within the retry budget → the job
    succeeds after retries; (b) down longer → generation.failed storage_unavailable, and a
    job queued while it is down fails without a single asset row. Every Asset row's object
    exists."""
    settings = {**RECOVERY, "STORAGE_RETRY_BASE_DELAY_S": "0.5"}
    with drill_stack("s3-outage", s3=True, settings=settings) as s:
        ((_web, base),) = s.webs
        owner: Owner = owner_create()
        client = StudioClient([base], str(owner.conversation.id), owner.cookie).start()

        # (a) a short outage: S3 away when the job starts; its retries outlast the outage.
        s.s3.stop()
        down_at = time.monotonic()
        short = chat_post(owner, ONE_MINUTE_BEATS[0])
        report.line("S3 stopped, job submitted (short outage: 6 s)")
        time.sleep(6)
        s.s3.start()
        report.line("S3 back on the same port")
        wait_jobs([short], timeout=120)
        row = job_row(short)
        report.figure("(a) job finished after outage start (s)", time.monotonic() - down_at)
        report.check(
            "(a) short outage: job succeeded after retries",
            row["status"] == "succeeded" and int(row["attempts"]) >= 2,
            f"{row['status']} {row['error_code']} attempts={row['attempts']}",
        )
        report.figure("(a) job attempts", int(row["attempts"]))
        report.figure(
            "(a) storage write retries (worker log)",
            sum(w.count("failed (attempt") for w in s.workers),
        )
        report.figure(
            "(a) generation.retrying storage_unavailable",
            len(client.of_type("generation.retrying", job=short, code="storage_unavailable")),
        )

        # (b) a long outage: mid-render, and a job queued while S3 is away.
        long_mid = chat_post(owner, LONG_BEAT)
        wait_stage(long_mid, "synth", timeout=90)
        s.s3.stop()
        down_at = time.monotonic()
        report.line("S3 stopped mid-render (long outage, until both jobs end)")
        queued_down = chat_post(owner, ONE_MINUTE_BEATS[2])
        try:
            wait_jobs([long_mid, queued_down], timeout=180)
        finally:
            s.s3.start()
        report.figure("(b) both jobs ended after outage start (s)", time.monotonic() - down_at)
        for job_id, label in ((long_mid, "mid-render"), (queued_down, "queued while down")):
            row = job_row(job_id)
            report.check(
                f"(b) {label}: failed cleanly with storage_unavailable",
                row["status"] == "failed" and row["error_code"] == "storage_unavailable",
                f"{row['status']} {row['error_code']} attempts={row['attempts']}",
            )
            failed = client.of_type("generation.failed", job=job_id)
            report.check(
                f"(b) {label}: generation.failed storage_unavailable sent",
                any(e["code"] == "storage_unavailable" for e in failed),
                [e["code"] for e in failed],
            )
        from generation.models import Asset

        for job_id, label in ((long_mid, "mid-render"), (queued_down, "queued while down")):
            version = job_row(job_id)["version_id"]
            kinds = sorted(Asset.objects.filter(version_id=version).values_list("name", flat=True))
            report.figure(f"(b) {label}: asset rows", str(kinds))
            report.check(f"(b) {label}: no asset rows for a failed job", not kinds, kinds)

        # (c) recovery: a new job after S3 is back succeeds.
        again = chat_post(owner, ONE_MINUTE_BEATS[3])
        wait_jobs([again], timeout=120)
        report.check(
            "(c) after recovery a new job succeeds", job_row(again)["status"] == "succeeded"
        )
        time.sleep(0.5)
        client.stop()
        keys = s.s3.keys()
        rows = list(Asset.objects.values_list("file", flat=True))
        missing = [name for name in rows if name not in keys]
        report.check("every Asset row's object exists in S3", not missing, missing[:5])
        for name in missing:
            report.lose(f"asset row points at a missing object {name}")
        orphans = _orphans(s)
        report.figure(
            "objects left without a row (not referenced; cleaned by prefix later)", len(orphans)
        )
        ledger_check(report, [short, long_mid, queued_down, again])


def s3_hang(report: Report) -> None:
    """S3 stops answering mid-render (connections accepted, never answered) for 20 s, then
    answers again. Unlike a refused connection each call now waits for botocore's read
    timeout, no heartbeat is written meanwhile, and the reaper may hand the job to another
    pool process: the job must still end once, cleanly, with every Asset row's object there."""
    settings = {
        **RECOVERY,
        "CELERY_TASK_SOFT_TIME_LIMIT": "90",
        "CELERY_TASK_TIME_LIMIT": "110",
        "CELERY_VISIBILITY_TIMEOUT": "300",
    }
    with drill_stack("s3-hang", s3=True, s3_proxy=True, settings=settings, concurrency=2) as s:
        ((_web, base),) = s.webs
        proxy = s.s3_proxy
        owner = owner_create()
        client = StudioClient([base], str(owner.conversation.id), owner.cookie).start()
        job = chat_post(owner, LONG_BEAT)
        wait_stage(job, "synth", timeout=90)
        proxy.hang()
        hang_at = time.monotonic()
        report.line("S3 hangs (accepts, never answers) for 20 s")
        time.sleep(20)
        proxy.resume()
        report.line("S3 answers again")
        wait_jobs([job], timeout=300)
        row = job_row(job)
        report.figure("job ended after the hang began (s)", time.monotonic() - hang_at)
        report.figure("job", f"{row['status']} {row['error_code']} attempts={row['attempts']}")
        report.check(
            "job ended cleanly (succeeded, or failed with a code)",
            row["status"] == "succeeded" or (row["status"] == "failed" and row["error_code"]),
        )
        time.sleep(1.0)
        completed = client.of_type("generation.completed", job=job)
        failed = client.of_type("generation.failed", job=job)
        retrying = client.of_type("generation.retrying", job=job)
        report.figure("generation.retrying codes", str([e["code"] for e in retrying]))
        report.check(
            "the live worker kept its job (no worker_lost re-queue)",
            not any(e["code"] == "worker_lost" for e in retrying),
            [e["code"] for e in retrying],
        )
        report.check(
            "exactly one ending event",
            len(completed) + len(failed) == 1,
            f"completed {len(completed)}, failed {len(failed)}",
        )
        again = chat_post(owner, ONE_MINUTE_BEATS[1])
        wait_jobs([again], timeout=120)
        report.check("after the hang a new job succeeds", job_row(again)["status"] == "succeeded")
        client.stop()
        from generation.models import Asset

        keys = s.s3.keys()
        missing = [n for n in Asset.objects.values_list("file", flat=True) if n not in keys]
        for name in missing:
            report.lose(f"asset row points at a missing object {name}")
        report.figure("objects left without a row", len(_orphans(s)))
        ledger_check(report, [job, again])
