"""Writes for beats, versions and jobs; events and render enqueues happen after commit."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from infra.realtime import events

from . import presenters
from .engine.spec import BeatSpec
from .jobs.queue import render_enqueue
from .models import ACTIVE_JOB_STATUSES, Beat, BeatVersion, GenerationJob, JobStatus, beat_label
from .sound_banks import spec_for_new_beat, spec_with_banks

logger = logging.getLogger(__name__)


class TooManyActiveJobs(Exception):
    """The user already has the maximum number of renders queued or running."""

    code = "too_many_jobs"

    def __init__(self, limit: int, retry_after: int = 10) -> None:
        super().__init__(f"you already have {limit} beats rendering; try again when one finishes")
        self.retry_after = retry_after


def jobs_limit_check(*, owner: AbstractBaseUser) -> None:
    limit = settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER
    if GenerationJob.objects.filter(owner=owner, status__in=ACTIVE_JOB_STATUSES).count() >= limit:
        raise TooManyActiveJobs(limit)


def beat_create(*, conversation: object, owner: AbstractBaseUser, title: str = "") -> Beat:
    return Beat.objects.create(conversation=conversation, owner=owner, title=title[:200])


@transaction.atomic
def version_create(
    *,
    beat: Beat,
    spec: BeatSpec,
    change_summary: str = "",
    created_by_message: object | None = None,
    sibling_of: BeatVersion | None = None,
) -> tuple[BeatVersion, GenerationJob]:
    """Write the next immutable version (parent: the current one, or ``sibling_of``'s parent
    for a variation), make it current, and queue its render once the transaction commits."""
    version = version_write(
        beat=beat,
        spec=spec,
        change_summary=change_summary,
        created_by_message=created_by_message,
        sibling_of=sibling_of,
    )
    return version, job_create(version=version)


@transaction.atomic
def version_write(
    *,
    beat: Beat,
    spec: BeatSpec,
    change_summary: str = "",
    created_by_message: object | None = None,
    sibling_of: BeatVersion | None = None,
) -> BeatVersion:
    """The version half of :func:`version_create`: the row, made current, announced; no job.

    The stored spec records the installed version of each sound bank it uses."""
    spec = spec_with_banks(spec)
    beat = Beat.objects.select_for_update().get(pk=beat.pk)
    parent = sibling_of.parent if sibling_of is not None else beat.current_version
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
        beat.title = beat_label(key=spec.key.label(), genre=spec.genre, bpm=spec.bpm)
    beat.save(update_fields=["current_version", "title", "updated_at"])
    events.beat_version_created(
        beat.conversation_id, beat=str(beat.id), version=presenters.version_to_dict(version)
    )
    return version


def job_create(*, version: BeatVersion) -> GenerationJob:
    """A queued render of ``version``; announced, then sent to a worker, after commit. A chat
    turn is made idempotent by its client_msg_id, so a resend never reaches this twice."""
    job = GenerationJob.objects.create(version=version, owner_id=version.beat.owner_id)
    conversation_id = version.beat.conversation_id
    # Announce before enqueueing: a fast worker would otherwise start it first.
    transaction.on_commit(partial(_announce_queued, conversation_id, job.id))
    render_enqueue(job.id)
    return job


def queue_position(*, job: GenerationJob) -> int:
    return GenerationJob.objects.filter(
        status=JobStatus.QUEUED, queued_at__lt=job.queued_at
    ).count()


def _announce_queued(conversation_id: uuid.UUID, job_id: uuid.UUID) -> None:
    job = GenerationJob.objects.filter(id=job_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return
    events.generation_queued(
        conversation_id,
        job=str(job.id),
        version=str(job.version_id),
        position=queue_position(job=job),
    )


@transaction.atomic
def beat_set_current(*, beat: Beat, version: BeatVersion) -> Beat:
    """Point the beat at an existing version (undo, redo, restore); nothing is rendered."""
    if version.beat_id != beat.id:
        raise ValueError("that version belongs to another beat")
    beat.current_version = version
    beat.save(update_fields=["current_version", "updated_at"])
    events.beat_current_changed(
        beat.conversation_id, beat=str(beat.id), version=presenters.version_to_dict(version)
    )
    return beat


def version_for_undo(*, beat: Beat) -> BeatVersion | None:
    current = beat.current_version
    return current.parent if current is not None else None


def version_for_redo(*, beat: Beat) -> BeatVersion | None:
    """The newest child of the current version: what the last undo stepped back from."""
    if beat.current_version_id is None:
        return None
    return beat.versions.filter(parent_id=beat.current_version_id).order_by("-number").first()


def job_cancel(*, job: GenerationJob) -> bool:
    """Cancel a queued job now, or flag a running one to stop at its next stage."""
    now = timezone.now()
    conversation_id = job.version.beat.conversation_id
    if GenerationJob.objects.filter(id=job.id, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELLED, cancel_requested=True, finished_at=now
    ):
        events.generation_cancelled(conversation_id, job=str(job.id))
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


@dataclass(frozen=True)
class BeatChange:
    """What one chat turn did to the conversation's beat: ``version`` is the new or now-current
    version (None: nothing to undo or redo), ``job`` its render when one was queued."""

    beat: Beat | None
    version: BeatVersion | None = None
    job: GenerationJob | None = None
    # "give me 3 variations": the versions after the first, siblings of it (same parent).
    variations: tuple[tuple[BeatVersion, GenerationJob], ...] = ()


@transaction.atomic
def beat_apply(
    *,
    kind: str,
    conversation: object,
    owner: AbstractBaseUser,
    beat: Beat | None,
    spec: BeatSpec | None = None,
    change_summary: str = "",
    created_by_message: object | None = None,
    restore_number: int | None = None,
    variations: tuple[BeatSpec, ...] = (),
) -> BeatChange:
    """The one call a chat turn makes into generation. ``create``: a new beat (also the first
    turn of ``modify``) and its first version; ``modify``: the next version of ``beat``; both
    queue a render after commit. ``undo``/``redo``: make the parent (or the newest child, or
    version ``restore_number``) current, nothing rendered."""
    if kind in ("create", "modify"):
        if spec is None:
            raise ValueError(f"{kind} needs a spec")
        if beat is None or kind == "create":
            beat = beat_create(conversation=conversation, owner=owner)
            # A new beat takes its genre's sampled voices where the banks are installed.
            spec = spec_for_new_beat(spec)
            variations = tuple(spec_for_new_beat(v) for v in variations)
        version, job = version_create(
            beat=beat,
            spec=spec,
            change_summary=change_summary,
            created_by_message=created_by_message,
        )
        siblings = tuple(
            version_create(
                beat=beat,
                spec=variation,
                change_summary=f"variation {number} (new seed)",
                created_by_message=created_by_message,
                sibling_of=version,
            )
            for number, variation in enumerate(variations, start=2)
        )
        return BeatChange(beat=beat, version=version, job=job, variations=siblings)
    if kind not in ("undo", "redo"):
        raise ValueError(f"unknown beat change {kind!r}")
    if beat is None:
        return BeatChange(beat=None)
    if restore_number:
        target = beat.versions.filter(number=restore_number).first()
    elif kind == "undo":
        target = version_for_undo(beat=beat)
    else:
        target = version_for_redo(beat=beat)
    if target is None:
        return BeatChange(beat=beat)
    beat_set_current(beat=beat, version=target)
    return BeatChange(beat=beat, version=target)
