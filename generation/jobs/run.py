"""What a worker does for one job: claim it, render in stages, store the assets, finish once.

Claim-then-work (claim.py) makes a duplicate or redelivered task a no-op while the job is
alive elsewhere; a job whose worker died (no heartbeat) is taken over, and the reaper
(reaper.py) re-queues jobs nobody is working on. Only the worker holding the claim can mark
the job finished (outcomes.py).
"""

from __future__ import annotations

import logging
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, transaction
from django.utils import timezone

from generation import presenters
from generation.assets.stems import (
    StemUpload,
    StorageStemCache,
    stem_object_save,
    stem_uploads_discard,
    version_stems_attach,
)
from generation.assets.store import AssetFile, StorageUnavailable, version_assets_store
from generation.engine import BeatSpec, SpecError, render_preview
from generation.engine.banks import BankChanged, BankMissing
from generation.engine.jobfiles import render_job_files
from generation.engine.presets import DRUM_TRACKS
from generation.models import (
    ENGINE_FILE_KINDS,
    Asset,
    AssetKind,
    BeatVersion,
    GenerationJob,
    JobStatus,
)
from generation.services import job_cancelled_announce
from generation.sound_banks import sound_banks
from infra.observability import metrics, request_context
from infra.realtime import events

from .claim import LostClaim, beating, claimed_update, job_claim, worker_identity
from .outcomes import Outcome, fail, finish, retry_or_fail, succeed

logger = logging.getLogger(__name__)

HEARTBEAT_EVERY_S = 1.0


class JobCancelled(Exception):
    pass


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
        conversation_id,
        job=str(job.id),
        version=presenters.version_to_dict(version),
        attempt=job.attempts,
    )
    started = time.perf_counter()
    try:
        reused = _reuse_assets(job, claim)
        outcome = reused or _render_and_store(job, claim, started)
    except JobCancelled:
        finish(job, claim, JobStatus.CANCELLED)
        job_cancelled_announce(job=job)
        metrics.observe_job_finished("cancelled", time.perf_counter() - started)
        return Outcome("cancelled")
    except LostClaim:
        logger.warning("job %s: taken over by another worker; dropping this attempt", job.id)
        return Outcome("lost_claim")
    except (BankMissing, BankChanged) as exc:
        return fail(
            job,
            claim,
            "bank_missing",
            f"this beat needs a sound bank: {exc}",
            started,
            retryable=False,
        )
    except SpecError as exc:
        return fail(
            job,
            claim,
            "invalid_spec",
            f"the beat's spec is invalid: {exc}",
            started,
            retryable=False,
        )
    except SoftTimeLimitExceeded:
        return fail(job, claim, "timeout", "the render took too long", started, retryable=True)
    except (StorageUnavailable, DatabaseError) as exc:
        code = (
            "storage_unavailable" if isinstance(exc, StorageUnavailable) else "database_unavailable"
        )
        return retry_or_fail(job, claim, code, str(exc)[:500], started)
    except Exception as exc:
        logger.exception("job %s: render failed", job.id)
        return fail(
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
    throttled here and only here (events ≤ 10/s, rows ≤ 1/s), cancel checked at every
    stage change."""

    def __init__(self, job: GenerationJob, claim: str) -> None:
        self.job, self.claim = job, claim
        self.conversation_id = job.version.beat.conversation_id
        self.stage = ""
        self.stage_started = time.perf_counter()
        self.last_row = 0.0
        self.last_event = float("-inf")

    def __call__(self, stage: str, percent: int) -> None:
        stage = _ui_stage(stage)
        now = time.perf_counter()
        if stage != self.stage:
            if self.stage:
                metrics.observe_stage(self.stage, now - self.stage_started)
            self._check_cancel()
            self.stage, self.stage_started = stage, now
            claimed_update(
                self.job, self.claim, stage=stage, progress=percent, heartbeat_at=timezone.now()
            )
            self.last_row = now
            events.generation_stage(
                self.conversation_id, job=str(self.job.id), stage=stage, progress=percent
            )
            return
        if now - self.last_row >= HEARTBEAT_EVERY_S:
            claimed_update(self.job, self.claim, progress=percent, heartbeat_at=timezone.now())
            self.last_row = now
        if percent < 100 and now - self.last_event < events.PROGRESS_MIN_INTERVAL_S:
            return
        self.last_event = now
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
    spec = version.beat_spec()
    report = _Reporter(job, claim)

    report("previewing", 1)
    _store_preview(job, claim, version, spec, started)

    def engine_progress(stage: str, fraction: float) -> None:
        report(stage, 3 + int(82 * min(1.0, max(0.0, fraction))))

    render_started = time.perf_counter()
    cache = StorageStemCache()
    made: list[StemUpload] = []

    def keep(name: str, data: bytes, key: str) -> StemUpload | bytes:
        # Runs on the encoder threads: storage only, no database.
        if not key:
            return data
        upload = stem_object_save(key=key, data=data)
        made.append(upload)
        return upload

    try:
        job_files = render_job_files(
            spec, stems=cache, sink=keep, progress=engine_progress, banks=sound_banks()
        )
        result = job_files.result
        render_seconds = time.perf_counter() - render_started
        metrics.observe_render_speed(result.duration_s, render_seconds)

        report("uploading", 88)
        files = _asset_files(job_files.files, result.duration_s)
        claimed_update(job, claim, heartbeat_at=timezone.now())
        with beating(job, claim), transaction.atomic():
            # One transaction: a failure leaves neither the stems nor the files attached.
            version_stems_attach(
                version=version,
                made={track: upload for track, (_key, upload) in job_files.stems.items()},
                reused={track: cache.hits[key] for track, key in job_files.reused.items()},
                samples=result.samples,
                rejected=cache.rejected,
                duration_s=result.duration_s,
            )
            version_assets_store(version=version, files=files)
    except BaseException:
        stem_uploads_discard(made)
        raise
    logger.info(
        "job %s: %d stems rendered, %d reused (%s)",
        job.id,
        len(job_files.stems),
        len(job_files.reused),
        ", ".join(job_files.reused) or "none",
    )
    metrics.storage_written(sum(len(f.data) for f in files) + sum(u.bytes for u in made))
    report.close()
    return succeed(job, claim, version, started, result.duration_s)


def _asset_files(files: dict[str, bytes], duration_s: float) -> list[AssetFile]:
    out = []
    for name, data in files.items():
        kind = ENGINE_FILE_KINDS.get(name, AssetKind.STEM if name.startswith("stems/") else None)
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
    preview = render_preview(spec, banks=sound_banks())
    with beating(job, claim):
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
    claimed_update(job, claim, preview_at=timezone.now())
    metrics.observe_preview(time.perf_counter() - started)
    events.generation_preview(
        version.beat.conversation_id,
        job=str(job.id),
        version=presenters.version_to_dict(version),
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
            stem_id=a.stem_id,
            reused=a.stem_id is not None,
        )
        for a in source.assets.exclude(kind=AssetKind.PREVIEW)
    ]
    if not copies:
        return None
    with transaction.atomic():
        claimed_update(job, claim, stage="reusing", progress=90, heartbeat_at=timezone.now())
        Asset.objects.bulk_create(copies)
    return succeed(job, claim, version, time.perf_counter(), version.duration_s)
