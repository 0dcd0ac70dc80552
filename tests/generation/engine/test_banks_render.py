"""Sampled voices in specs and renders: choice, records, failures, determinism, isolation, level."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from generation.engine import (
    GENRES,
    INSTRUMENTS,
    TRACK_NAMES,
    BeatSpec,
    default_spec,
    render_master,
)
from generation.engine.analysis import integrated_loudness, true_peak_dbfs
from generation.engine.banks import (
    BANKS,
    SAMPLED,
    BankChanged,
    BankMissing,
    BankRegistry,
    samples_txt,
    synth_fallback,
)
from generation.engine.banks import INSTRUMENTS as SAMPLED_INSTRUMENTS
from generation.engine.banks.catalog import ALLOWED_LICENCES, OneShotKit
from generation.engine.banks.parts import fundamental_hz
from generation.engine.presets import GENRE_DEFAULTS
from generation.engine.spec import SpecError, prefer_sampled
from generation.engine.voices import SAMPLE_RATE

from .helpers import onset_times, pitched_key, tempo_error, tracked_tempo

HERE = BankRegistry()
# No banks at all, whatever this machine has installed: the "no banks" machine.
NO_BANKS = BankRegistry(standard_paths=False)
ROOT = Path(__file__).resolve().parents[3]
needs_banks = pytest.mark.skipif(
    not {"sonic-pi-samples", "fluidr3-gm"} <= set(HERE.installed),
    reason="sonic-pi-samples and fluid-soundfont-gm are not both installed here "
    "(make banks; CI installs them)",
)
BANKED_GENRES = [g for g in GENRES if GENRE_DEFAULTS[g].sampled]


# --- catalogue and spec -------------------------------------------------------------------


def test_sampled_names_never_reuse_a_synth_voice_name_and_each_has_a_synth_fallback() -> None:
    for track in TRACK_NAMES:
        assert not set(SAMPLED[track]) & set(INSTRUMENTS[track]), track
        for name in SAMPLED[track]:
            inst = SAMPLED_INSTRUMENTS[name]
            if isinstance(inst, OneShotKit):
                assert track in inst.pieces, (track, name)
            assert synth_fallback(track, name) in INSTRUMENTS[track]
    assert {BANKS[i.bank].licence for i in SAMPLED_INSTRUMENTS.values()} <= set(ALLOWED_LICENCES)
    for genre, preset in GENRE_DEFAULTS.items():
        for track, name in preset.sampled.items():
            assert name in SAMPLED[track], (genre, track, name)


@pytest.mark.parametrize("genre", GENRES)
def test_a_spec_made_without_banks_is_all_synth_and_keeps_its_json(genre: str) -> None:
    plain = default_spec(genre)
    assert default_spec(genre, banks=NO_BANKS) == plain
    assert plain.sampled_tracks() == {} and plain.banks == {}
    assert "banks" not in plain.to_dict()  # synth specs hash exactly as before banks existed
    stored = BeatSpec.from_dict({k: v for k, v in plain.to_dict().items() if k != "duration_s"})
    assert "banks" not in stored.to_json() and stored.banks == {}
    assert prefer_sampled(plain, NO_BANKS) is plain


def test_spec_takes_sampled_instruments_and_validates_the_bank_record() -> None:
    spec = default_spec("pop").with_changes(
        tracks={"chords": {"instrument": "rhodes"}, "kick": {"instrument": "sampled-808"}},
        banks={"fluidr3-gm": "deb:1", "sonic-pi-samples": "sha256:0123456789abcdef"},
    )
    assert spec.sampled_tracks() == {"kick": "sampled-808", "chords": "rhodes"}
    data = spec.to_dict()
    assert data["banks"] == {"fluidr3-gm": "deb:1", "sonic-pi-samples": "sha256:0123456789abcdef"}
    assert BeatSpec.from_dict({k: v for k, v in data.items() if k != "duration_s"}) == spec
    with pytest.raises(SpecError, match=r"tracks\.chords\.instrument.*sampled: grand-piano"):
        spec.with_changes(tracks={"chords": {"instrument": "harpsichord"}})
    with pytest.raises(SpecError, match=r"tracks\.clap\.instrument"):
        spec.with_changes(tracks={"clap": {"instrument": "acoustic-kit"}})
    with pytest.raises(SpecError, match=r"banks\.mystery: unknown sound bank"):
        spec.with_changes(banks={"mystery": "1"})
    with pytest.raises(SpecError, match=r"banks\.fluidr3-gm: must be the bank.s version"):
        spec.with_changes(banks={"fluidr3-gm": ""})
    # A disabled sampled track needs no bank.
    quiet = spec.with_changes(tracks={"chords": {"enabled": False}, "kick": {"enabled": False}})
    assert quiet.sampled_tracks() == {}


def test_a_render_whose_bank_is_missing_fails_naming_it_before_any_audio() -> None:
    spec = default_spec("rnb", bars=1).with_changes(tracks={"chords": {"instrument": "rhodes"}})
    with pytest.raises(BankMissing) as caught:
        render_master(spec, banks=NO_BANKS)
    assert isinstance(caught.value, SpecError)
    message = str(caught.value)
    assert "'fluidr3-gm' is not installed (needed by 'rhodes')" in message
    assert "make banks" in message and "apt-get install fluid-soundfont-gm" in message
    with pytest.raises(BankMissing):
        spec.with_banks(NO_BANKS)
    # The same spec with the track off renders from the synth palette alone.
    off = spec.with_changes(tracks={"chords": {"enabled": False}})
    assert render_master(off, banks=NO_BANKS).spec.banks == {}


def test_samples_txt_is_none_for_synth_beats_and_lists_each_bank_once() -> None:
    assert samples_txt(default_spec("trap")) is None
    spec = default_spec("boom-bap").with_changes(
        tracks={
            "kick": {"instrument": "acoustic-kit"},
            "hats": {"instrument": "acoustic-kit"},
            "chords": {"instrument": "rhodes"},
            "pad": {"enabled": True, "instrument": "sampled-strings"},
        },
        banks={"sonic-pi-samples": "deb:3.2.2~repack-8", "fluidr3-gm": "deb:3.1-5.3"},
    )
    text = samples_txt(spec)
    assert text is not None
    assert text.count("sonic-pi-samples (sonic-pi-samples deb:3.2.2~repack-8)") == 1
    assert text.count("fluidr3-gm (fluid-soundfont-gm deb:3.1-5.3)") == 1
    assert "Licence: CC0-1.0" in text and "Licence: MIT" in text
    assert "kick (acoustic-kit): drum_bass_soft.flac, drum_bass_hard.flac" in text
    assert "hats open (acoustic-kit): drum_cymbal_open.flac" in text
    assert "chords (rhodes): General MIDI program 5" in text
    assert "pad (sampled-strings): General MIDI program 49" in text
    assert "snare" not in text  # the synth snare takes nothing from a bank
    assert "amen" not in text.lower()


# --- with the banks installed -------------------------------------------------------------


@needs_banks
def test_presets_choose_sampled_voices_and_record_the_bank_versions() -> None:
    spec = default_spec("boom-bap", banks=HERE)
    assert spec.sampled_tracks() == GENRE_DEFAULTS["boom-bap"].sampled
    assert spec.banks == {
        "sonic-pi-samples": HERE.bank("sonic-pi-samples").version,
        "fluidr3-gm": HERE.bank("fluidr3-gm").version,
    }
    assert spec.banks["fluidr3-gm"].startswith("deb:")
    assert default_spec("techno", banks=HERE) == default_spec("techno")  # no sampled voices
    # A voice someone chose is kept: only tracks still on the genre's synth default change.
    chosen = default_spec("boom-bap").with_changes(tracks={"chords": {"instrument": "organ"}})
    assert prefer_sampled(chosen, HERE).tracks["chords"].instrument == "organ"
    assert prefer_sampled(chosen, HERE).tracks["kick"].instrument == "boom-bap-kit"


@needs_banks
def test_a_bank_at_another_version_than_recorded_is_refused() -> None:
    spec = default_spec("lo-fi", bars=1, banks=HERE)
    stale = replace(spec, banks={**spec.banks, "fluidr3-gm": "deb:0.1"})
    with pytest.raises(BankChanged, match=r"made with sound bank .fluidr3-gm. deb:0\.1"):
        render_master(stale, banks=HERE)
    # A spec that never recorded its banks gets them recorded by the render.
    bare = replace(spec, banks={})
    assert render_master(bare, banks=HERE).spec.banks == spec.banks


@needs_banks
@pytest.mark.parametrize("genre", GENRES)
@pytest.mark.parametrize("banked", [True, False])
def test_every_genre_renders_with_and_without_banks_at_exact_length_and_level(
    genre: str, banked: bool
) -> None:
    spec = default_spec(genre, bars=8, seed=3, banks=HERE if banked else NO_BANKS)
    result = render_master(spec, banks=HERE if banked else NO_BANKS)
    music = round(spec.duration_s * SAMPLE_RATE)
    assert result.master.shape == (2, music + int(1.5 * SAMPLE_RATE))
    assert set(result.stems) == set(spec.enabled_tracks())
    assert abs(integrated_loudness(result.master, SAMPLE_RATE) + 14.0) <= 0.5
    assert true_peak_dbfs(result.master) <= -1.0
    assert np.isfinite(result.master).all()
    assert bool(result.spec.sampled_tracks()) == (banked and genre in BANKED_GENRES)
    for track in result.spec.sampled_tracks():
        assert np.abs(result.stems[track]).max() > 1e-3, f"{track} is silent"


@needs_banks
def test_same_banked_spec_gives_byte_identical_audio_in_another_process() -> None:
    spec = default_spec("lo-fi", bars=4, seed=11, banks=HERE)
    first = render_master(spec)
    assert first.mix_wav() == render_master(spec).mix_wav()
    digest = hashlib.sha256(first.mix_wav()).hexdigest()
    code = (
        "import hashlib, sys; from generation.engine import BeatSpec, render_master; "
        "print(hashlib.sha256(render_master(BeatSpec.from_json(sys.stdin.read())).mix_wav()).hexdigest())"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        input=spec.to_json(),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert other.stdout.strip() == digest


@needs_banks
@pytest.mark.parametrize(
    ("track", "change"),
    [
        ("chords", {"instrument": "grand-piano"}),
        ("kick", {"instrument": "sampled-808"}),
        ("hats", {"instrument": "vintage-kit"}),
        ("melody", {"instrument": "lead"}),
    ],
)
def test_changing_one_sampled_track_leaves_every_other_stem_byte_identical(
    track: str, change: dict
) -> None:
    spec = default_spec("lo-fi", bars=8, seed=5, banks=HERE)
    before = render_master(spec)
    after = render_master(spec.with_changes(tracks={track: change}).with_banks(HERE))
    for name, stem in before.stems.items():
        if name != track:
            assert stem.tobytes() == after.stems[name].tobytes(), f"{name} changed with {track}"
    assert before.stems[track].tobytes() != after.stems[track].tobytes()


@needs_banks
def test_sampled_drums_sit_on_the_grid_and_no_two_hits_are_identical() -> None:
    spec = default_spec("boom-bap", bars=4, seed=2, banks=HERE).with_changes(swing=0.0)
    result = render_master(spec, humanize=False)
    spb = 60.0 / spec.bpm * SAMPLE_RATE
    sixteenth = 60.0 / spec.bpm / 4
    grid = np.arange(0, spec.duration_s, sixteenth)
    for name in ("kick", "snare"):
        stem = result.stems[name]
        first = round(result.arrangement.tracks[name][0].start_beat * spb)
        # Placed by sample index: silence up to the first hit, sound from its first sample.
        assert not stem[:first].any() and np.abs(stem[first : first + 44]).max() > 1e-4
        onsets = onset_times(stem, SAMPLE_RATE)
        onsets = onsets[onsets < spec.duration_s]
        errors = np.min(np.abs(onsets[:, None] - grid[None, :]), axis=1)
        # A recorded drum's energy peaks a few ms into the sample (bd_boom: 5 ms), which is
        # where the detector puts the onset; the placement itself is exact (above).
        assert onsets.size >= 4 and np.median(errors) < 0.008, (name, np.median(errors))
    # The tempo, as the synth tests track it: 8 bars (4 are too few for the tracker).
    eight = default_spec("boom-bap", bars=8, seed=2, banks=HERE)
    assert tempo_error(tracked_tempo(render_master(eight)), eight.bpm) < 0.02
    # Hits of the same sample at the same written velocity still differ (per-hit variation).
    kick = result.stems["kick"]
    events = result.arrangement.tracks["kick"]
    same = [round(e.start_beat * spb) for e in events if e.velocity == events[0].velocity]
    assert len(same) >= 2
    a, b = (kick[s : s + 4000] for s in same[:2])
    assert not np.array_equal(a, b)


@needs_banks
def test_sampled_kick_is_tuned_to_the_key_and_sampled_chords_are_in_it() -> None:
    for tonic in ("C", "F#"):
        spec = default_spec("boom-bap", bars=8, seed=4, banks=HERE).with_changes(
            key={"tonic": tonic, "mode": "minor"}
        )
        result = render_master(spec, humanize=False)
        first = round(result.arrangement.tracks["kick"][0].start_beat * 60 / spec.bpm * 44100)
        f = fundamental_hz(result.stems["kick"][first : first + 20000])
        pc = round(69 + 12 * np.log2(f / 440.0)) % 12
        assert pc in {spec.key.pitch_class, (spec.key.pitch_class + 7) % 12}, (tonic, f)
        assert pitched_key(result) == (tonic, "minor")


@needs_banks
def test_preview_renders_the_sampled_drums() -> None:
    from generation.engine import render_preview

    spec = default_spec("boom-bap", banks=HERE)
    preview = render_preview(spec, banks=HERE)
    assert preview.spec.sampled_tracks() == {
        t: i for t, i in spec.sampled_tracks().items() if t in preview.spec.enabled_tracks()
    }
    assert "kick" in preview.spec.sampled_tracks()


@needs_banks
def test_sound_report_shows_banked_rows_beside_the_synth_ones() -> None:
    from generation.engine.report import ReportSettings, format_report, run_report

    report = run_report(["lo-fi", "techno"], ReportSettings(bars=8, short_bars=8, banks=HERE))
    labels = [g["label"] for g in report["genres"]]
    assert labels == ["lo-fi", "lo-fi+banks", "techno"]  # techno has no sampled voices
    synth, banked = report["genres"][:2]
    assert synth["sampled"] == {} and banked["sampled"] == GENRE_DEFAULTS["lo-fi"].sampled
    assert banked["bank_versions"] == default_spec("lo-fi", banks=HERE).banks
    assert synth["bands"] != banked["bands"]  # measured from the banked render, not copied
    assert report["settings"]["banks"] is True
    text = format_report(report)
    assert "lo-fi+banks" in text
    plain = run_report(["lo-fi"], ReportSettings(bars=8, short_bars=8))
    assert [g["label"] for g in plain["genres"]] == ["lo-fi"]
    assert plain["genres"][0]["bands"] == synth["bands"]


@needs_banks
def test_bench_adds_a_banked_row_per_length() -> None:
    from generation.engine.bench import format_table, run_benchmark

    report = run_benchmark(
        ["pop"], [4.0], repeats=1, memory=False, banked=["boom-bap", "techno"], banks=HERE
    )
    assert [r["genre"] for r in report["rows"]] == ["pop", "boom-bap+banks"]
    assert report["notes"] == ["techno+banks: no sampled voices installed here (make banks)"]
    assert report["rows"][1]["job_x"] > 0
    assert "boom-bap+banks" in format_table(report)
    none = run_benchmark(["pop"], [4.0], repeats=1, memory=False, banked=["lo-fi"], banks=NO_BANKS)
    assert [r["genre"] for r in none["rows"]] == ["pop"] and none["notes"]


@needs_banks
def test_midi_of_a_banked_beat_names_the_sampled_programs() -> None:
    import io as _io

    import mido

    spec = default_spec("lo-fi", bars=2, banks=HERE)
    midi = mido.MidiFile(file=_io.BytesIO(render_master(spec).midi()))
    programs = {
        track.name.split(" ")[0]: msg.program
        for track in midi.tracks
        for msg in track
        if msg.type == "program_change"
    }
    assert programs["chords"] == 4 and programs["melody"] == 11  # rhodes, vibraphone
    assert "kick (acoustic-kit)" in [t.name for t in midi.tracks]


@needs_banks
def test_written_outputs_carry_samples_txt_only_for_banked_beats(tmp_path: Path) -> None:
    from generation.engine import write_outputs

    banked = write_outputs(render_master(default_spec("rnb", bars=2, banks=HERE)), tmp_path / "b")
    assert "fluidr3-gm (fluid-soundfont-gm deb:" in banked["SAMPLES.txt"].read_text()
    synth = write_outputs(render_master(default_spec("rnb", bars=2)), tmp_path / "s")
    assert "SAMPLES.txt" not in synth and not (tmp_path / "s" / "SAMPLES.txt").exists()


@needs_banks
def test_open_hats_are_choked_and_kick_tails_kept_short() -> None:
    from generation.engine.banks.parts import RING_S, sampled_part

    class Hit:
        def __init__(self, beat: float, voice: str) -> None:
            self.start_beat, self.length_beats, self.pitch = beat, 0.25, 0
            self.velocity, self.voice = 0.9, voice

    for track, voice in (("hats", "open"), ("kick", "")):
        part = sampled_part(
            track, "boom-bap-kit", [Hit(0.0, voice)], HERE, seed=1, samples_per_beat=22050.0
        )
        (sound,) = part.sounds.values()
        assert sound.size <= round(RING_S[track] * SAMPLE_RATE)
        assert abs(sound[-1]) < 1e-3  # faded, not cut
