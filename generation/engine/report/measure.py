"""Every figure of the sound report for one genre: render, measure, return plain data."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from generation.engine import BeatSpec, RenderResult, default_spec, render_master
from generation.engine.banks import BankRegistry

from .hits import median_hit_correlation
from .kick import kick_fundamental, pitch_against_key
from .loudness import loudest_of, relative_to, stem_loudness
from .patterns import (
    OnsetGrid,
    bar_patterns,
    bars_sounding,
    distinct_patterns,
    note_keys,
    onset_samples,
    overlap,
    symbolic_twin_share,
)
from .spectrum import band_shares, share_above, side_mid_db
from .twins import audio_twin_share, bar_features

__all__ = ["DRUMS", "ReportSettings", "bars_for_minutes", "measure_genre", "notes_of"]

DRUMS = ("kick", "snare", "clap", "hats", "perc")
SNARES = ("snare", "clap")
MELODIC = ("chords", "melody", "pad")
SHORT_BARS = 16
SMALL_SPEAKER_HZ = 200.0  # about where phone and laptop speakers stop reproducing bass


@dataclass(frozen=True)
class ReportSettings:
    """What to render: the long beat's length, the seeds, and the short beat's length.

    ``bars`` (when set) overrides ``minutes`` for the long beat. The first seed is the one
    measured; the second is only arranged, for the seed-overlap figure.
    """

    minutes: float = 3.0
    bars: int | None = None
    seeds: tuple[int, int] = (1, 2)
    short_bars: int = SHORT_BARS
    # Render with these sound banks: each genre's sampled voices where installed.
    banks: BankRegistry | None = None


def bars_for_minutes(genre: str, minutes: float) -> int:
    """Whole bars nearest to ``minutes`` at the genre's default tempo and meter."""
    spec = default_spec(genre)
    return max(1, round(minutes * 60.0 / spec.seconds_per_bar))


def notes_of(spec: BeatSpec) -> dict[str, tuple]:
    """The notes per track the renderer would play for ``spec``, without rendering audio."""
    try:
        from generation.engine import arrange
    except ImportError:  # the engine stopped exporting arrange: take it from a render
        return dict(render_master(spec).arrangement.tracks)
    return dict(arrange(spec).tracks)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _harmony_track(tracks: dict[str, tuple]) -> str | None:
    """The track that carries the chords: ``chords``, else the ``pad``."""
    for name in ("chords", "pad"):
        if tracks.get(name):
            return name
    return None


def measure_genre(
    genre: str, settings: ReportSettings | None = None, *, png_dir: str | Path | None = None
) -> dict[str, Any]:
    """Render ``genre`` and measure every figure of the report (JSON-ready dict).

    Audio figures (bands, stem loudness, kick pitch, side/mid, hit correlation, audio
    twins) come from the long beat as rendered; symbolic ones from its notes, the second
    seed's notes (overlap) and a ``short_bars`` beat's notes (bars the bass plays).
    ``png_dir`` also writes the long beat's spectrogram as ``<genre>.png`` there.
    """
    settings = settings or ReportSettings()
    bars = settings.bars or bars_for_minutes(genre, settings.minutes)
    first, second = settings.seeds
    clock = time.perf_counter()
    spec = default_spec(genre, bars=bars, seed=first, banks=settings.banks)
    result = render_master(spec, banks=settings.banks)
    rendered_s = time.perf_counter() - clock
    figures = _audio_figures(result)
    figures.update(_symbolic_figures(result, second, settings.short_bars))
    if png_dir is not None:
        from .spectrogram import write_spectrogram

        title = f"{genre}, {spec.bpm:g} bpm, {spec.key.tonic} {spec.key.mode}, {bars} bars"
        path = write_spectrogram(
            result.master, result.sample_rate, Path(png_dir) / f"{genre}.png", title=title
        )
        figures["png"] = str(path)
    sampled = spec.sampled_tracks()
    figures.update(
        genre=genre,
        # The row's name: "lo-fi+banks" when sampled voices played in it.
        label=f"{genre}+banks" if sampled else genre,
        sampled=sampled,
        bank_versions=dict(spec.banks),
        bars=bars,
        bpm=spec.bpm,
        key=f"{spec.key.tonic} {spec.key.mode}",
        seeds=[first, second],
        duration_s=round(result.duration_s, 2),
        render_s=round(rendered_s, 3),
        measure_s=round(time.perf_counter() - clock - rendered_s, 3),
    )
    return figures


