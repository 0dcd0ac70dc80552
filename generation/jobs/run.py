"""What a worker does for one job: claim it, render in stages, store the assets, finish once.

Claim-then-work makes a duplicate or redelivered task a no-op while the job is alive
elsewhere; a job whose worker died (no heartbeat) is taken over, and the reaper re-queues
jobs nobody is working on. Only the worker holding the claim can mark the job finished.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from generation import presenters
from generation.assets.store import AssetFile, StorageUnavailable, version_assets_store
from generation.engine import BeatSpec, SpecError, encode, render_master, render_preview
from generation.engine.presets import DRUM_TRACKS
from generation.models import Asset, AssetKind, BeatVersion, GenerationJob, JobStatus
from infra.observability import metrics, request_context
from infra.realtime import events
from infra.storage.retry import storage_delete_quietly

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY_S = 1.0
RETRY_BASE_DELAY_S = 2.0


class JobCancelled(Exception):
    pass


class LostClaim(Exception):
    """Another worker took the job over (we were presumed dead); drop our work."""


@dataclass(frozen=True)
class Outcome:
    status: str
    detail: str = ""


def heartbeat_stale_s() -> float:
    """A running job whose heartbeat is older than this has lost its worker."""
    return float(settings.GENERATION_HEARTBEAT_STALE_S)


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# --- claiming -------------------------------------------------------------------------------
def job_claim(job_id: str, claim: str) -> GenerationJob | None:
    """Take a queued job, or a running one whose worker stopped beating; None if not ours."""
    now = timezone.now()
    stale = now - timedelta(seconds=heartbeat_stale_s())
    takeable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale)
    claimed = GenerationJob.objects.filter(takeable, id=job_id, cancel_requested=False).update(
        status=JobStatus.RUNNING,
        worker=claim,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        stage="starting",
        progress=0,
    )
    if not claimed:
        return None
    return GenerationJob.objects.select_related("version__beat").get(id=job_id)


def _job_update(job: GenerationJob, claim: str, **fields: object) -> None:
    """Write fields only while we hold the claim."""
    if not GenerationJob.objects.filter(id=job.id, worker=claim, status=JobStatus.RUNNING).update(
        **fields
    ):
        raise LostClaim(str(job.id))


@contextmanager
def _beating(job: GenerationJob, claim: str) -> Iterator[None]:
    """Keep the job's heartbeat fresh from a thread while storing runs: storage retries can
    wait on a stalled S3 for longer than GENERATION_HEARTBEAT_STALE_S, and the reaper would
    then hand a live job to another worker (seen in the s3-hang drill). The thread beats
    only while we hold the claim and uses (then closes) its own database connection."""
    stop = threading.Event()
    every = max(1.0, heartbeat_stale_s() / 4)

    def beat() -> None:
        try:
            while not stop.wait(every):
                alive = GenerationJob.objects.filter(
                    id=job.id, worker=claim, status=JobStatus.RUNNING
                ).update(heartbeat_at=timezone.now())
                if not alive:
                    return
        except DatabaseError:
            logger.warning("job %s: heartbeat while storing failed", job.id, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{job.id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)


# --- the job ----------------------------------------------------------------------------------
def run_job(job_id: str) -> Outcome:
    """Render one job. Idempotent: returns ``skipped`` when the job is not ours to run."""
    claim = worker_identity()
    try:
        job = job_claim(job_id, claim)
    except (ValueError, DatabaseError):
        logger.warning("job %s: cannot be claimed", job_id, exc_info=True)
        raise
    if job is None:
        current = GenerationJob.objects.filter(id=job_id).values_list("status", flat=True).first()
        logger.info("job %s: not claimable (status %s); nothing to do", job_id, current)
        return Outcome("skipped", str(current))
    with request_context.bound(job_id=job.id, conversation_id=job.version.beat.conversation_id):
        return _run_claimed(job, claim)


def _run_claimed(job: GenerationJob, claim: str) -> Outcome:
    version = job.version
    conversation_id = version.beat.conversation_id
    queue_wait = (job.started_at - job.queued_at).total_seconds() if job.started_at else None
    metrics.job_started(queue_wait)
    events.generation_started(
        conversation_id, job=str(job.id), version=str(version.id), attempt=job.attempts
    )
    started = time.perf_counter()
    try:
        reused = _reuse_assets(job, claim)
        outcome = reused or _render_and_store(job, claim, started)
    except JobCancelled:
        _finish(job, claim, JobStatus.CANCELLED)
        events.generation_cancelled(conversation_id, job=str(job.id))
        metrics.observe_job_finished("cancelled", time.perf_counter() - started)
        return Outcome("cancelled")
    except LostClaim:
        logger.warning("job %s: taken over by another worker; dropping this attempt", job.id)
        return Outcome("lost_claim")
    except SpecError as exc:
        return _fail(
            job,
            claim,
            "invalid_spec",
            f"the beat's spec is invalid: {exc}",
            started,
            retryable=False,
        )
    except SoftTimeLimitExceeded:
        return _fail(job, claim, "timeout", "the render took too long", started, retryable=True)
    except (StorageUnavailable, DatabaseError) as exc:
        code = (
            "storage_unavailable" if isinstance(exc, StorageUnavailable) else "database_unavailable"
        )
        return _retry_or_fail(job, claim, code, str(exc)[:500], started)
    except Exception as exc:
        logger.exception("job %s: render failed", job.id)
        return _fail(
            job,
            claim,
            "internal_error",
            f"{type(exc).__name__}: {exc}"[:500],
            started,
            retryable=True,
        )
    return outcome


class _Reporter:
    """Turns engine progress into job rows and events: stage changes at once, progress
    throttled (events ≤ 10/s, rows ≤ 1/s), cancel checked at every stage change."""

    def __init__(self, job: GenerationJob, claim: str) -> None:
        self.job, self.claim = job, claim
        self.conversation_id = job.version.beat.conversation_id
        self.stage = ""
        self.stage_started = time.perf_counter()
        self.last_row = 0.0

    def __call__(self, stage: str, percent: int) -> None:
        stage = _ui_stage(stage)
        now = time.perf_counter()
        if stage != self.stage:
            if self.stage:
                metrics.observe_stage(self.stage, now - self.stage_started)
            self._check_cancel()
            self.stage, self.stage_started = stage, now
            _job_update(
                self.job, self.claim, stage=stage, progress=percent, heartbeat_at=timezone.now()
            )
            self.last_row = now
            events.generation_stage(
                self.conversation_id, job=str(self.job.id), stage=stage, progress=percent
            )
            return
        if now - self.last_row >= HEARTBEAT_EVERY_S:
            _job_update(self.job, self.claim, progress=percent, heartbeat_at=timezone.now())
            self.last_row = now
        events.generation_progress(
            self.conversation_id, job=str(self.job.id), stage=stage, progress=percent
        )

    def close(self) -> None:
        if self.stage:
            metrics.observe_stage(self.stage, time.perf_counter() - self.stage_started)

    def _check_cancel(self) -> None:
        flagged = (
            GenerationJob.objects.filter(id=self.job.id)
            .values_list("cancel_requested", flat=True)
            .first()
        )
        if flagged:
            raise JobCancelled(str(self.job.id))


def _ui_stage(engine_stage: str) -> str:
    """Engine stage → what the studio shows: one 'synthesizing drums' for all drum tracks."""
    if engine_stage.startswith("synthesizing "):
        track = engine_stage.removeprefix("synthesizing ")
        return "synthesizing drums" if track in DRUM_TRACKS else engine_stage
    return engine_stage


def _render_and_store(job: GenerationJob, claim: str, started: float) -> Outcome:
    version = job.version
    spec = BeatSpec.from_dict({k: v for k, v in version.spec.items() if k != "duration_s"})
    report = _Reporter(job, claim)

    report("previewing", 1)
    _store_preview(job, claim, version, spec, started)

    def engine_progress(stage: str, fraction: float) -> None:
        report(stage, 3 + int(82 * min(1.0, max(0.0, fraction))))

    render_started = time.perf_counter()
    result = render_master(spec, progress=engine_progress)
    encoded = encode(result, progress=engine_progress)
    render_seconds = time.perf_counter() - render_started
    metrics.observe_render_speed(result.duration_s, render_seconds)

    report("uploading", 88)
    files = _asset_files(encoded.files, result.duration_s)
    _job_update(job, claim, heartbeat_at=timezone.now())
    with _beating(job, claim):
        version_assets_store(version=version, files=files)
    metrics.storage_written(sum(len(f.data) for f in files))
    report.close()
    return _succeed(job, claim, version, started, result.duration_s)


def _asset_files(files: dict[str, bytes], duration_s: float) -> list[AssetFile]:
    kinds = {
        "mix.wav": AssetKind.MIX_WAV,
        "mix.mp3": AssetKind.MIX_MP3,
        "beat.mid": AssetKind.MIDI,
        "peaks.json": AssetKind.PEAKS,
        "spec.json": AssetKind.SPEC,
    }
    out = []
    for name, data in files.items():
        kind = kinds.get(name, AssetKind.STEM if name.startswith("stems/") else None)
        if kind is None:
            continue
        audio = kind in (AssetKind.MIX_WAV, AssetKind.MIX_MP3, AssetKind.STEM)
        out.append(
            AssetFile(
                kind=kind,
                name=name.replace("/", "-") if kind == AssetKind.STEM else name,
                data=data,
                duration_s=duration_s if audio else None,
            )
        )
    return out


def _store_preview(
    job: GenerationJob, claim: str, version: BeatVersion, spec: BeatSpec, started: float
) -> None:
    """A couple of bars of drums and bass, mastered and playable within a fraction of a second."""
    preview = render_preview(spec)
    with _beating(job, claim):
        (asset,) = version_assets_store(
            version=version,
            files=[
                AssetFile(
                    kind=AssetKind.PREVIEW,
                    name="preview.mp3",
                    data=preview.mix_mp3(),
                    duration_s=preview.duration_s,
                )
            ],
        )
    _job_update(job, claim, preview_at=timezone.now())
    metrics.observe_preview(time.perf_counter() - started)
    events.generation_preview(
        version.beat.conversation_id,
        job=str(job.id),
        url=presenters.asset_url(asset, inline=True),
        duration_s=round(preview.duration_s, 3),
        description="drums and bass, looped",
    )


def _reuse_assets(job: GenerationJob, claim: str) -> Outcome | None:
    """Same spec rendered before in this beat (e.g. an edit undone by hand): reuse its files."""
    version = job.version
    source = (
        BeatVersion.objects.filter(beat_id=version.beat_id, spec_hash=version.spec_hash)
        .exclude(id=version.id)
        .filter(jobs__status=JobStatus.SUCCEEDED)
        .order_by("-number")
        .first()
    )
    if source is None or version.assets.filter(kind=AssetKind.MIX_MP3).exists():
        return None
    copies = [
        Asset(
            version=version,
            kind=a.kind,
            name=a.name,
            file=a.file.name,
            content_type=a.content_type,
            bytes=a.bytes,
            sha256=a.sha256,
            duration_s=a.duration_s,
        )
        for a in source.assets.exclude(kind=AssetKind.PREVIEW)
    ]
    if not copies:
        return None
    with transaction.atomic():
        _job_update(job, claim, stage="reusing", progress=90, heartbeat_at=timezone.now())
        Asset.objects.bulk_create(copies)
    return _succeed(job, claim, version, time.perf_counter(), version.duration_s)


# --- endings --------------------------------------------------------------------------------
def _succeed(
    job: GenerationJob, claim: str, version: BeatVersion, started: float, duration_s: float
) -> Outcome:
    with transaction.atomic():
        _job_update(
            job,
            claim,
            status=JobStatus.SUCCEEDED,
            stage="done",
            progress=100,
            finished_at=timezone.now(),
            error_code="",
            error_message="",
        )
        assets = list(version.assets.all())
        events.generation_completed(
            version.beat.conversation_id,
            job=str(job.id),
            version=presenters.version_to_dict(version),
            assets=presenters.asset_links(assets),
            duration_s=round(duration_s, 3),
            summary=presenters.spec_summary(version.spec),
        )
    metrics.observe_job_finished("succeeded", time.perf_counter() - started)
    return Outcome("succeeded")


def _finish(job: GenerationJob, claim: str, status: str, **fields: object) -> None:
    _job_update(job, claim, status=status, finished_at=timezone.now(), **fields)


def _fail(
    job: GenerationJob, claim: str, code: str, message: str, started: float, *, retryable: bool
) -> Outcome:
    try:
        _finish(job, claim, JobStatus.FAILED, error_code=code, error_message=message)
    except LostClaim:
        return Outcome("lost_claim")
    _previews_drop(job.version)
    events.generation_failed(
        job.version.beat.conversation_id,
        job=str(job.id),
        code=code,
        message=_public_message(code),
        retryable=retryable,
    )
    metrics.observe_job_finished("failed", time.perf_counter() - started, code)
    return Outcome("failed", code)


def _previews_drop(version: BeatVersion) -> None:
    """A failed render leaves no asset rows: drop the preview stored before the failure
    (its object after commit, unless another row uses it), unless the version was rendered
    by another job. Best effort: with the database or storage down the row or the object
    stays (the object is found by its beat prefix later)."""
    try:
        if GenerationJob.objects.filter(version=version, status=JobStatus.SUCCEEDED).exists():
            return
        with transaction.atomic():
            previews = list(Asset.objects.filter(version=version, kind=AssetKind.PREVIEW))
            Asset.objects.filter(id__in=[a.id for a in previews]).delete()
            names = {a.file.name for a in previews}
            still_used = set(Asset.objects.filter(file__in=names).values_list("file", flat=True))
            for name in names - still_used:
                transaction.on_commit(partial(storage_delete_quietly, name))
    except DatabaseError:
        logger.warning("version %s: preview of a failed render kept", version.id, exc_info=True)


def _retry_or_fail(
    job: GenerationJob, claim: str, code: str, message: str, started: float
) -> Outcome:
    attempts = (
        GenerationJob.objects.filter(id=job.id).values_list("attempts", flat=True).first() or 0
    )
    if attempts >= settings.GENERATION_MAX_ATTEMPTS:
        return _fail(job, claim, code, message, started, retryable=True)
    delay = RETRY_BASE_DELAY_S * 2 ** (attempts - 1)
    try:
        _job_update(
            job,
            claim,
            status=JobStatus.QUEUED,
            error_code=code,
            error_message=message,
            stage="waiting to retry",
            worker="",
        )
    except (LostClaim, DatabaseError):
        return Outcome("lost_claim")
    events.generation_retrying(
        job.version.beat.conversation_id,
        job=str(job.id),
        attempt=attempts + 1,
        delay_s=delay,
        code=code,
    )
    metrics.job_retried(code)
    _requeue(job.id, delay)
    return Outcome("retrying", code)


def _requeue(job_id: object, delay_s: float) -> None:
    from generation.tasks import render_job

    render_job.apply_async(args=[str(job_id)], countdown=delay_s)


_PUBLIC_MESSAGES = {
    "invalid_spec": "That beat description can't be rendered; try changing the last edit.",
    "storage_unavailable": "Our file storage is not answering; try again in a minute.",
    "database_unavailable": "Our database is not answering; try again in a minute.",
    "timeout": "The render took too long; try a shorter beat.",
    "internal_error": "Something went wrong while rendering; try again.",
    "worker_lost": "The render was interrupted too many times; try again.",
}


def _public_message(code: str) -> str:
    return _PUBLIC_MESSAGES.get(code, "The render failed; try again.")


# --- the reaper -----------------------------------------------------------------------------
def reap_stuck_jobs(
    *, now: object | None = None, requeue: Callable[[object, float], None] = _requeue
) -> int:
    """Re-queue running jobs whose worker stopped beating (or that outlived the hard limit);
    fail them after the attempt cap. Returns how many jobs were touched."""
    now = now or timezone.now()
    stale_beat = now - timedelta(seconds=heartbeat_stale_s())
    too_old = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 30)
    stuck = GenerationJob.objects.filter(
        Q(heartbeat_at__lt=stale_beat)
        | Q(heartbeat_at__isnull=True, started_at__lt=too_old)
        | Q(started_at__lt=too_old),
        status=JobStatus.RUNNING,
    ).select_related("version__beat")
    touched = 0
    for job in stuck:
        conversation_id = job.version.beat.conversation_id
        base = GenerationJob.objects.filter(id=job.id, status=JobStatus.RUNNING, worker=job.worker)
        if job.attempts >= settings.GENERATION_MAX_ATTEMPTS:
            if base.update(
                status=JobStatus.FAILED,
                error_code="worker_lost",
                finished_at=now,
                error_message="the worker stopped responding too many times",
            ):
                events.generation_failed(
                    conversation_id,
                    job=str(job.id),
                    code="worker_lost",
                    message=_public_message("worker_lost"),
                    retryable=True,
                )
                metrics.job_failed("worker_lost")
                touched += 1
        elif base.update(
            status=JobStatus.QUEUED, worker="", stage="waiting to retry", error_code="worker_lost"
        ):
            events.generation_retrying(
                conversation_id,
                job=str(job.id),
                attempt=job.attempts + 1,
                delay_s=0,
                code="worker_lost",
            )
            metrics.job_retried("worker_lost")
            requeue(job.id, 0)
            touched += 1
    return touched + _requeue_forgotten(now=now, requeue=requeue)


def _requeue_forgotten(*, now: object, requeue: Callable[[object, float], None]) -> int:
    """Queued jobs nobody has picked up for GENERATION_QUEUED_STALE_S get their task sent
    again: its message may be gone (a Redis without persistence restarted, or the task gave
    up waiting for the database). A duplicate is harmless: only one claim can win.
    ``heartbeat_at`` of a queued job remembers the last re-send, so each waits its turn."""
    stale = now - timedelta(seconds=settings.GENERATION_QUEUED_STALE_S)
    forgotten = GenerationJob.objects.filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, queued_at__lt=stale),
        status=JobStatus.QUEUED,
    ).values_list("id", flat=True)[:500]
    count = 0
    for job_id in forgotten:
        if GenerationJob.objects.filter(id=job_id, status=JobStatus.QUEUED).update(
            heartbeat_at=now
        ):
            requeue(job_id, 0)
            count += 1
    return count
