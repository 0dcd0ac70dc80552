"""The sound report's figures on signals whose answers are known, and the command end to end."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from io import StringIO

import numpy as np
import pytest

from generation.engine.analysis import integrated_loudness as pyloudnorm_loudness
from generation.engine.report import evaluate
from generation.engine.report.hits import hit_correlations, median_hit_correlation
from generation.engine.report.kick import (
    folded_cents,
    kick_fundamental,
    pitch_against_key,
    pitch_class_hz,
)
from generation.engine.report.loudness import integrated_loudness, loudest_of, relative_to
from generation.engine.report.patterns import (
    OnsetGrid,
    bar_patterns,
    bars_played,
    bars_sounding,
    distinct_patterns,
    note_keys,
    overlap,
    symbolic_twin_share,
)
from generation.engine.report.spectrum import band_shares, share_above, side_mid_db
from generation.engine.report.twins import audio_twin_share, bar_features

RATE = 44100


@dataclass(frozen=True)
class Note:
    start_beat: float
    pitch: int


def sine(freq: float, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return amplitude * np.sin(2 * np.pi * freq * t)


# --- bands and stereo ---------------------------------------------------------------------


def test_a_55_hz_sine_is_all_sub_and_a_440_hz_sine_all_mid():
    low = band_shares(np.stack([sine(55, 4)] * 2), RATE)
    high = band_shares(np.stack([sine(440, 4)] * 2), RATE)
    assert low["sub"] > 0.99 and low["250-6k"] < 0.01
    assert high["mid"] > 0.99 and high["250-6k"] > 0.99
    assert sum(v for k, v in high.items() if k != "250-6k") == pytest.approx(1.0)


def test_equal_energy_at_55_and_3000_hz_splits_the_shares_in_half():
    shares = band_shares(sine(55, 4) + sine(3000, 4), RATE)
    assert shares["sub"] == pytest.approx(0.5, abs=0.01)
    assert shares["presence"] == pytest.approx(0.5, abs=0.01)
    assert shares["250-6k"] == pytest.approx(0.5, abs=0.01)


def test_share_above_a_frequency_splits_a_bass_from_its_harmonic():
    # A 50 Hz line with 150 and 400 Hz partials at half its amplitude (a quarter of its
    # energy each): only the 400 Hz one is above 200 Hz, 1/4 of 1.5 = a sixth.
    bass = sine(50, 4) + 0.5 * sine(150, 4) + 0.5 * sine(400, 4)
    assert share_above(bass, RATE, 200.0) == pytest.approx(1 / 6, abs=0.01)
    assert share_above(np.zeros(RATE), RATE, 200.0) is None


def test_side_mid_is_minus_infinity_for_mono_and_zero_db_for_decorrelated_channels():
    rng = np.random.default_rng(3)
    mono = rng.standard_normal(RATE)
    assert side_mid_db(np.stack([mono, mono])) == -math.inf
    wide = rng.standard_normal((2, 4 * RATE))
    assert side_mid_db(wide) == pytest.approx(0.0, abs=0.1)
    # Right = 0.5 x left: side/mid = (0.25 / 0.75)^2 -> -9.5 dB.
    assert side_mid_db(np.stack([mono, 0.5 * mono])) == pytest.approx(
        20 * math.log10(0.25 / 0.75), abs=0.01
    )


# --- loudness -----------------------------------------------------------------------------


def test_vectorised_loudness_matches_pyloudnorm_and_silence_reads_minus_infinity():
    rng = np.random.default_rng(5)
    audio = (rng.standard_normal((2, 12 * RATE)) * np.linspace(0.0, 0.3, 12 * RATE)).astype(
        np.float32
    )
    audio[:, : 3 * RATE] = 0.0  # silent stretch: gates and the IIR floor must not matter
    assert integrated_loudness(audio, RATE) == pytest.approx(
        pyloudnorm_loudness(audio, RATE), abs=1e-4
    )
    assert integrated_loudness(np.zeros((2, 2 * RATE)), RATE) == -math.inf


def test_stem_levels_are_relative_to_the_kick_and_the_loudest_of_a_group_is_taken():
    kick = sine(60, 3)
    snare = 10 ** (-6 / 20) * sine(60, 3)
    levels = {
        "kick": integrated_loudness(np.stack([kick, kick]), RATE),
        "snare": integrated_loudness(np.stack([snare, snare]), RATE),
        "clap": -math.inf,
    }
    relative = relative_to(levels)
    assert relative["kick"] == 0.0
    assert relative["snare"] == pytest.approx(-6.0, abs=0.01)
    assert loudest_of(relative, ("snare", "clap")) == pytest.approx(-6.0, abs=0.01)
    assert loudest_of(relative, ("chords", "pad")) is None
    assert relative_to({"snare": -20.0}) == {}


# --- kick pitch ---------------------------------------------------------------------------


def sine_kick(freq: float, onsets: np.ndarray, seconds: float, sweep_s: float = 0.01) -> np.ndarray:
    """A kick: a pitch sweep from 3x down to ``freq`` (time constant ``sweep_s``), decaying."""
    out = np.zeros(int(seconds * RATE))
    t = np.arange(int(0.9 * RATE)) / RATE
    sweep = freq * (1 + 2 * np.exp(-t / sweep_s))
    hit = np.sin(2 * np.pi * np.cumsum(sweep) / RATE) * np.exp(-t / 0.25)
    for onset in onsets:
        end = min(out.size, onset + hit.size)
        out[onset:end] += hit[: end - onset]
    return out


@pytest.mark.parametrize(("sweep_s", "cents"), [(0.01, 2.0), (0.03, 5.0), (0.05, 20.0)])
def test_a_sine_kick_reads_the_pitch_its_sweep_settles_on(sweep_s, cents):
    onsets = np.arange(8) * RATE // 2
    f0 = pitch_class_hz("F") / 8  # F1, 43.65 Hz
    hz, hits = kick_fundamental(sine_kick(f0, onsets, 4.5, sweep_s), onsets, RATE)
    assert hits == 8
    assert abs(1200 * math.log2(hz / f0)) < cents


def test_kicks_with_room_to_settle_decide_the_pitch():
    f0 = pitch_class_hz("A") / 8  # A1, 55 Hz
    # Four kicks 1 s apart, then a run of 8 kicks 0.25 s apart whose tails never settle
    # (except the last one's, which rings to the end).
    onsets = np.concatenate([np.arange(4) * RATE, 4 * RATE + np.arange(8) * RATE // 4])
    hz, hits = kick_fundamental(sine_kick(f0, onsets, 7.0, 0.05), onsets, RATE)
    assert hits == 5
    assert abs(1200 * math.log2(hz / f0)) < 5.0


@pytest.mark.parametrize(
    ("semitones", "cents", "tonic", "nearer", "expected"),
    [
        (0, 0, "F", "tonic", 0.0),
        (7, 0, "F", "fifth", 0.0),  # C over an F tonic: the fifth
        (2, 0, "F", "tonic", 200.0),  # G over F: 200 cents off the tonic, 500 off the fifth
        (0, 50, "A", "tonic", 50.0),
        (-1, 0, "C", "tonic", -100.0),
    ],
)
def test_distance_to_the_key_folds_octaves_and_picks_the_nearer_of_tonic_and_fifth(
    semitones, cents, tonic, nearer, expected
):
    freq = pitch_class_hz(tonic, semitones) / 16 * 2 ** (cents / 1200)  # four octaves down
    reading = pitch_against_key(freq, tonic)
    assert reading["nearer"] == nearer
    assert reading["cents"] == pytest.approx(expected, abs=0.01)


def test_folded_cents_stays_within_half_an_octave():
    assert folded_cents(440.0 * 4, 440.0) == pytest.approx(0.0)
    assert folded_cents(440.0 * 2 ** (7 / 12), 440.0) == pytest.approx(-500.0)


# --- drum hits ----------------------------------------------------------------------------


def drum_track(hits: list[np.ndarray], gap: int) -> tuple[np.ndarray, np.ndarray]:
    out = np.zeros(gap * (len(hits) + 1))
    onsets = np.arange(len(hits)) * gap + 100
    for onset, hit in zip(onsets, hits, strict=True):
        out[onset : onset + hit.size] += hit
    return out, onsets


def test_identical_hits_correlate_fully_even_at_other_gains():
    rng = np.random.default_rng(1)
    hit = rng.standard_normal(3000) * np.exp(-np.arange(3000) / 600)
    stem, onsets = drum_track([hit * g for g in (1.0, 0.5, 0.8, 0.3, 1.0)], 8000)
    groups = np.array(["snare"] * 5)
    assert median_hit_correlation(stem, onsets, groups, RATE) > 0.9999


def test_hits_with_their_own_noise_do_not_correlate():
    rng = np.random.default_rng(2)
    hits = [rng.standard_normal(3000) * np.exp(-np.arange(3000) / 600) for _ in range(6)]
    stem, onsets = drum_track(hits, 8000)
    assert median_hit_correlation(stem, onsets, np.array(["snare"] * 6), RATE) < 0.3


def test_a_few_samples_of_timing_offset_do_not_hide_an_identical_hit():
    rng = np.random.default_rng(4)
    hit = rng.standard_normal(3000) * np.exp(-np.arange(3000) / 600)
    stem, onsets = drum_track([hit, hit, hit], 8000)
    late = onsets + np.array([0, 3, -5])  # the onsets we are told are off by a few samples
    assert hit_correlations(stem, late, np.array(["a", "a", "a"]), RATE).min() > 0.999


def test_hits_are_compared_within_their_own_voice():
    rng = np.random.default_rng(6)
    closed = rng.standard_normal(2000) * np.exp(-np.arange(2000) / 200)
    opened = rng.standard_normal(2000) * np.exp(-np.arange(2000) / 900)
    stem, onsets = drum_track([closed, opened, closed, opened], 8000)
    values = hit_correlations(stem, onsets, np.array(["c", "o", "c", "o"]), RATE)
    assert values.size == 2 and values.min() > 0.9999


# --- notes --------------------------------------------------------------------------------


def test_bar_patterns_count_distinct_bars_and_ignore_rests():
    # Bars 0 and 2 the same, bar 1 different, bar 3 empty (4/4).
    notes = [Note(0, 42), Note(1, 42), Note(4, 42), Note(4.5, 42), Note(8, 42), Note(9, 42)]
    patterns = bar_patterns(notes, 4.0, 4)
    assert patterns[0] == frozenset({(0, 42), (48, 42)})
    assert distinct_patterns(patterns) == 2
    assert bars_played(patterns) == 3


def test_humanised_and_swung_onsets_snap_to_their_written_tick():
    grid = OnsetGrid(8.0, swing=0.32)
    jitter = 0.02  # beats: 10 ms at 120 bpm, the engine's 2-sigma humanisation
    assert grid.tick(1.0 + jitter) == grid.tick(1.0 - jitter) == 48
    off_beat = 0.25 + 0.125 * 0.32  # the second 16th, swung late
    assert grid.tick(off_beat + jitter) == 12
    assert grid.tick(1.0 + 1 / 3) == 64  # a triplet stays a triplet
    assert grid.tick(2.125) == 102  # a 32nd stays a 32nd


def test_symbolic_twins_need_every_track_to_repeat():
    hats = [frozenset({(0, 42)}), frozenset({(0, 42)}), frozenset({(0, 42)})]
    bass = [frozenset({(0, 36)}), frozenset({(0, 38)}), frozenset({(0, 36)})]
    assert symbolic_twin_share({"hats": hats}) == 1.0
    assert symbolic_twin_share({"hats": hats, "bass": bass}) == pytest.approx(2 / 3)


def test_seed_overlap_divides_shared_notes_by_the_smaller_set():
    grid = OnsetGrid(16.0, 0.0)
    a = {"kick": [Note(b, 36) for b in range(10)]}
    b = {"kick": [Note(b, 36) for b in range(4)] + [Note(b + 0.5, 36) for b in range(8)]}
    keys_a, keys_b = note_keys(a, ["kick"], grid), note_keys(b, ["kick"], grid)
    assert overlap(keys_a, keys_b) == pytest.approx(4 / 10)
    assert overlap(keys_a, keys_a) == 1.0
    assert overlap(keys_a, set()) is None


# --- repeated bars ------------------------------------------------------------------------


def bars_of_noise_bursts(patterns: list[list[int]], bpm: float = 120.0) -> np.ndarray:
    """One bar per pattern: a filtered-noise burst on each listed 16th step."""
    rng = np.random.default_rng(9)
    bar = int(4 * 60 / bpm * RATE)
    step = bar // 16
    burst = rng.standard_normal(step // 2) * np.exp(-np.arange(step // 2) / 500)
    out = np.zeros(bar * len(patterns) + RATE)
    for index, pattern in enumerate(patterns):
        for s in pattern:
            start = index * bar + s * step
            out[start : start + burst.size] += burst
    return out


def test_a_looped_bar_has_twins_and_varied_bars_do_not():
    rng = np.random.default_rng(11)
    looped = bars_of_noise_bursts([[0, 4, 8, 12]] * 8)
    varied = bars_of_noise_bursts([sorted(rng.choice(16, 5, replace=False)) for _ in range(8)])
    looped_features = bar_features(looped, RATE, 2.0, 8)
    assert looped_features.shape == (8, 16 * 24)
    assert audio_twin_share(looped_features) == 1.0
    assert audio_twin_share(bar_features(varied, RATE, 2.0, 8)) == 0.0


# --- targets and the command --------------------------------------------------------------


def test_targets_pass_fail_or_have_nothing_to_measure():
    figures = {
        "bands": {"250-6k": 0.09},
        "snare_clap_lu": -12.5,
        "melodic_lu": -9.0,
        "side_mid_db": -18.0,
        "kick": {"cents": 61.0},
        "hit_correlation": {"snare": 0.99, "clap": 0.999},
        "audio_twin_share": 0.5,
        "symbolic_twin_share": 0.2,
        "patterns": {"kick": 2},
        "seed_overlap": {"drums": 0.5, "bass": 0.61, "chords": None},
        "short_bars": 16,
        "short_bass_bars": 12,
        "duration_s": 181.5,
    }
    results = {key: value["pass"] for key, value in evaluate(figures).items()}
    assert results == {
        "audible": True,
        "snare_lu": False,
        "melodic_lu": True,
        "side_mid": True,
        "kick_pitch": False,
        "snare_hits": False,  # the more repetitive of snare and clap decides
        "twins": True,
        "hat_patterns": None,  # no hats to count
        "seed_overlap": False,  # the worst group decides
        "bass_bars": True,
    }
    # Exact repeats under a noise layer that hides them from the audio still count.
    assert (
        evaluate({**figures, "audio_twin_share": 0.1, "symbolic_twin_share": 0.7})["twins"]["pass"]
        is False
    )
    short = evaluate({**figures, "duration_s": 30.0, "patterns": {"hats": 1}})
    assert short["twins"]["pass"] is None and short["hat_patterns"]["pass"] is None
    assert short["audible"]["pass"] is True


def test_the_command_prints_every_figure_and_writes_json_and_a_png(tmp_path):
    pytest.importorskip("django")
    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    json_path = tmp_path / "report.json"
    call_command(
        "sound_report",
        "--genres",
        "house",
        "--bars",
        "8",
        "--seeds",
        "3,4",
        "--png-dir",
        str(tmp_path / "png"),
        "--json",
        str(json_path),
        stdout=out,
        stderr=err,
    )
    text = out.getvalue()
    assert "house" in text and "targets:" in text and "Stem loudness" in text
    report = json.loads(json_path.read_text())
    (house,) = report["genres"]
    assert house["bars"] == 8 and house["seeds"] == [3, 4]
    assert set(house["bands"]) == {"sub", "low", "mid", "presence", "air", "250-6k"}
    assert sum(house["bands"][b] for b in ("sub", "low", "mid", "presence", "air")) == (
        pytest.approx(1.0)
    )
    assert house["stem_lu"]["kick"] == 0.0 and "bass" in house["stem_lu"]
    assert 0.0 <= house["bass_above_200hz"] <= 1.0
    assert 25.0 < house["kick"]["hz"] < 250.0
    assert set(house["seed_overlap"]) == {"drums", "bass", "chords"}
    assert 0 <= house["short_bass_bars"] <= 16
    assert set(house["targets"]) >= {"audible", "twins", "bass_bars"}
    assert (tmp_path / "png" / "house.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_command_rejects_an_unknown_genre_and_a_single_seed():
    pytest.importorskip("django")
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown genre"):
        call_command("sound_report", "--genres", "polka")
    with pytest.raises(CommandError, match="two whole numbers"):
        call_command("sound_report", "--genres", "house", "--seeds", "1")


def test_a_hit_with_the_next_one_inside_its_window_is_not_compared():
    rng = np.random.default_rng(8)
    hit = rng.standard_normal(3000) * np.exp(-np.arange(3000) / 600)
    stem, onsets = drum_track([hit] * 4, 8000)
    flam = np.sort(np.append(onsets, onsets[1] + 800))  # a second hit 18 ms after hit 1
    stem[onsets[1] + 800 : onsets[1] + 3800] += hit
    values = hit_correlations(stem, flam, np.array(["s"] * 5), RATE)
    # Hit 1 (its window holds the flam) is skipped: the flam, hit 2 and hit 3 are compared
    # with the hit before them of the group; the flam rings over hit 1's tail, hit 3 is clean.
    assert values.size == 3
    assert values[0] < 0.99 and values[-1] > 0.9999


@dataclass(frozen=True)
class HeldNote:
    start_beat: float
    length_beats: float
    pitch: int = 36


def test_a_held_bass_note_counts_in_every_bar_it_sounds_in():
    notes = [HeldNote(0.0, 8.0), HeldNote(12.0, 1.0), HeldNote(14.0, 2.0)]
    # Bars 0-1 held, bar 2 silent, bar 3 from beat 12 (the note ending on beat 16 stops there).
    assert bars_sounding(notes, 4.0, 6) == 3


def test_the_report_library_imports_no_django_librosa_or_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys, generation.engine.report as r, generation.engine.report.spectrogram;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'librosa', 'matplotlib'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