def _audio_figures(result: RenderResult) -> dict[str, Any]:
    spec, rate = result.spec, result.sample_rate
    tracks = result.arrangement.tracks
    stems = {name: result.stem_audio(name) for name in result.stems}
    relative = relative_to(stem_loudness(stems, rate))
    del stems
    kick: dict[str, Any] = {"hz": None, "hits": 0}
    if "kick" in result.stems and tracks.get("kick"):
        onsets = onset_samples(tracks["kick"], spec.bpm, rate)
        hz, hits = kick_fundamental(result.stems["kick"], onsets, rate)
        kick = {"hz": hz, "hits": hits}
        if hz is not None:
            kick.update(pitch_against_key(hz, spec.key.tonic))
    correlations = {}
    for name in DRUMS:
        if name in result.stems and tracks.get(name):
            notes = tracks[name]
            onsets = onset_samples(notes, spec.bpm, rate)
            groups = np.array([f"{n.pitch}:{n.voice}" for n in notes])
            correlations[name] = median_hit_correlation(result.stems[name], onsets, groups, rate)
    features = bar_features(result.master.mean(axis=0), rate, spec.seconds_per_bar, spec.bars)
    return {
        "bands": band_shares(result.master, rate),
        "bass_above_200hz": (
            share_above(result.stems["bass"], rate, SMALL_SPEAKER_HZ)
            if "bass" in result.stems
            else None
        ),
        "stem_lu": {name: _finite(value) for name, value in relative.items()},
        "snare_clap_lu": loudest_of(relative, SNARES),
        "melodic_lu": loudest_of(relative, MELODIC),
        "kick": kick,
        "side_mid_db": _finite(side_mid_db(result.master)),
        "hit_correlation": correlations,
        "audio_twin_share": audio_twin_share(features),
    }


def _symbolic_figures(result: RenderResult, second_seed: int, short_bars: int) -> dict[str, Any]:
    spec = result.spec
    tracks = {name: notes for name, notes in result.arrangement.tracks.items() if notes}
    grid = OnsetGrid(spec.bars * spec.beats_per_bar, spec.swing)
    per_track = {
        name: bar_patterns(notes, spec.beats_per_bar, spec.bars, grid)
        for name, notes in tracks.items()
    }
    other = {name: notes for name, notes in notes_of(spec.with_changes(seed=second_seed)).items()}
    harmony = _harmony_track(tracks)
    groups = {"drums": [n for n in DRUMS if n in tracks], "bass": ["bass"]}
    groups["chords"] = [harmony] if harmony else []
    seed_overlap = {
        group: overlap(note_keys(tracks, names, grid), note_keys(other, names, grid))
        if names
        else None
        for group, names in groups.items()
    }
    short = spec.with_changes(bars=short_bars)
    short_notes = notes_of(short)
    bass_bars = bars_sounding(short_notes.get("bass", ()), short.beats_per_bar, short_bars)
    return {
        "patterns": {name: distinct_patterns(p) for name, p in per_track.items()},
        "symbolic_twin_share": symbolic_twin_share(per_track),
        "seed_overlap": seed_overlap,
        "harmony_track": harmony,
        "short_bars": short_bars,
        "short_bass_bars": bass_bars,
        "sections": [[s.name, s.bars] for s in result.arrangement.sections],
    }
