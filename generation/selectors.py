"""Reads for beats, versions, jobs and assets, always scoped to their owner."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404

from .models import ACTIVE_JOB_STATUSES, Asset, Beat, BeatVersion, GenerationJob, ShareLink


def beat_get(*, owner: AbstractBaseUser, beat_id: object) -> Beat:
    """The owner's beat, or Http404 (also for other users' ids)."""
    return get_object_or_404(
        Beat.objects.select_related("current_version"), id=beat_id, owner=owner
    )


def beat_for_conversation(*, conversation: object) -> Beat | None:
    """The beat the conversation's turns edit: the one most recently changed or picked in
    the beat switcher (every change of a beat moves its ``updated_at``)."""
    return (
        Beat.objects.filter(conversation=conversation)
        .select_related("current_version")
        .order_by("-updated_at", "-created_at")
        .first()
    )


def beats_for_conversation(*, conversation: object) -> QuerySet[Beat]:
    """Every beat of the conversation, oldest first: none is ever replaced or hidden."""
    return (
        Beat.objects.filter(conversation=conversation)
        .select_related("current_version")
        .order_by("created_at")
    )


def version_list(*, beat: Beat) -> QuerySet[BeatVersion]:
    return beat.versions.order_by("number")


def version_get(*, owner: AbstractBaseUser, version_id: object) -> BeatVersion:
    """The owner's version, or Http404 (also for other users' ids)."""
    return get_object_or_404(
        BeatVersion.objects.select_related("beat"), id=version_id, beat__owner=owner
    )


def asset_get(*, owner: AbstractBaseUser, asset_id: object) -> Asset:
    return get_object_or_404(
        Asset.objects.select_related("version__beat"), id=asset_id, version__beat__owner=owner
    )


def job_get(*, owner: AbstractBaseUser, job_id: object) -> GenerationJob:
    return get_object_or_404(
        GenerationJob.objects.select_related("version__beat"), id=job_id, owner=owner
    )


def active_job_counts_by_status() -> dict[str, int]:
    """Queued and running jobs: an index range scan each scrape. Finished jobs are counted by
    dawg_generation_jobs_finished_total instead of a count over the whole table."""
    counts = {str(status): 0 for status in ACTIVE_JOB_STATUSES}
    rows = (
        GenerationJob.objects.filter(status__in=ACTIVE_JOB_STATUSES)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    for status, n in rows:
        counts[status] = n
    return counts


@dataclass(frozen=True)
class StorageUsage:
    """What one user stores: bytes of every asset, and how many versions."""

    bytes: int
    versions: int


def storage_usage(*, owner_id: object) -> StorageUsage:
    stored = Asset.objects.filter(version__beat__owner_id=owner_id).aggregate(total=Sum("bytes"))
    return StorageUsage(
        bytes=int(stored["total"] or 0),
        versions=BeatVersion.objects.filter(beat__owner_id=owner_id).count(),
    )


class ShareGone(Exception):
    """The share link expired or was revoked (its page answers 410)."""


def share_get(*, token: str) -> ShareLink:
    """A share link anyone may open by its token; Http404 if unknown, ShareGone if dead."""
    from django.utils import timezone

    share = get_object_or_404(ShareLink.objects.select_related("version__beat"), token=token[:64])
    if share.revoked_at is not None or share.expires_at <= timezone.now():
        raise ShareGone(token)
    return share


def share_get_owned(*, owner: AbstractBaseUser, share_id: object) -> ShareLink:
    return get_object_or_404(ShareLink, id=share_id, version__beat__owner=owner)


def shares_for_conversation(*, conversation: object) -> QuerySet[ShareLink]:
    """The conversation's share links that still work, newest first."""
    from django.utils import timezone

    return (
        ShareLink.objects.filter(
            version__beat__conversation=conversation,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("version")
        .order_by("-created_at")
    )
