"""Tempo, key, grid, loudness and peak: what every render promises, verified by analysis."""

from __future__ import annotations

import numpy as np
import pytest

from generation.engine import GENRES, default_spec
from generation.engine.analysis import dc_offset, integrated_loudness, true_peak_dbfs
from generation.engine.presets import GENRE_DEFAULTS
from generation.engine.spec import PITCH_CLASSES

from .helpers import mix_key, onset_times, pitched_key, tempo_error, tracked_tempo

KEYS = [("C", "minor"), ("F#", "major"), ("A#", "minor")]


def _tempos(genre: str) -> list[float]:
    preset = GENRE_DEFAULTS[genre]
    return [preset.bpm_min, preset.bpm_max]


@pytest.mark.parametrize("genre", GENRES)
@pytest.mark.parametrize("which", [0, 1])
def test_beat_tracker_finds_the_spec_tempo_or_its_half_or_double(render_cached, genre, which):
    tonic, mode = KEYS[which]
    bpm = _tempos(genre)[which]
    spec = default_spec(genre, bars=8, seed=7 + which).with_changes(
        bpm=bpm, key={"tonic": tonic, "mode": mode}
    )
    result = render_cached(spec)
    estimate = tracked_tempo(result)
    assert tempo_error(estimate, bpm) < 0.02, f"{genre} at {bpm} bpm tracked as {estimate:.2f}"


@pytest.mark.parametrize(("bpm", "seed"), [(95, 1), (100, 5)])
def test_long_reggaeton_beats_keep_the_tempo_over_their_hat_and_ghost_variants(
    render_cached, bpm, seed
):
    # Reggaeton's long beats vary hat voice and kick/snare ghosts per section; hat grids
    # other than plain 8ths made the tracker read 4/3 of the tempo on these seeds.
    spec = default_spec("reggaeton", bars=64, seed=seed).with_changes(bpm=bpm)
    estimate = tracked_tempo(render_cached(spec))
    assert tempo_error(estimate, bpm) < 0.02, f"reggaeton at {bpm} bpm tracked as {estimate:.2f}"


def test_pitched_stems_are_in_the_spec_key_across_a_24_key_sweep(render_cached, record_property):
    hits, mix_hits, misses = 0, 0, []
    for index in range(24):
        tonic, mode = PITCH_CLASSES[index % 12], ("minor", "major")[index // 12]
        genre = GENRES[(index * 5) % len(GENRES)]  # every genre meets both modes
        spec = default_spec(genre, bars=8, seed=100 + index).with_changes(
            key={"tonic": tonic, "mode": mode}
        )
        result = render_cached(spec)
        found = pitched_key(result)
        hits += found == (tonic, mode)
        mix_hits += mix_key(result) == (tonic, mode)
        if found != (tonic, mode):
            misses.append(f"{genre} {tonic} {mode} -> {found}")
    record_property("full_mix_key_accuracy", mix_hits / 24)
    print(f"key accuracy: pitched stems {hits}/24, full mix {mix_hits}/24")
    assert hits >= 22, f"only {hits}/24 keys found; misses: {misses}"


@pytest.mark.parametrize("genre", GENRES)
def test_kick_and_snare_onsets_sit_on_the_grid_without_humanisation(render_cached, genre):
    spec = default_spec(genre, bars=4, seed=3)
    result = render_cached(spec, humanize=False)
    sixteenth = 60.0 / spec.bpm / 4
    swing_shift = 0.5 * spec.swing * sixteenth
    checked = 0
    for name in ("kick", "snare", "clap"):
        if name not in result.stems:
            continue
        onsets = onset_times(result.stems[name], result.sample_rate)
        onsets = onsets[onsets < spec.duration_s]
        grid = np.arange(0, spec.duration_s, sixteenth)
        grid = np.where(np.arange(grid.size) % 2 == 1, grid + swing_shift, grid)
        errors = np.min(np.abs(onsets[:, None] - grid[None, :]), axis=1)
        assert onsets.size >= 4, f"{name}: too few onsets found"
        assert np.median(errors) < 0.005, (
            f"{name}: median grid error {np.median(errors) * 1000:.1f} ms"
        )
        checked += 1
    assert checked >= 2


@pytest.mark.parametrize("genre", GENRES)
@pytest.mark.parametrize("bars", [8, 40])
def test_master_is_minus_14_lufs_under_minus_1_dbtp_without_dc(render_cached, genre, bars):
    result = render_cached(default_spec(genre, bars=bars, seed=11))
    loudness = integrated_loudness(result.master, result.sample_rate)
    assert loudness == pytest.approx(-14.0, abs=1.0)
    assert true_peak_dbfs(result.master) <= -1.0
    assert np.max(np.abs(result.master)) < 1.0
    assert dc_offset(result.master) < 1e-3


@pytest.mark.parametrize("genre", GENRES)
def test_render_has_no_nan_or_inf_anywhere(render_cached, genre):
    result = render_cached(default_spec(genre, bars=8, seed=11))
    assert np.isfinite(result.master).all()
    for name, stem in result.stems.items():
        assert np.isfinite(stem).all(), name
    for name, audio in result.returns.items():
        assert np.isfinite(audio).all(), name
