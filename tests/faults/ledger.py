"""A drill's report and its look at the app's data: owners, chat turns, jobs, the ledger of
what was stored, deliveries and heartbeats (read and written from the drill process)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from tests.stack.processes import DrillAbort, Process, wait_until


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
            for needed in ("mix.mp3", "beat.mid"):  # the WAV is made when first downloaded
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


def deliveries(procs: list[Process], task: str = "generation.render_job") -> int:
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
