"""Writes for beats, versions and jobs; events and render enqueues happen after commit."""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from infra.realtime import events

from . import presenters
from .engine.spec import BeatSpec
from .jobs.queue import lossless_build_send, render_enqueue
from .models import (
    ACTIVE_JOB_STATUSES,
    Asset,
    AssetKind,
    Beat,
    BeatVersion,
    GenerationJob,
    JobStatus,
    ShareLink,
)
from .signals import render_cancelled
from .sound_banks import spec_for_new_beat, spec_with_banks

logger = logging.getLogger(__name__)


class TooManyActiveJobs(Exception):
    """The user already has the maximum number of renders queued or running."""

    code = "too_many_jobs"

    def __init__(self, limit: int, retry_after: int = 10, *, needed: int = 1) -> None:
        if needed > limit:
            message = f"that needs {needed} renders at once; at most {limit} can run together"
        else:
            message = f"you already have {limit} beats rendering; try again when one finishes"
        super().__init__(message)
        self.retry_after = retry_after


def owner_lock(*, owner_id: object) -> None:
    """Lock the user's row until the transaction ends: limits counted after this (active
    renders, messages a minute) cannot be raced by parallel turns of the same user.

    PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite ignores it, but its transactions here are
    IMMEDIATE (settings), so a second writer already waits at BEGIN.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("owner_lock needs a transaction")
    get_user_model().objects.select_for_update().filter(pk=owner_id).values_list("pk").first()


def jobs_limit_check(*, owner: AbstractBaseUser, needed: int = 1) -> None:
    """Raise :class:`TooManyActiveJobs` when ``needed`` more renders would pass the cap.
    Authoritative only under :func:`owner_lock` in the transaction that inserts the jobs."""
    limit = settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER
    active = GenerationJob.objects.filter(owner=owner, status__in=ACTIVE_JOB_STATUSES).count()
    if active + needed > limit:
        raise TooManyActiveJobs(limit, needed=needed)


class QuotaExceeded(Exception):
    """The user's storage quota (bytes or versions) has no room for this turn's renders."""

    code = "quota_exceeded"


# A render stores a 16-bit 44.1 kHz stereo WAV of the mix and of every enabled track's stem,
# the MP3 (≤ 320 kb/s) and small files: the estimate the byte quota is checked against
# before the render (the real sizes count once stored).
WAV_BYTES_PER_S = 44_100 * 2 * 2
MP3_BYTES_PER_S = 40_000


def estimated_render_bytes(spec: BeatSpec) -> int:
    streams = 1 + len(spec.enabled_tracks())
    return int(spec.duration_s * (WAV_BYTES_PER_S * streams + MP3_BYTES_PER_S)) + 64 * 1024


def _megabytes(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n < 1e9 else f"{n / 1e9:,.2f} GB"


def quota_check(*, owner_id: object, specs: list[BeatSpec]) -> None:
    """Raise :class:`QuotaExceeded` when ``specs``' versions and estimated files do not fit
    USER_QUOTA_VERSIONS / USER_QUOTA_BYTES. Authoritative under :func:`owner_lock`."""
    from .selectors import storage_usage

    usage = storage_usage(owner_id=owner_id)
    if usage.versions + len(specs) > settings.USER_QUOTA_VERSIONS:
        raise QuotaExceeded(
            f"you have {usage.versions} of {settings.USER_QUOTA_VERSIONS} versions; "
            "this turn would pass your quota, so nothing was made"
        )
    needed = sum(estimated_render_bytes(spec) for spec in specs)
    if usage.bytes + needed > settings.USER_QUOTA_BYTES:
        raise QuotaExceeded(
            f"your beats use {_megabytes(usage.bytes)} of {_megabytes(settings.USER_QUOTA_BYTES)}"
            f" and this render needs about {_megabytes(needed)}: it does not fit your quota,"
            " so nothing was made (a shorter beat needs less)"
        )


def jobs_room(*, owner: AbstractBaseUser) -> int:
    """How many more renders ``owner`` may start now (the per-user active-jobs limit)."""
    limit = settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER
    active = GenerationJob.objects.filter(owner=owner, status__in=ACTIVE_JOB_STATUSES).count()
    return max(0, limit - active)


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
    # No title is written here: an untitled beat is named after its current version
    # (presenters.beat_title), so the name follows the beat until the user renames it.
    beat.save(update_fields=["current_version", "updated_at"])
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
        version=presenters.version_to_dict(job.version),
        position=queue_position(job=job),
    )


@transaction.atomic
def beat_set_current(*, beat: Beat, version: BeatVersion, reason: str = "restore") -> Beat:
    """Point the beat at an existing version (undo, redo, restore); nothing is rendered.
    The beat becomes the conversation's beat being edited (its ``updated_at`` moves)."""
    if version.beat_id != beat.id:
        raise ValueError("that version belongs to another beat")
    beat.current_version = version
    beat.save(update_fields=["current_version", "updated_at"])
    events.beat_current_changed(
        beat.conversation_id,
        beat=str(beat.id),
        version=presenters.version_to_dict(version),
        reason=reason,
    )
    return beat


