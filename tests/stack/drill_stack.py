"""One drill's private stack (Redis, database, storage, web, workers) and its report."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.stack.processes import celery_worker_args

from .toolkit import (
    DrillAbort,
    HangProxy,
    PostgresCluster,
    Proc,
    RedisServer,
    S3Server,
    free_port,
    spawn,
    wait_until,
)

# Settings every drill child gets: our runner, text logs at INFO, no fixed ports.
BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "dawg.settings.development",
    "DJANGO_DEBUG": "false",
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    "WORKER_METRICS_PORT": "0",
    "PYTHONUNBUFFERED": "1",
    "CHAT_MESSAGES_PER_MINUTE": "1000",
    "GENERATION_MAX_ACTIVE_JOBS_PER_USER": "100",
    "WS_MAX_CONNECTIONS_PER_USER": "200",
    "DATABASE_CONN_MAX_AGE": "60",
}


class Report:
    """Timestamped lines, named checks and the list of what was lost; ends with PASS/FAIL."""

    def __init__(self, name: str, title: str) -> None:
        self.name, self.title = name, title
        self.started = time.monotonic()
        self.checks: list[tuple[str, bool, str]] = []
        self.lost: list[str] = []
        self.figures: dict[str, float | int | str] = {}
        self.error = ""
        print(f"== drill {name}: {title}", flush=True)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def line(self, text: str) -> None:
        print(f"[{self.elapsed():7.2f}s] {text}", flush=True)

    def figure(self, key: str, value: float | int | str) -> None:
        self.figures[key] = round(value, 2) if isinstance(value, float) else value
        self.line(f"{key} = {self.figures[key]}")

    def check(self, what: str, ok: bool, detail: object = "") -> bool:
        self.checks.append((what, bool(ok), str(detail)))
        self.line(f"{'ok  ' if ok else 'FAIL'} {what}{f' ({detail})' if detail != '' else ''}")
        return bool(ok)

    def lose(self, what: str) -> None:
        self.lost.append(what)
        self.line(f"LOST {what}")

    @property
    def passed(self) -> bool:
        return not self.error and not self.lost and all(ok for _, ok, _ in self.checks)

    def finish(self) -> bool:
        print("-- figures: " + ", ".join(f"{k}={v}" for k, v in self.figures.items()), flush=True)
        failed = [what for what, ok, _ in self.checks if not ok]
        if failed:
            print(f"-- failed checks: {'; '.join(failed)}", flush=True)
        if self.error:
            print(f"-- error: {self.error}", flush=True)
        print(f"-- lost: {'; '.join(self.lost) if self.lost else 'nothing'}", flush=True)
        verdict = "PASS" if self.passed else "FAIL"
        print(f"{verdict} {self.name} in {self.elapsed():.1f}s", flush=True)
        return self.passed


_DJANGO_READY = False


@dataclass
class Stack:
    """Servers and processes of one drill, all on 127.0.0.1 under one temporary folder."""

    name: str
    root: Path
    env: dict[str, str]
    redis: RedisServer
    postgres: PostgresCluster | None = None
    s3: S3Server | None = None
    s3_proxy: HangProxy | None = None
    procs: list[Proc] = field(default_factory=list)
    bases: dict[str, str] = field(default_factory=dict)
    workers: list[Proc] = field(default_factory=list)
    webs: list[tuple[Proc, str]] = field(default_factory=list)
    beats: list[Proc] = field(default_factory=list)
    _serial: int = 0

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    # --- processes ----------------------------------------------------------------------
    def _name(self, kind: str) -> str:
        self._serial += 1
        return f"{kind}{self._serial}"

    def web(
        self, *, port: int | None = None, timeout: float = 90, wait: bool = True
    ) -> tuple[Proc, str]:
        """Start ``python -m infra.realtime.web_server``; with ``wait``, until /health answers."""
        port = port or free_port()
        proc = spawn(
            self._name("web"),
            [
                sys.executable,
                "-m",
                "infra.realtime.web_server",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--shutdown-timeout",
                "10",
            ],
            self.env,
            self.logs,
        )
        self.procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        self.bases[proc.name] = base
        if wait:
            self.wait_ready(proc, timeout=timeout)
        return proc, base

    def wait_ready(self, proc: Proc, *, timeout: float = 90) -> float:
        """Wait until a web answers /health or a worker logs ``ready.``."""
        import httpx

        if proc.name.startswith("web"):
            base = self.bases[proc.name]
            return wait_until(
                lambda: httpx.get(f"{base}/health", timeout=2).status_code == 200,
                timeout=timeout,
                what=f"{proc.name} on {base}",
                process=proc,
                every=0.2,
            )
        return wait_until(
            lambda: " ready." in proc.output(),
            timeout=timeout,
            what=f"{proc.name} ready",
            process=proc,
            every=0.2,
        )

    def worker(
        self, *, concurrency: int = 1, timeout: float = 90, wait: bool = True, **env: str
    ) -> Proc:
        """Start a Celery worker on both queues; with ``wait``, until it is ready."""
        name = self._name("worker")
        args = celery_worker_args(
            node=f"{name}-{uuid.uuid4().hex[:6]}@drill", concurrency=concurrency, loglevel="INFO"
        )
        proc = spawn(name, args, {**self.env, **env}, self.logs)
        self.procs.append(proc)
        if wait:
            self.wait_ready(proc, timeout=timeout)
        return proc

    def beat(self) -> Proc:
        """celery beat on its own (as in the Procfile): the reaper outlives any worker."""
        name = self._name("beat")
        proc = spawn(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "dawg",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.root / f"{name}-schedule"),
            ],
            self.env,
            self.logs,
        )
        self.procs.append(proc)
        self.beats.append(proc)
        return proc

    def close(self, *, keep: bool = False) -> None:
        # All at once: a drill's teardown needs no graceful order, only no leftovers.
        for proc in self.procs:
            proc.signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.procs:
            proc.wait(max(0.1, deadline - time.monotonic()))
            proc.stop(timeout=0.1)
        if self.s3_proxy is not None:
            self.s3_proxy.close()
        if self.s3 is not None:
            self.s3.stop()
        self.redis.stop()
        if self.postgres is not None:
            try:
                self.postgres.destroy()
            except Exception as exc:
                print(f"postgres did not stop cleanly: {exc}", flush=True)
        if keep:
            print(f"-- logs kept in {self.root}", flush=True)
        else:
            shutil.rmtree(self.root, ignore_errors=True)


def _setup_django(env: dict[str, str]) -> None:
    global _DJANGO_READY
    if _DJANGO_READY:
        raise RuntimeError("one drill per process: Django is already set up for another stack")
    os.environ.update(env)
    os.environ["LOG_LEVEL"] = "WARNING"  # this process prints the report, not log lines
    import django

    django.setup()
    _DJANGO_READY = True


@contextmanager
def stack(
    name: str,
    *,
    database: str = "sqlite",
    s3: bool = False,
    s3_proxy: bool = False,
    settings: dict[str, str] | None = None,
    workers: int = 1,
    concurrency: int = 1,
    webs: int = 1,
    beat: bool = True,
) -> Iterator[Stack]:
    """Start Redis (AOF), the database (SQLite file or a private PostgreSQL) and storage
    (a folder, or a local S3), set up Django in this process against them and migrate, while
    ``workers`` Celery workers, ``webs`` web instances and celery beat start alongside."""
    root = Path(tempfile.mkdtemp(prefix=f"dawg-drill-{name}-"))
    (root / "logs").mkdir()
    os.chmod(root, 0o755)  # noqa: S103 - the postgres user reads its own subfolder
    env = {**os.environ, **BASE_ENV}
    for key in ("DATABASE_URL", "DATABASE_REPLICA_URL", "CELERY_BROKER_URL", "CHANNEL_LAYER_URL"):
        env.pop(key, None)
    redis = RedisServer(root / "redis")
    built = Stack(name=name, root=root, env=env, redis=redis)
    ok = False
    try:
        redis.start()
        env["REDIS_URL"] = redis.url
        if database == "postgres":
            built.postgres = PostgresCluster(root / "pg")
            built.postgres.init()
            built.postgres.start()
            built.postgres.create_database()
            env["DATABASE_URL"] = built.postgres.url
        else:
            env["DATABASE_URL"] = f"sqlite:///{root / 'db.sqlite3'}"
        if s3:
            built.s3 = S3Server()
            built.s3.start()
            built.s3.create_bucket()
            endpoint = built.s3.endpoint
            if s3_proxy:  # the app talks to S3 through a proxy that can hang
                built.s3_proxy = HangProxy(built.s3.port)
                endpoint = f"http://127.0.0.1:{built.s3_proxy.port}"
            env.update(
                STORAGE_BACKEND="s3",
                AWS_STORAGE_BUCKET_NAME=built.s3.bucket,
                AWS_S3_ENDPOINT_URL=endpoint,
                AWS_S3_ADDRESSING_STYLE="path",
                AWS_ACCESS_KEY_ID="drill",
                AWS_SECRET_ACCESS_KEY="drill-secret",
                AWS_DEFAULT_ACL="private",
            )
        else:
            env.update(STORAGE_BACKEND="filesystem", MEDIA_ROOT=str(root / "media"))
        env.update(settings or {})
        started = time.monotonic()
        built.workers = [built.worker(concurrency=concurrency, wait=False) for _ in range(workers)]
        built.webs = [built.web(wait=False) for _ in range(webs)]
        _setup_django(env)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        if beat:
            built.beat()
        for proc in [*built.workers, *(proc for proc, _ in built.webs)]:
            built.wait_ready(proc)
        print(f"-- stack up in {time.monotonic() - started:.1f}s ({root})", flush=True)
        yield built
        ok = True
    finally:
        built.close(keep=not ok or bool(os.environ.get("DRILL_KEEP")))


# --- the app's data, read and written from the drill process --------------------------------------
@dataclass
class Owner:
    user: Any
    conversation: Any
    cookie: str


def owner_create(label: str = "drill") -> Owner:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from chat.models import Conversation

    user = get_user_model().objects.create_user(
        username=f"{label}-{uuid.uuid4().hex[:8]}", password=uuid.uuid4().hex
    )
    conversation = Conversation.objects.create(owner=user)
    client = Client()
    client.force_login(user)
    return Owner(user, conversation, client.cookies[settings.SESSION_COOKIE_NAME].value)


def chat_post(owner: Owner, text: str) -> str:
    """One chat turn through the real service; returns the id of the render job it queued."""
    from chat.services import message_post
    from generation.models import GenerationJob

    before = set(GenerationJob.objects.filter(owner=owner.user).values_list("id", flat=True))
    message_post(
        conversation=owner.conversation, author=owner.user, text=text, client_msg_id=uuid.uuid4()
    )
    created = GenerationJob.objects.filter(owner=owner.user).exclude(id__in=before)
    job = created.order_by("-queued_at").first()
    if job is None:
        raise RuntimeError(f"the message {text!r} queued no render")
    return str(job.id)


def job_row(job_id: str) -> dict[str, Any]:
    from django.db import close_old_connections

    from generation.models import GenerationJob

    close_old_connections()
    return GenerationJob.objects.filter(id=job_id).values()[0]


def jobs_settled(job_ids: list[str]) -> bool:
    from generation.models import GenerationJob, JobStatus

    done = {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}
    statuses = GenerationJob.objects.filter(id__in=job_ids).values_list("status", flat=True)
    return len(statuses) == len(job_ids) and all(s in done for s in statuses)


def wait_jobs(job_ids: list[str], *, timeout: float, what: str = "jobs to finish") -> float:
    from django.db import close_old_connections

    def settled() -> bool:
        close_old_connections()
        return jobs_settled(job_ids)

    return wait_until(settled, timeout=timeout, what=what, every=0.25)


def wait_stage(job_id: str, prefix: str, *, timeout: float) -> float:
    """Wait until the job runs a stage starting with ``prefix`` (e.g. "synth")."""

    def at_stage() -> bool:
        row = job_row(job_id)
        if row["status"] in ("succeeded", "failed", "cancelled"):
            raise DrillAbort(
                f"job {job_id} ended ({row['status']} {row['error_code']}: "
                f"{row['error_message'][:300]}) before stage {prefix}*"
            )
        return row["status"] == "running" and str(row["stage"]).startswith(prefix)

    return wait_until(
        at_stage, timeout=timeout, what=f"job {job_id} at stage {prefix}*", every=0.05
    )


def ledger_check(report: Report, job_ids: list[str]) -> dict[str, Any]:
    """What the database and storage hold for these jobs, checked for loss and duplicates:
    every succeeded job has one set of assets whose objects exist; failed jobs reference no
    assets; no job is left queued or running."""
    from django.core.files.storage import default_storage

    from generation.models import Asset, GenerationJob, JobStatus

    jobs = list(GenerationJob.objects.filter(id__in=job_ids).select_related("version"))
    summary: dict[str, Any] = {"succeeded": 0, "failed": 0, "other": 0}
    for job in jobs:
        assets = list(Asset.objects.filter(version=job.version))
        names = [a.name for a in assets]
        if job.status == JobStatus.SUCCEEDED:
            summary["succeeded"] += 1
            if len(names) != len(set(names)):
                report.lose(f"job {job.id}: duplicate asset rows {sorted(names)}")
            for needed in ("mix.mp3", "mix.wav", "beat.mid"):
                if needed not in names:
                    report.lose(f"job {job.id} succeeded without its {needed}")
        elif job.status == JobStatus.FAILED:
            summary["failed"] += 1
            if names:
                report.lose(f"job {job.id} failed but its version has assets {sorted(names)}")
        else:
            summary["other"] += 1
            report.lose(f"job {job.id} left {job.status} at stage {job.stage!r}")
        for asset in assets:
            if not default_storage.exists(asset.file.name):
                report.lose(f"asset {asset.name} of job {job.id}: object {asset.file.name} missing")
    missing = set(job_ids) - {str(j.id) for j in jobs}
    for job_id in missing:
        report.lose(f"job {job_id}: row missing")
    report.line(f"ledger: {summary}")
    return summary


def deliveries(procs: list[Proc], task: str = "generation.render_job") -> int:
    """How many render tasks the workers received (from their logs; rechecks included)."""
    return sum(
        sum(1 for line in proc.output().splitlines() if f"{task}[" in line and " received" in line)
        for proc in procs
        if proc.name.startswith("worker")
    )


class HeartbeatWatch:
    """Samples running jobs' heartbeats in a thread: the longest gap between two beats of a
    job is what GENERATION_HEARTBEAT_STALE_S must stay above."""

    def __init__(self, every: float = 0.2) -> None:
        import threading

        self.every = every
        self.last: dict[str, Any] = {}
        self.max_gap_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> HeartbeatWatch:
        self._thread.start()
        return self

    def stop(self) -> float:
        self._stop.set()
        self._thread.join(timeout=10)
        return self.max_gap_s

    def _run(self) -> None:
        from django.db import connection

        from generation.models import GenerationJob, JobStatus

        try:
            while not self._stop.wait(self.every):
                rows = GenerationJob.objects.filter(status=JobStatus.RUNNING).values_list(
                    "id", "heartbeat_at"
                )
                for job_id, beat in rows:
                    previous = self.last.get(str(job_id))
                    if previous is not None and beat is not None and beat != previous:
                        self.max_gap_s = max(self.max_gap_s, (beat - previous).total_seconds())
                    self.last[str(job_id)] = beat
        finally:
            connection.close()
