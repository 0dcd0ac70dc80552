"""A version's WAV, made when a download first asks for it: mix and master again from its stems.

Versions store no lossless mix (32 MB for 3 minutes, rewritten by every edit): the stems are
stored on the 24-bit grid they are mixed at, so mixing and mastering them again gives the
master the version's MP3 was encoded from, byte for byte. The first WAV download enqueues
this on the render queue and waits for the asset (``generation.services.version_wav_get``);
later downloads are served the stored file like any other.
"""

from __future__ import annotations

import logging
import time

from generation.assets.stems import StorageStemCache
from generation.assets.store import asset_store
from generation.engine.jobfiles import render_mix_wav
from generation.models import Asset, AssetKind, BeatVersion
from generation.sound_banks import sound_banks
from infra.observability import metrics

__all__ = ["version_wav_build"]

logger = logging.getLogger(__name__)


def version_wav_build(version_id: str) -> Asset | None:
    """Store ``mix.wav`` for a rendered version (idempotent); None if it has no MP3 yet."""
    version = BeatVersion.objects.select_related("beat").filter(id=version_id).first()
    if version is None:
        return None
    stored = version.assets.filter(kind=AssetKind.MIX_WAV).order_by("-created_at").first()
    if stored is not None:
        return stored
    if not version.assets.filter(kind=AssetKind.MIX_MP3).exists():
        return None  # not rendered (yet): the job itself will not make a WAV either
    started = time.perf_counter()
    cache = StorageStemCache()
    data = render_mix_wav(version.beat_spec(), stems=cache, banks=sound_banks())
    asset = asset_store(
        version=version,
        kind=AssetKind.MIX_WAV,
        name="mix.wav",
        data=data,
        duration_s=version.duration_s,
    )
    metrics.storage_written(len(data))
    logger.info(
        "version %s: WAV made on request in %.2f s (%d stems from the cache, %d re-rendered)",
        version.id,
        time.perf_counter() - started,
        len(cache.hits),
        len(cache.rejected),
    )
    return asset
