"""JSON shapes of beats, versions, jobs and assets, shared by events, the API and snapshots."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from .assets.media import reverb_missing, stem_fader_db, stem_track, version_stems
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


def version_wav_url(version_id: object) -> str:
    """The version's WAV download: stored on its first request (generation.jobs.mixwav)."""
    return reverse("generation:version-media", kwargs={"version_id": version_id, "kind": "wav"})


def asset_links(assets: list[Asset]) -> dict[str, str]:
    """kind → URL for the single assets, ``stem:<track>`` for stems. A rendered version
    without a stored WAV links the download that makes it."""
    links: dict[str, str] = {}
    kinds = {asset.kind for asset in assets}
    if AssetKind.MIX_MP3 in kinds and AssetKind.MIX_WAV not in kinds:
        links[AssetKind.MIX_WAV] = version_wav_url(assets[0].version_id)
    for asset in assets:
        if asset.kind == AssetKind.STEM:
            links[f"stem:{stem_track(asset)}"] = asset_url(asset)
        elif asset.kind in (AssetKind.MIX_MP3, AssetKind.PEAKS, AssetKind.PREVIEW):
            links[asset.kind] = asset_url(asset, inline=True)
        else:
            links[asset.kind] = asset_url(asset)
    return links


def stem_list(version: BeatVersion) -> list[dict[str, Any]]:
    """The version's stems for the mixer: track, one URL to stream it, its format and size,
    and ``fader_db``, the level to play it at (a pre-fader stem's track ``gain_db``; 0 for
    stems with their fader in them). A reverb return not made yet is listed too: its URL
    makes it (``bytes`` None)."""
    spec = version.beat_spec()
    listed = [
        {
            "track": stem_track(asset),
            "url": reverse(
                "generation:version-stem",
                kwargs={"version_id": version.id, "track": stem_track(asset)},
            )
            + "?inline=1",
            "content_type": asset.content_type,
            "bytes": asset.bytes,
            "fader_db": stem_fader_db(asset, spec),
        }
        for asset in version_stems(version=version)
    ]
    if reverb_missing(version=version):
        url = reverse(
            "generation:version-stem", kwargs={"version_id": version.id, "track": "reverb"}
        )
        listed.append(
            {
                "track": "reverb",
                "url": f"{url}?inline=1",
                "content_type": "audio/flac",
                "bytes": None,
                "fader_db": 0.0,
            }
        )
    return listed


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
        "label": version.label,
        "duration_s": version.duration_s,
        "change_summary": version.change_summary,
        # The chat message that made it: the tab that sent that message autoplays it.
        "created_by_message": (
            str(version.created_by_message_id) if version.created_by_message_id else None
        ),
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


def beat_title(beat: Beat) -> str:
    """The name a beat shows: the user's title, else its current version's label."""
    if beat.title:
        return beat.title
    return beat.current_version.label if beat.current_version_id else "New beat"


def beat_snapshot(
    beat: Beat, *, with_assets_of: object = None, versions: list[BeatVersion] | None = None
) -> dict[str, Any]:
    """A beat and all its versions for the studio (assets of the current version only).

    ``versions``: the beat's versions by number, with their assets prefetched, when the
    caller read them for several beats at once (chat.selectors.conversation_snapshot)."""
    with_assets_of = with_assets_of or beat.current_version_id
    if versions is None:
        versions = list(beat.versions.prefetch_related("assets").order_by("number"))
    return {
        "id": str(beat.id),
        "title": beat.title,
        "name": beat_title(beat),
        "created_at": beat.created_at.isoformat(),
        "current_version": str(beat.current_version_id) if beat.current_version_id else None,
        "versions": [version_to_dict(v, with_assets=v.id == with_assets_of) for v in versions],
    }


def beat_to_dict(beat: Beat) -> dict[str, Any]:
    versions = list(beat.versions.prefetch_related("assets").order_by("number"))
    return {
        "id": str(beat.id),
        "conversation": str(beat.conversation_id),
        "title": beat.title,
        "name": beat_title(beat),
        "current_version": str(beat.current_version_id) if beat.current_version_id else None,
        "versions": [version_to_dict(v, with_assets=True) for v in versions],
    }