def beat_select(*, beat: Beat) -> Beat:
    """The beat switcher: make ``beat`` the one the conversation's turns edit (nothing else
    changes); announced like a restore of its current version, with reason ``select``."""
    if beat.current_version is None:
        beat.save(update_fields=["updated_at"])
        return beat
    return beat_set_current(beat=beat, version=beat.current_version, reason="select")


def beat_rename(*, beat: Beat, title: str) -> Beat:
    """A title the user chose; an empty one lets the name follow the beat again."""
    beat.title = " ".join(title.split())[:200]
    beat.save(update_fields=["title"])
    events.beat_updated(beat.conversation_id, beat=str(beat.id), title=beat.title)
    return beat


def beat_delete(*, beat: Beat) -> None:
    """Delete the beat, its versions, jobs and asset rows; its stored objects go after commit
    (generation.signals). Renders still running stop at their next stage."""
    conversation_id, beat_id = beat.conversation_id, str(beat.id)
    with transaction.atomic():
        GenerationJob.objects.filter(version__beat=beat, status__in=ACTIVE_JOB_STATUSES).update(
            cancel_requested=True
        )
        beat.delete()
        events.beat_deleted(conversation_id, beat=beat_id)


def version_rendered(version: BeatVersion) -> bool:
    return version.assets.filter(kind=AssetKind.MIX_MP3).exists()


# The first WAV download, stems ZIP or mixer load of a version waits this long for a worker
# to mix and master it again from its stems (~0.5 s of CPU for 3 minutes; renders queued
# ahead of it add their time).
LOSSLESS_WAIT_S = 30.0
LOSSLESS_POLL_S = 0.1
_LOSSLESS_LOCK_S = 60  # one build request per version in flight


class LosslessPending(Exception):
    """The version's lossless files are being made and were not ready within the wait."""

    retry_after = 2


def version_lossless_get(*, version: BeatVersion, wait_s: float | None = None) -> Asset | None:
    """The version's WAV asset, its lossless files (WAV, reverb return) made from its stems
    on first request; never a partial file.

    None when the version is not rendered (no MP3, or no stored stems: nothing to make them
    from). Else the stored WAV, or a build is put on the render queue (once per version at a
    time) and awaited up to ``wait_s`` (default LOSSLESS_WAIT_S): rows exist only after
    their uploads completed, and the WAV's row is written with the reverb's, so a WAV
    returned means both are whole. LosslessPending if the wait ran out.
    """

    asset = version.newest_asset(AssetKind.MIX_WAV)
    if asset is not None or not version_rendered(version):
        return asset
    if not version.assets.filter(kind=AssetKind.STEM, stem__isnull=False).exists():
        return None  # no stored stems to make them from
    lock = f"generation:lossless-build:{version.id}"
    if cache.add(lock, 1, timeout=_LOSSLESS_LOCK_S):
        lossless_build_send(str(version.id))
    deadline = time.monotonic() + (LOSSLESS_WAIT_S if wait_s is None else wait_s)
    while (asset := version.newest_asset(AssetKind.MIX_WAV)) is None:
        if time.monotonic() >= deadline:
            cache.delete(lock)  # the next ask sends again
            raise LosslessPending(str(version.id))
        time.sleep(LOSSLESS_POLL_S)
    return asset


