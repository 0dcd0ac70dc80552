"""A version's lossless files, made when a download first asks: mix and master again from its stems.

Versions store no lossless mix (32 MB for 3 minutes) and no reverb return (16 MB), both
rewritten by every edit: the stems are stored on the 24-bit grid they are mixed at, so
mixing and mastering them again gives the master the version's MP3 was encoded from, and
the same reverb return, byte for byte. The first WAV download, stems ZIP or mixer load
puts this on the render queue and waits for it (``generation.services.version_lossless_get``);
later downloads are served the stored files like any other.
"""

from __future__ import annotations

import logging
import time

from generation.assets.media import REVERB_NAME
from generation.assets.stems import StorageStemCache
from generation.assets.store import AssetFile, version_assets_store
from generation.engine.jobfiles import render_lossless
from generation.models import Asset, AssetKind, BeatVersion
from generation.sound_banks import sound_banks
from infra.observability import metrics

__all__ = ["version_lossless_build"]

logger = logging.getLogger(__name__)


def version_lossless_build(version_id: str) -> Asset | None:
    """Store ``mix.wav`` and the reverb return of a rendered version, in one go (idempotent).

    Returns the WAV asset (its row is written in the same transaction as the reverb's, so a
    stored WAV means both are there); None if the version has no MP3 yet.
    """
    version = BeatVersion.objects.select_related("beat").filter(id=version_id).first()
    if version is None:
        return None
    stored = version.newest_asset(AssetKind.MIX_WAV)
    if stored is not None:
        return stored
    if not version.assets.filter(kind=AssetKind.MIX_MP3).exists():
        return None  # not rendered (yet): nothing to make them from
    started = time.perf_counter()
    cache = StorageStemCache()
    files = render_lossless(version.beat_spec(), stems=cache, banks=sound_banks())
    assets = version_assets_store(
        version=version,
        files=[
            AssetFile(
                kind=AssetKind.MIX_WAV if name == "mix.wav" else AssetKind.STEM,
                name=REVERB_NAME if name == "stems/reverb.flac" else name,
                data=data,
                duration_s=version.duration_s,
            )
            for name, data in files.items()
        ],
    )
    metrics.storage_written(sum(len(data) for data in files.values()))
    logger.info(
        "version %s: lossless files made on request in %.2f s (%d stems from the cache, "
        "%d re-rendered)",
        version.id,
        time.perf_counter() - started,
        len(cache.hits),
        len(cache.rejected),
    )
    return next(a for a in assets if a.kind == AssetKind.MIX_WAV)
