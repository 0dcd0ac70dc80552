"""How a claimed job ends: succeeded, failed (with a public message) or queued again to retry."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from generation import presenters
from generation.models import Asset, AssetKind, BeatVersion, GenerationJob, JobStatus
from infra.observability import metrics
from infra.realtime import events
from infra.storage.retry import storage_delete_quietly

from .claim import LostClaim, claimed_update
from .queue import render_enqueue

logger = logging.getLogger(__name__)

RETRY_BASE_DELAY_S = 2.0


@dataclass(frozen=True)
class Outcome:
    status: str
    detail: str = ""


def succeed(
    job: GenerationJob, claim: str, version: BeatVersion, started: float, duration_s: float
) -> Outcome:
    with transaction.atomic():
        claimed_update(
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
            summary=presenters.spec_summary(version),
        )
    metrics.observe_job_finished("succeeded", time.perf_counter() - started)
    return Outcome("succeeded")


def finish(job: GenerationJob, claim: str, status: str, **fields: object) -> None:
    claimed_update(job, claim, status=status, finished_at=timezone.now(), **fields)


def fail(
    job: GenerationJob, claim: str, code: str, message: str, started: float, *, retryable: bool
) -> Outcome:
    try:
        finish(job, claim, JobStatus.FAILED, error_code=code, error_message=message)
    except LostClaim:
        return Outcome("lost_claim")
    _previews_drop(job.version)
    events.generation_failed(
        job.version.beat.conversation_id,
        job=str(job.id),
        version=presenters.version_to_dict(job.version),
        code=code,
        message=public_message(code),
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


def retry_or_fail(
    job: GenerationJob, claim: str, code: str, message: str, started: float
) -> Outcome:
    attempts = (
        GenerationJob.objects.filter(id=job.id).values_list("attempts", flat=True).first() or 0
    )
    if attempts >= settings.GENERATION_MAX_ATTEMPTS:
        return fail(job, claim, code, message, started, retryable=True)
    delay = RETRY_BASE_DELAY_S * 2 ** (attempts - 1)
    try:
        claimed_update(
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
    render_enqueue(job.id, delay)
    return Outcome("retrying", code)


_PUBLIC_MESSAGES = {
    "invalid_spec": "That beat description can't be rendered; try changing the last edit.",
    "storage_unavailable": "Our file storage is not answering; try again in a minute.",
    "database_unavailable": "Our database is not answering; try again in a minute.",
    "timeout": "The render took too long; try a shorter beat.",
    "internal_error": "Something went wrong while rendering; try again.",
    "worker_lost": "The render was interrupted too many times; try again.",
}


def public_message(code: str) -> str:
    return _PUBLIC_MESSAGES.get(code, "The render failed; try again.")
