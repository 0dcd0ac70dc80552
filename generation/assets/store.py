"""Asset files: stored with retries, all-or-nothing per version, deleted with their beat."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath

from django.db import transaction

from generation.engine.banks.licences import samples_txt
from generation.models import Asset, AssetKind, BeatVersion, asset_upload_to
from infra.storage.retry import (
    StorageUnavailable,
    content_type_for,
    download_name,
    storage_delete_prefix,
    storage_delete_quietly,
    storage_read_bytes,
    storage_save_bytes,
)

__all__ = [
    "AssetFile",
    "StorageUnavailable",
    "asset_download_name",
    "asset_file_save",
    "asset_read",
    "asset_store",
    "beat_prefix",
    "objects_delete_for_beat",
    "stems_zip_build",
    "stems_zip_get_or_create",
    "stems_zip_store",
    "version_assets_store",
    "version_download_name",
]

logger = logging.getLogger(__name__)

STEMS_ZIP_NAME = "stems.zip"
# Credits of the samples and SoundFonts a beat used (generation.engine.banks.licences).
SAMPLES_TXT_NAME = "SAMPLES.txt"
# Titles version_create gives a beat ("F minor trap 140 bpm"): the genre reads better.
_AUTO_TITLE = re.compile(r"^[A-G][#b]? (major|minor) .* \d+(\.\d+)? bpm$")
_ALREADY_COMPRESSED = {".mp3", ".zip", ".flac", ".ogg"}


@dataclass(frozen=True)
class AssetFile:
    """One rendered file waiting to be stored: ``name`` is its file name inside the version."""

    kind: str
    name: str
    data: bytes
    content_type: str = ""
    duration_s: float | None = None


def beat_prefix(beat_id: object) -> str:
    """The storage folder that holds every object of one beat: ``beats/<beat>``."""
    return f"beats/{beat_id}"


def version_download_name(version: BeatVersion, *, ext: str, suffix: str = "") -> str:
    """``dark-trap-140bpm-Fmin-v3.mp3`` for this version (title, else genre)."""
    title = (version.beat.title or "").strip()
    if not title or _AUTO_TITLE.match(title):
        title = version.genre.replace("_", " ")
    return download_name(
        title=title,
        bpm=version.bpm,
        key=version.key,
        version_number=version.number,
        ext=ext,
        suffix=suffix,
    )


def asset_download_name(asset: Asset) -> str:
    """The file name a user's download of this asset gets."""
    path = PurePosixPath(asset.name)
    ext = path.suffix.lstrip(".") or "bin"
    if asset.kind in (AssetKind.MIX_WAV, AssetKind.MIX_MP3, AssetKind.MIDI):
        suffix = ""
    elif asset.kind == AssetKind.STEMS_ZIP:
        suffix = "stems"
    elif asset.kind == AssetKind.PREVIEW:
        suffix = "preview"
    else:
        suffix = path.stem.removeprefix("stems-")
    return version_download_name(asset.version, ext=ext, suffix=suffix)


def asset_file_save(*, asset: Asset, filename: str, data: bytes) -> None:
    """Upload ``data`` for an unsaved ``asset`` (retried) and fill its file, bytes and sha256.

    The row is not saved: save it only after this returns, so a failed upload
    (StorageUnavailable) leaves nothing in the database pointing at a missing object.
    """
    asset.content_type = asset.content_type or content_type_for(filename)
    asset.bytes = len(data)
    asset.sha256 = hashlib.sha256(data).hexdigest()
    asset.name = asset.name or filename
    stored = storage_save_bytes(
        name=asset_upload_to(asset, filename),
        data=data,
        content_type=asset.content_type,
        download_filename=asset_download_name(asset),
        tags={"kind": asset.kind},
    )
    asset.file.name = stored


def asset_store(
    *,
    version: BeatVersion,
    kind: str,
    name: str,
    data: bytes,
    content_type: str = "",
    duration_s: float | None = None,
) -> Asset:
    """Upload one file, then write its Asset row (replacing an older one of the same name)."""
    return version_assets_store(
        version=version,
        files=[
            AssetFile(
                kind=kind, name=name, data=data, content_type=content_type, duration_s=duration_s
            )
        ],
    )[0]


