"""Reads behind the studio's per-version endpoints: an asset by kind, waveform peaks, patterns."""

from __future__ import annotations

import json
from typing import Any

from django.core.cache import cache
from django.http import Http404

from generation.assets.store import asset_read
from generation.engine.arrange import arrange
from generation.engine.jobfiles import spec_has_reverb
from generation.engine.spec import BeatSpec
from generation.models import MEDIA_KINDS, Asset, AssetKind, BeatVersion

PATTERN_MAX_BARS = 4
REVERB_NAME = "stems-reverb.flac"  # made on request with the WAV (generation.jobs.lossless)
PEAKS_MAX_BINS = 1500


def version_asset_get(*, version: BeatVersion, kind: str) -> Asset:
    """The version's newest asset of ``kind`` (a MEDIA_KINDS key), or Http404."""
    if kind not in MEDIA_KINDS:
        raise Http404("unknown kind")
    asset = version.newest_asset(MEDIA_KINDS[kind])
    if asset is None:
        raise Http404("not rendered yet")
    return asset


def stem_track(asset: Asset) -> str:
    """``stems-drums.wav`` → ``drums``: the track a stem asset belongs to."""
    return asset.name.removeprefix("stems-").rsplit(".", 1)[0]


def stem_fader_db(asset: Asset, spec: BeatSpec) -> float:
    """The fader (dB) to apply to a stem asset of a version with ``spec`` when playing it:
    the track's ``gain_db`` for a pre-fader stem, 0 for an older stem that has it in it
    (and for the reverb return, made after the faders)."""
    track = stem_track(asset)
    if asset.stem is None or not asset.stem.prefader or track not in spec.tracks:
        return 0.0
    return float(spec.tracks[track].gain_db)


def version_stems(*, version: BeatVersion) -> list[Asset]:
    """The version's stem assets, one per track (the newest if a re-render stored two)."""
    by_track: dict[str, Asset] = {}
    stems = version.assets.filter(kind=AssetKind.STEM).select_related("stem")
    for asset in stems.order_by("created_at"):
        by_track[stem_track(asset)] = asset
    return [by_track[track] for track in sorted(by_track)]


def reverb_missing(*, version: BeatVersion) -> bool:
    """A rendered version whose mix has a reverb return that is not stored yet (it is made
    with the WAV on first request: generation.jobs.lossless)."""
    if not version.assets.filter(kind=AssetKind.STEM, stem__isnull=False).exists():
        return False
    if version.assets.filter(kind=AssetKind.STEM, name=REVERB_NAME).exists():
        return False
    return spec_has_reverb(version.beat_spec())


def version_stem_get(*, version: BeatVersion, track: str) -> Asset:
    for asset in version_stems(version=version):
        if stem_track(asset) == track:
            return asset
    raise Http404("no such stem")


def downsample_peaks(peaks: dict[str, Any], bins: int) -> dict[str, Any]:
    """The same overview with at most ``bins`` (min, max) pairs: each new bin keeps the extremes."""
    low, high = peaks["min"], peaks["max"]
    count = len(high)
    if bins >= count or bins < 1:
        return peaks
    new_low, new_high = [], []
    for index in range(bins):
        start, end = (
            index * count // bins,
            max((index + 1) * count // bins, index * count // bins + 1),
        )
        new_low.append(min(low[start:end]))
        new_high.append(max(high[start:end]))
    return {**peaks, "bins": bins, "min": new_low, "max": new_high}


def version_peaks(*, version: BeatVersion, bins: int = PEAKS_MAX_BINS) -> dict[str, Any]:
    """The version's waveform overview (the ``peaks`` asset), cached per asset and size."""
    asset = version.newest_asset(AssetKind.PEAKS)
    if asset is None:
        raise Http404("not rendered yet")
    bins = max(1, min(bins, PEAKS_MAX_BINS))
    key = f"studio:peaks:{asset.id}:{bins}"
    data = cache.get(key)
    if data is None:
        data = downsample_peaks(json.loads(asset_read(asset)), bins)
        cache.set(key, data, 3600)
    return data


def _fine_hats(arrangement: Any, data: dict[str, Any]) -> dict[str, int]:
    """Steps per bar of each drum row. Hats faster than the grid (a rate of 32 notes per bar)
    sit between its steps, where the engine's step view leaves them out: their row is
    redrawn at twice the resolution from the notes' times, so the grid shows their real rate."""
    steps = data["steps_per_bar"]
    rows = {name: steps for name in data["drums"]}
    rate = arrangement.spec.tracks["hats"].rate if "hats" in arrangement.spec.tracks else None
    if "hats" not in data["drums"] or not rate or rate <= steps:
        return rows
    per_beat = 2 * steps / arrangement.beats_per_bar
    start = data["start_bar"] * arrangement.beats_per_bar
    cells = data["bars"] * 2 * steps
    fine = [0.0] * cells
    between = False
    for event in arrangement.tracks.get("hats", ()):
        index = round((event.start_beat - start) * per_beat)
        if 0 <= index < cells:
            fine[index] = max(fine[index], round(event.velocity, 3))
            between = between or event.step < 0
    if between:
        width = 2 * steps
        data["drums"]["hats"] = [
            fine[bar * width : (bar + 1) * width] for bar in range(data["bars"])
        ]
        rows["hats"] = width
    return rows


def version_pattern(*, version: BeatVersion, section: int | None = None) -> dict[str, Any]:
    """One section's drum steps and pitched notes, from the engine's deterministic arrangement.

    Computed on request (arranging a 64-bar beat takes well under 100 ms) and cached by
    spec hash: equal specs have equal patterns.
    """
    key = f"studio:pattern:{version.spec_hash}:{section}"
    data = cache.get(key)
    if data is None:
        arrangement = arrange(version.beat_spec())
        if section is not None and not 0 <= section < len(arrangement.sections):
            raise Http404("no such section")
        data = arrangement.pattern_view(section, max_bars=PATTERN_MAX_BARS)
        data["section_index"] = next(
            i for i, s in enumerate(arrangement.sections) if s.start_bar == data["start_bar"]
        )
        data["sections"] = [
            {"name": s.name, "start_bar": s.start_bar, "bars": s.bars} for s in arrangement.sections
        ]
        data["drum_steps"] = _fine_hats(arrangement, data)
        cache.set(key, data, 3600)
    return data
