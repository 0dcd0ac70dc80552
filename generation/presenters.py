"""JSON shapes of beats, versions, jobs and assets, shared by events, the API and snapshots."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from .assets.urls import asset_download_url_or_none
from .models import Asset, AssetKind, Beat, BeatVersion, GenerationJob


def asset_url(asset: Asset, *, inline: bool = False) -> str:
    """A URL the owner's browser can fetch: presigned on S3, our checked view on disk."""
    presigned = asset_download_url_or_none(asset, inline=inline)
    if presigned:
        return presigned
    url = reverse("generation:asset-download", kwargs={"asset_id": asset.id})
    return f"{url}?inline=1" if inline else url


def asset_to_dict(asset: Asset) -> dict[str, Any]:
    return {
        "id": str(asset.id),
        "kind": asset.kind,
        "name": asset.name,
        "bytes": asset.bytes,
        "content_type": asset.content_type,
        "duration_s": asset.duration_s,
        "url": asset_url(asset),
        "stream_url": asset_url(asset, inline=True),
    }


def asset_links(assets: list[Asset]) -> dict[str, str]:
    """kind → URL for the single assets, ``stem:<track>`` for stems."""
    links: dict[str, str] = {}
    for asset in assets:
        if asset.kind == AssetKind.STEM:
            track = asset.name.removeprefix("stems-").rsplit(".", 1)[0]
            links[f"stem:{track}"] = asset_url(asset)
        elif asset.kind in (AssetKind.MIX_MP3, AssetKind.PEAKS, AssetKind.PREVIEW):
            links[asset.kind] = asset_url(asset, inline=True)
        else:
            links[asset.kind] = asset_url(asset)
    return links


def spec_summary(version: BeatVersion) -> str:
    """'F minor trap at 140 bpm, 0:55, 32 bars'."""
    seconds = round(version.duration_s)
    return (
        f"{version.key} {version.genre} at {version.bpm:g} bpm, "
        f"{seconds // 60}:{seconds % 60:02d}, {version.spec.get('bars')} bars"
    )


def version_to_dict(version: BeatVersion, *, with_assets: bool = False) -> dict[str, Any]:
    data = {
        "id": str(version.id),
        "beat": str(version.beat_id),
        "number": version.number,
        "parent": str(version.parent_id) if version.parent_id else None,
        # The stored inputs with the derived length beside them, as the studio reads them.
        "spec": {**version.spec, "duration_s": version.duration_s},
        "summary": spec_summary(version),
        "genre": version.genre,
        "bpm": version.bpm,
        "key": version.key,
        "duration_s": version.duration_s,
        "change_summary": version.change_summary,
        "created_at": version.created_at.isoformat(),
    }
    if with_assets:
        data["assets"] = [asset_to_dict(a) for a in version.assets.all()]
    return data


def job_to_dict(job: GenerationJob) -> dict[str, Any]:
    return {
        "id": str(job.id),
        "version": str(job.version_id),
        "status": job.status,
        "stage": job.stage,
        "progress": job.progress,
        "attempts": job.attempts,
        "error_code": job.error_code or None,
        "error_message": job.error_message or None,
        "queued_at": job.queued_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def beat_to_dict(beat: Beat) -> dict[str, Any]:
    versions = list(beat.versions.prefetch_related("assets").order_by("number"))
    return {
        "id": str(beat.id),
        "conversation": str(beat.conversation_id),
        "title": beat.title,
        "current_version": str(beat.current_version_id) if beat.current_version_id else None,
        "versions": [version_to_dict(v, with_assets=True) for v in versions],
    }