def version_assets_store(*, version: BeatVersion, files: Sequence[AssetFile]) -> list[Asset]:
    """Upload every file (each retried), then write all Asset rows in one transaction.

    All or nothing: if any upload fails for good, the objects already uploaded are deleted
    and StorageUnavailable is raised with no row written. A re-run for the same version
    replaces its rows of the same names (their old objects are deleted after commit).
    """
    pending: list[Asset] = []
    try:
        for item in files:
            asset = Asset(
                version=version,
                kind=item.kind,
                name=item.name,
                content_type=item.content_type,
                duration_s=item.duration_s,
            )
            asset_file_save(asset=asset, filename=item.name, data=item.data)
            pending.append(asset)
    except BaseException:
        for asset in pending:
            storage_delete_quietly(asset.file.name)
        raise
    try:
        with transaction.atomic():
            replaced = list(
                Asset.objects.filter(version=version, name__in=[a.name for a in pending])
            )
            Asset.objects.filter(id__in=[old.id for old in replaced]).delete()
            Asset.objects.bulk_create(pending)
            # A version that reuses another's files (same spec) shares their objects: delete
            # an object only when no row references it any more.
            still_used = set(
                Asset.objects.filter(file__in=[old.file.name for old in replaced]).values_list(
                    "file", flat=True
                )
            )
            for name in {old.file.name for old in replaced} - still_used:
                transaction.on_commit(partial(storage_delete_quietly, name))
    except BaseException:
        for asset in pending:
            storage_delete_quietly(asset.file.name)
        raise
    return pending


def asset_read(asset: Asset) -> bytes:
    """The asset's bytes (retried on transient errors)."""
    return storage_read_bytes(asset.file.name)


def stems_zip_build(version: BeatVersion) -> bytes:
    """One ZIP with every stem and the MIDI of ``version``, named for the user's disk, and
    ``SAMPLES.txt`` (samples, licences, sources) when the beat uses a sound bank."""
    assets = list(
        Asset.objects.filter(version=version, kind__in=[AssetKind.STEM, AssetKind.MIDI])
        .select_related("version__beat")
        .order_by("kind", "name")
    )
    if not assets:
        raise ValueError(f"version {version.id} has no stems or MIDI to bundle")
    folder = version_download_name(version, ext="zip", suffix="stems").removesuffix(".zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for asset in assets:
            is_compressed = PurePosixPath(asset.name).suffix.lower() in _ALREADY_COMPRESSED
            archive.writestr(
                f"{folder}/{asset_download_name(asset)}",
                asset_read(asset),
                compress_type=zipfile.ZIP_STORED if is_compressed else zipfile.ZIP_DEFLATED,
            )
        credits = samples_txt(version.beat_spec())
        if credits is not None:
            archive.writestr(f"{folder}/{SAMPLES_TXT_NAME}", credits, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def stems_zip_store(*, version: BeatVersion) -> Asset:
    """Build the stems bundle and store it as the version's ``stems_zip`` asset."""
    return asset_store(
        version=version,
        kind=AssetKind.STEMS_ZIP,
        name=STEMS_ZIP_NAME,
        data=stems_zip_build(version),
        content_type="application/zip",
    )


def stems_zip_get_or_create(*, version: BeatVersion) -> Asset:
    """The version's stems bundle, built and stored on first request."""
    existing = (
        Asset.objects.filter(version=version, kind=AssetKind.STEMS_ZIP)
        .select_related("version__beat")
        .first()
    )
    return existing or stems_zip_store(version=version)


def objects_delete_for_beat(beat_id: uuid.UUID | str) -> int:
    """Delete every stored object under ``beats/<beat>/``; returns how many went."""
    deleted = storage_delete_prefix(beat_prefix(beat_id))
    logger.info("storage: deleted %d objects of beat %s", deleted, beat_id)
    return deleted


def _objects_delete_quietly(beat_id: str) -> None:
    try:
        objects_delete_for_beat(beat_id)
    except Exception:
        # Rows are gone; leftover objects cost cents and are found by their prefix later.
        logger.exception("storage: could not delete the objects of beat %s", beat_id)


def beat_objects_delete_on_commit(beat_id: uuid.UUID | str) -> None:
    """Schedule the deletion of a beat's objects for after the current transaction commits."""
    transaction.on_commit(partial(_objects_delete_quietly, str(beat_id)))
