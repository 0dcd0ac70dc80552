"""Render pipeline behaviour: determinism, stem isolation, lengths, loops, preview, stages."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile

from generation.engine import (
    GENRES,
    default_spec,
    encode,
    render_master,
    render_preview,
    write_outputs,
)
from generation.engine.mix.master import master
from generation.engine.voices import SAMPLE_RATE


def test_same_spec_gives_byte_identical_wav_and_midi():
    spec = default_spec("trap", bars=8, seed=42)
    first, second = render_master(spec), render_master(spec)
    assert first.mix_wav() == second.mix_wav()
    assert first.midi() == second.midi()
    assert first.mix_wav(bits=24) == second.mix_wav(bits=24)


def test_a_different_seed_gives_a_different_beat():
    a = render_master(default_spec("house", bars=4, seed=1))
    b = render_master(default_spec("house", bars=4, seed=2))
    assert a.midi() != b.midi()


@pytest.mark.parametrize(
    ("track", "change"),
    [
        ("hats", {"rate": 32}),
        ("melody", {"instrument": "lead"}),
        ("bass", {"gain_db": -6.0}),
        ("kick", {"instrument": "punchy", "density": 0.9}),
        ("pad", {"enabled": False}),
        ("snare", {"instrument": "gated", "density": 0.1}),
    ],
)
def test_changing_one_track_leaves_every_other_stem_byte_identical(track, change):
    spec = default_spec("trap", bars=16, seed=5)
    before = render_master(spec)
    after = render_master(spec.with_changes(tracks={track: change}))
    for name, stem in before.stems.items():
        if name == track:
            continue
        assert stem.tobytes() == after.stems[name].tobytes(), f"{name} changed when {track} did"
    if "gain_db" in change:  # a fader move: the same pre-fader stem, mixed at another level
        assert before.stems[track].tobytes() == after.stems[track].tobytes()
        assert before.stem_audio(track).tobytes() != after.stem_audio(track).tobytes()
    elif change.get("enabled", True):
        assert before.stems[track].tobytes() != after.stems[track].tobytes()


@pytest.mark.parametrize("genre", ["trap", "house", "lo-fi"])
@pytest.mark.parametrize("loop", [False, True])
def test_stem_files_sum_to_the_premaster_mix_that_was_mastered(genre, loop):
    # A fader off 0 dB: the stems are pre-fader, the stem files and the premaster have it.
    spec = default_spec(genre, bars=8, seed=9).with_changes(
        loop=loop, tracks={"kick": {"gain_db": -4.0}}
    )
    result = render_master(spec)
    premaster = result.premaster
    mix = _mix(genre)
    remastered, _ = master(
        premaster.copy(),
        result.sample_rate,
        lowpass_hz=mix.master_lowpass_hz,
        texture=mix.texture,
        glue_ratio=mix.glue_ratio,
    )
    assert remastered.tobytes() == result.master.tobytes()
    files = encode(result, mp3=False, wav_bits=24).files
    total = np.zeros_like(premaster)
    for name in result.stem_names():
        audio, rate = soundfile.read(io.BytesIO(files[f"stems/{name}.wav"]), dtype="float32")
        assert rate == SAMPLE_RATE
        total += audio.T
    assert np.max(np.abs(total - premaster)) < 1e-4


def _mix(genre: str):
    from generation.engine.genres import GRAMMARS

    return GRAMMARS[genre].mix


@pytest.mark.parametrize("genre", GENRES)
@pytest.mark.parametrize("bars", [1, 8])
def test_every_genre_renders_short_beats_of_exact_length(genre, bars):
    spec = default_spec(genre, bars=bars, seed=2)
    result = render_master(spec)
    music = round(spec.duration_s * SAMPLE_RATE)
    assert result.master.shape == (2, music + int(1.5 * SAMPLE_RATE))
    assert result.master.dtype == np.float32
    assert set(result.stems) == set(spec.enabled_tracks())
    assert np.abs(result.master).max() > 0.1


@pytest.mark.slow
@pytest.mark.parametrize("genre", GENRES)
def test_every_genre_renders_ten_minutes(genre):
    spec = default_spec(genre, seed=4).with_changes(duration_s=600)
    result = render_master(spec)
    assert result.duration_s == pytest.approx(spec.duration_s + 1.5, abs=1e-3)
    assert np.isfinite(result.master).all()
    assert result.master_info["lufs"] == pytest.approx(-14.0, abs=0.2)
    names = [s.name for s in result.arrangement.sections]
    assert names[0] == "intro" and names[-1] == "outro" and names.count("hook") >= 4


@pytest.mark.parametrize("genre", ["trap", "techno", "rnb"])
def test_loop_mode_is_exactly_the_bars_long_and_wraps_its_tail(genre):
    spec = default_spec(genre, bars=4, seed=8).with_changes(loop=True)
    result = render_master(spec)
    assert result.samples == round(spec.duration_s * SAMPLE_RATE)
    audio = result.master
    steps = np.abs(np.diff(audio, axis=1)).max()
    seam = np.abs(audio[:, 0] - audio[:, -1]).max()
    assert seam <= steps
    # The reverb tail of the last bar rings into the start instead of being cut off.
    assert np.abs(result.returns["reverb"][:, :200]).max() > 0


def test_long_beats_get_a_structure_with_instruments_entering_and_leaving():
    result = render_master(default_spec("trap", bars=64, seed=3))
    arrangement = result.arrangement
    names = [s.name for s in arrangement.sections]
    assert names[0] == "intro" and "hook" in names and "bridge" in names and names[-1] == "outro"
    spb = arrangement.beats_per_bar
    intro = arrangement.sections[0]
    kicks_in_intro = [
        e for e in arrangement.tracks["kick"] if e.start_beat < intro.end_bar * spb - 0.1
    ]
    assert kicks_in_intro == []  # the drums enter after the intro
    hook_bars = {int(e.start_beat // spb) for e in arrangement.tracks["melody"]}
    assert len(hook_bars) > 8
    # Not one bar repeated: kick patterns differ across the beat.
    patterns = {
        tuple(
            sorted(
                round(e.start_beat % spb * 4)
                for e in arrangement.tracks["kick"]
                if int(e.start_beat // spb) == bar
            )
        )
        for bar in range(8, 64)
    }
    assert len(patterns) >= 3


def test_stages_report_progress_in_order():
    calls = []
    result = render_master(
        default_spec("pop", bars=4),
        progress=lambda stage, fraction: calls.append((stage, fraction)),
    )
    encode(result, progress=lambda stage, fraction: calls.append((stage, fraction)))
    stages = [stage.split()[0] for stage, _ in calls]
    order = ["arranging", "synthesizing", "mixing", "mastering", "encoding"]
    assert [s for i, s in enumerate(stages) if i == 0 or s != stages[i - 1]] == order
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and fractions[0] >= 0.0 and fractions[-1] == 1.0
    assert set(result.timings) == set(order)


def test_preview_is_a_short_loop_of_drums_and_bass():
    spec = default_spec("trap", bars=32)
    preview = render_preview(spec)
    assert preview.samples == round(2 * spec.seconds_per_bar * SAMPLE_RATE)
    assert set(preview.stems) <= {"kick", "snare", "clap", "hats", "perc", "bass"}
    assert np.abs(preview.master).max() > 0.1
    assert preview.mix_wav()[:4] == b"RIFF"


def test_write_outputs_writes_every_file(tmp_path):
    result = render_master(default_spec("lo-fi", bars=2))
    paths = write_outputs(result, tmp_path)
    expected = {"mix.wav", "mix.mp3", "beat.mid", "peaks.json", "spec.json"}
    expected |= {f"stems/{name}.wav" for name in [*result.stems, "reverb"]}
    assert set(paths) == expected
    for name in expected:
        assert (tmp_path / name).stat().st_size > 0
    audio, rate = soundfile.read(tmp_path / "mix.wav", dtype="float32")
    assert rate == 44100 and audio.shape == (result.samples, 2)
    assert np.max(np.abs(audio.T - result.master)) <= 2 / 32767
    assert (tmp_path / "mix.mp3").read_bytes()[:3] in (b"ID3", b"\xff\xfb", b"\xff\xfa") or (
        tmp_path / "mix.mp3"
    ).read_bytes()[0] == 0xFF


def test_peaks_are_json_ready_min_max_pairs_bounding_the_audio():
    result = render_master(default_spec("pop", bars=4))
    peaks = result.peaks(bins=1000)
    assert peaks["bins"] == len(peaks["min"]) == len(peaks["max"]) == 1000
    assert all(lo <= hi for lo, hi in zip(peaks["min"], peaks["max"], strict=True))
    assert max(peaks["max"]) == pytest.approx(float(result.master.max()), abs=1e-4)


def test_pattern_view_gives_a_step_grid_for_drums_and_notes_for_pitched_tracks():
    result = render_master(default_spec("house", bars=8, seed=6))
    view = result.arrangement.pattern_view()
    assert view["steps_per_bar"] == 16
    kick = np.array(view["drums"]["kick"])
    assert kick.shape == (view["bars"], 16)
    assert (kick[:, [0, 4, 8, 12]] > 0).all()  # four on the floor
    for start, length, pitch, velocity in view["notes"]["bass"]:
        assert (
            0 <= start < view["bars"] * 4 and length > 0 and 0 < pitch < 128 and 0 < velocity <= 1
        )
