"""MIDI export: conductor meta at tick 0, one track per instrument, GM drums on channel 10."""

from __future__ import annotations

import io

import mido
import pytest

from generation.engine import default_spec, render_master
from generation.engine.arrange import gm_drum_note
from generation.engine.dsp.theory import scale_intervals

GM_DRUM_NOTES = {35, 36, 37, 38, 39, 42, 44, 45, 46, 47, 49, 50, 51, 53, 56, 62, 63, 64, 70, 82}


@pytest.mark.parametrize(
    ("genre", "tonic", "mode"),
    [("trap", "F", "minor"), ("pop", "A#", "major"), ("afrobeats", "G", "major")],
)
def test_midi_has_meta_at_tick_zero_and_a_track_per_enabled_instrument(genre, tonic, mode):
    spec = default_spec(genre, bars=8).with_changes(key={"tonic": tonic, "mode": mode}, bpm=123.0)
    midi = mido.MidiFile(file=io.BytesIO(render_master(spec).midi()))
    assert midi.type == 1
    conductor = midi.tracks[0]
    meta = {m.type: m for m in conductor if m.is_meta and m.time == 0}
    assert meta["set_tempo"].tempo == round(60_000_000 / 123.0)
    assert (meta["time_signature"].numerator, meta["time_signature"].denominator) == (4, 4)
    assert meta["key_signature"].key.endswith("m") == (mode == "minor")
    names = [track.name.split()[0] for track in midi.tracks[1:]]
    assert names == spec.enabled_tracks()


def test_drums_are_on_channel_10_with_general_midi_notes_and_pitched_notes_are_in_key():
    spec = default_spec("drill", bars=8)
    midi = mido.MidiFile(file=io.BytesIO(render_master(spec).midi()))
    scale = {(spec.key.pitch_class + i) % 12 for i in scale_intervals(spec.key)}
    leading_tone = (spec.key.pitch_class + 11) % 12  # harmonic minor cadences
    for track in midi.tracks[1:]:
        name = track.name.split()[0]
        notes = [m for m in track if m.type == "note_on" and m.velocity > 0]
        assert notes, name
        if name in ("kick", "snare", "clap", "hats", "perc"):
            assert {m.channel for m in notes} == {9}
            assert {m.note for m in notes} <= GM_DRUM_NOTES
        else:
            assert 9 not in {m.channel for m in notes}
            assert {m.note % 12 for m in notes} <= scale | {leading_tone}


def test_gm_notes_follow_the_general_midi_percussion_map():
    assert gm_drum_note("kick", "808", "") == 36
    assert gm_drum_note("snare", "rim", "") == 37
    assert gm_drum_note("clap", "classic", "") == 39
    assert gm_drum_note("hats", "closed", "closed") == 42
    assert gm_drum_note("hats", "808", "open") == 46
    assert gm_drum_note("hats", "closed", "open") == 46  # not the instrument's own 42
    assert gm_drum_note("perc", "cowbell", "low") == 56


@pytest.mark.parametrize("meter", ["3/4", "6/8"])
def test_other_meters_write_their_time_signature(meter):
    spec = default_spec("pop", bars=4).with_changes(meter=meter)
    midi = mido.MidiFile(file=io.BytesIO(render_master(spec).midi()))
    signature = next(m for m in midi.tracks[0] if m.type == "time_signature")
    assert f"{signature.numerator}/{signature.denominator}" == meter