def job_cancelled_announce(*, job: GenerationJob) -> BeatVersion | None:
    """After a render was cancelled: say so, and if its version is the beat's current one and
    never rendered, put the nearest rendered ancestor (else the parent) back as current, so
    header, chips and downloads never show a spec that has no audio. Returns the version
    made current (None: nothing changed); ``render_cancelled`` tells the chat."""
    version = BeatVersion.objects.select_related("beat").get(id=job.version_id)
    beat = version.beat
    events.generation_cancelled(
        beat.conversation_id, job=str(job.id), version=presenters.version_to_dict(version)
    )
    restored = None
    with transaction.atomic():
        beat = Beat.objects.select_for_update().get(pk=beat.pk)
        if beat.current_version_id == version.id and not version_rendered(version):
            target = version.parent
            while target is not None and not version_rendered(target):
                target = target.parent
            restored = target or version.parent
            if restored is not None:
                beat_set_current(beat=beat, version=restored, reason="cancel")
        render_cancelled.send(sender=GenerationJob, job=job, version=version, restored=restored)
    return restored


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
    if GenerationJob.objects.filter(id=job.id, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELLED, cancel_requested=True, finished_at=now
    ):
        job_cancelled_announce(job=job)
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
    # "undo twice": how many steps an undo/redo actually walked (fewer when history ran out).
    steps: int = 0


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
    steps: int = 1,
) -> BeatChange:
    """The one call a chat turn makes into generation. ``create``: a new beat (also the first
    turn of ``modify``) and its first version; ``modify``: the next version of ``beat``; both
    queue a render after commit. ``undo``/``redo``: make the parent (or the newest child, or
    version ``restore_number``) current, nothing rendered; ``steps`` walks that many parents (or
    newest children) at once, as far as the history goes."""
    if kind in ("create", "modify"):
        if spec is None:
            raise ValueError(f"{kind} needs a spec")
        # Counted under the owner's lock, in the transaction that inserts the jobs.
        owner_lock(owner_id=owner.pk)
        jobs_limit_check(owner=owner, needed=1 + len(variations))
        quota_check(owner_id=owner.pk, specs=[spec, *variations])
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
    walked = 1
    if restore_number:
        target = beat.versions.filter(number=restore_number).first()
    elif kind == "undo":
        target = version_for_undo(beat=beat)
        while target is not None and walked < steps and target.parent is not None:
            target, walked = target.parent, walked + 1
    else:
        target = version_for_redo(beat=beat)
        while target is not None and walked < steps:
            child = beat.versions.filter(parent=target).order_by("-number").first()
            if child is None:
                break
            target, walked = child, walked + 1
    if target is None:
        return BeatChange(beat=beat)
    beat_set_current(beat=beat, version=target, reason="restore" if restore_number else kind)
    return BeatChange(beat=beat, version=target, steps=walked)


# What the owner may pick for a share link's life, in hours.
SHARE_EXPIRY_HOURS = (1, 24, 24 * 7, 24 * 30)


def share_create(*, version: BeatVersion, hours: int, allow_download: bool) -> ShareLink:
    """A read-only link to ``version`` for anyone who has it, for ``hours``."""
    if hours not in SHARE_EXPIRY_HOURS:
        raise ValueError(f"a share link lasts {', '.join(map(str, SHARE_EXPIRY_HOURS))} hours")
    return ShareLink.objects.create(
        version=version,
        allow_download=allow_download,
        expires_at=timezone.now() + timedelta(hours=hours),
    )


def share_revoke(*, share: ShareLink) -> ShareLink:
    """The link stops working at once (its page answers 410)."""
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share
