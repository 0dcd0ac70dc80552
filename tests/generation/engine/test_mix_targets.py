"""Every genre's mix at 16 bars meets the balance targets: audible mids, snare and
harmony near the kick, width, a kick in key, living drums, and a bass that plays."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from generation.engine import GENRES, arrange, default_spec
from generation.engine.analysis import integrated_loudness

BARS = 16


@pytest.fixture(scope="module")
def beats(render_cached):
    return {genre: render_cached(default_spec(genre, bars=BARS, seed=1)) for genre in GENRES}


def _stem_lu(result, name: str) -> float:
    kick = integrated_loudness(result.stem_audio("kick"), result.sample_rate)
    return integrated_loudness(result.stem_audio(name), result.sample_rate) - kick


@pytest.mark.parametrize("genre", GENRES)
def test_the_mids_are_heard(beats, genre):
    mono = beats[genre].master.mean(axis=0).astype(np.float64)
    power = np.abs(np.fft.rfft(mono)) ** 2
    freqs = np.fft.rfftfreq(mono.size, 1.0 / beats[genre].sample_rate)
    share = power[(freqs >= 250) & (freqs < 6000)].sum() / power[freqs >= 20].sum()
    assert share >= 0.08, f"{genre}: 250 Hz-6 kHz holds {share:.1%}"


@pytest.mark.parametrize("genre", GENRES)
def test_snare_and_harmony_sit_near_the_kick(beats, genre):
    result = beats[genre]
    backbeat = [_stem_lu(result, n) for n in ("snare", "clap") if n in result.stems]
    harmony = [_stem_lu(result, n) for n in ("chords", "melody", "pad") if n in result.stems]
    assert max(backbeat) >= -12.0, f"{genre}: snare/clap {max(backbeat):.1f} LU"
    assert max(harmony) >= -10.0, f"{genre}: chords/melody/pad {max(harmony):.1f} LU"


@pytest.mark.parametrize("genre", GENRES)
def test_the_image_is_wide_and_the_master_on_target(beats, genre):
    left, right = beats[genre].master.astype(np.float64)
    side_mid = 10 * np.log10(((left - right) ** 2).sum() / ((left + right) ** 2).sum())
    assert side_mid >= -18.0, f"{genre}: side/mid {side_mid:.1f} dB"
    loudness = integrated_loudness(beats[genre].master, beats[genre].sample_rate)
    assert loudness == pytest.approx(-14.0, abs=0.5)


@pytest.mark.parametrize("genre", GENRES)
def test_the_kick_rings_on_the_tonic(beats, genre):
    result = beats[genre]
    kick = result.stems["kick"].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(kick))
    freqs = np.fft.rfftfreq(kick.size, 1.0 / result.sample_rate)
    band = (freqs > 30) & (freqs < 200)
    midi = 69 + 12 * np.log2(freqs[band][np.argmax(spectrum[band])] / 440.0)
    cents = min(
        abs(((midi - target) % 12 + 6) % 12 - 6) * 100
        for target in (result.spec.key.pitch_class, result.spec.key.pitch_class + 7)
    )
    assert cents <= 60, f"{genre}: kick {cents:.0f} cents off the key"


@pytest.mark.parametrize("genre", GENRES)
def test_snare_and_clap_hits_are_not_one_waveform(beats, genre):
    result = beats[genre]
    name = "snare" if "snare" in result.stems else "clap"
    stem = result.stems[name].astype(np.float64)
    samples_per_beat = 60.0 / result.spec.bpm * result.sample_rate
    width = int(0.06 * result.sample_rate)
    starts = [round(e.start_beat * samples_per_beat) for e in result.arrangement.tracks[name]]
    hits = [stem[s : s + width] for s in starts if s + width < stem.size]
    correlations = [
        np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)) for a, b in itertools.pairwise(hits)
    ]
    assert np.median(correlations) < 0.995


@pytest.mark.parametrize("genre", GENRES)
def test_a_16_bar_beat_is_mostly_body_and_the_bass_plays(beats, genre):
    arrangement = beats[genre].arrangement
    edges = sum(s.bars for s in arrangement.sections if s.name in ("intro", "outro"))
    assert edges <= 4
    per_bar = arrangement.beats_per_bar
    bass_bars = {int(e.start_beat // per_bar) for e in arrangement.tracks["bass"]}
    assert len(bass_bars) >= 12


@pytest.mark.parametrize("genre", GENRES)
def test_three_minutes_of_hats_use_several_bar_patterns(genre):
    arrangement = arrange(default_spec(genre, seed=1).with_changes(duration_s=180))
    per_bar = arrangement.beats_per_bar
    bars: dict[int, set] = {}
    for event in arrangement.tracks["hats"]:
        bar = int(event.start_beat // per_bar)
        position = round((event.start_beat - bar * per_bar) * 8)  # humanised to 1/32
        bars.setdefault(bar, set()).add((position, event.voice))
    assert len({frozenset(v) for v in bars.values()}) >= 4


def test_techno_moves_its_chords_and_bass():
    arrangement = arrange(default_spec("techno", seed=1).with_changes(duration_s=180))
    assert len(set(arrangement.bar_roots)) >= 2
    assert len({e.pitch for e in arrangement.tracks["bass"]}) >= 2
