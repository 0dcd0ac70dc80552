"""Writes for beats, versions and jobs; enqueues renders after commit."""

from __future__ import annotations

import logging
import uuid
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from .engine.spec import BeatSpec
from .models import Beat, BeatVersion, GenerationJob, JobStatus

logger = logging.getLogger(__name__)


def beat_create(*, conversation: object, owner: AbstractBaseUser, title: str = "") -> Beat:
    return Beat.objects.create(conversation=conversation, owner=owner, title=title[:200])


def _enqueue_render(job_id: uuid.UUID) -> None:
    from .tasks import render_job

    render_job.delay(str(job_id))


@transaction.atomic
def version_create(
    *,
    beat: Beat,
    spec: BeatSpec,
    change_summary: str = "",
    created_by_message: object | None = None,
    parent: BeatVersion | None = None,
    render: bool = True,
) -> tuple[BeatVersion, GenerationJob | None]:
    """Write the next immutable version (parent: the current one), make it current, and
    queue its render once the transaction commits."""
    beat = Beat.objects.select_for_update().get(pk=beat.pk)
    parent = parent if parent is not None else beat.current_version
    number = (beat.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = BeatVersion.objects.create(
        beat=beat,
        number=number,
        parent=parent,
        spec=spec.to_dict(),
        spec_hash=spec.spec_hash(),
        genre=spec.genre,
        bpm=spec.bpm,
        key=spec.key.label(),
        duration_s=round(spec.duration_s, 3),
        change_summary=change_summary,
        created_by_message=created_by_message,
    )
    beat.current_version = version
    if not beat.title:
        beat.title = f"{spec.key.label()} {spec.genre} {spec.bpm:g} bpm"
    beat.save(update_fields=["current_version", "title", "updated_at"])
    job = None
    if render:
        job = job_create(version=version)
    return version, job


def job_create(*, version: BeatVersion, idempotency_key: str | None = None) -> GenerationJob:
    job = GenerationJob.objects.create(
        version=version,
        owner_id=version.beat.owner_id,
        idempotency_key=idempotency_key or f"render:{version.id}:{uuid.uuid4().hex}",
    )
    transaction.on_commit(partial(_enqueue_render, job.id))
    return job


def beat_set_current(*, beat: Beat, version: BeatVersion) -> Beat:
    if version.beat_id != beat.id:
        raise ValueError("that version belongs to another beat")
    beat.current_version = version
    beat.save(update_fields=["current_version", "updated_at"])
    return beat


def job_cancel(*, job: GenerationJob) -> bool:
    """Cancel a queued job now, or flag a running one to stop at its next stage."""
    now = timezone.now()
    if GenerationJob.objects.filter(id=job.id, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELLED, cancel_requested=True, finished_at=now
    ):
        return True
    return bool(
        GenerationJob.objects.filter(id=job.id, status=JobStatus.RUNNING).update(
            cancel_requested=True
        )
    )


def job_retry(*, job: GenerationJob) -> GenerationJob | None:
    """Re-queue a failed or cancelled job's version as a fresh job."""
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        return None
    with transaction.atomic():
        return job_create(version=job.version)


def job_bump_attempts(*, job_id: uuid.UUID) -> None:
    GenerationJob.objects.filter(id=job_id).update(attempts=F("attempts") + 1)
