"""Reads for beats, versions, jobs and assets, always scoped to their owner."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ACTIVE_JOB_STATUSES, Asset, Beat, BeatVersion, GenerationJob


def beat_get(*, owner: AbstractBaseUser, beat_id: object) -> Beat:
    """The owner's beat, or Http404 (also for other users' ids)."""
    return get_object_or_404(
        Beat.objects.select_related("current_version"), id=beat_id, owner=owner
    )


def beat_for_conversation(*, conversation: object) -> Beat | None:
    return (
        Beat.objects.filter(conversation=conversation)
        .select_related("current_version")
        .order_by("-created_at")
        .first()
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


def active_job_count(*, owner: AbstractBaseUser) -> int:
    return GenerationJob.objects.filter(owner=owner, status__in=ACTIVE_JOB_STATUSES).count()
