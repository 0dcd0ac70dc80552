"""Spec validation: each invalid field raises SpecError naming that field, with a clear message."""

from __future__ import annotations

import pytest

from generation.engine import BeatSpec, SpecError, default_spec


def _base() -> dict:
    return default_spec("trap").to_dict()


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"genre": "polka"}, "genre", "not one of"),
        ({"bpm": 300}, "bpm", "between 40 and 220"),
        ({"bpm": "fast"}, "bpm", "must be a number"),
        ({"key": {"tonic": "H", "mode": "minor"}}, "key.tonic", "not a note name"),
        ({"key": {"tonic": "C", "mode": "dorian"}}, "key.mode", "major or minor"),
        ({"bars": 0}, "bars", "at least 1"),
        ({"bars": 2.5}, "bars", "whole number"),
        ({"bars": 2000}, "bars", "longer than 15 minutes"),
        ({"meter": "5/4"}, "meter", "not one of"),
        ({"swing": 1.5}, "swing", "between 0 and 1"),
        ({"energy": -0.1}, "energy", "between 0 and 1"),
        ({"mood": "DARK!!"}, "mood", "lowercase"),
        ({"seed": -1}, "seed", "whole number"),
        ({"loop": "yes"}, "loop", "true or false"),
        ({"sections": [{"name": "verse", "bars": 8}]}, "sections", "add up to"),
        ({"sections": [{"name": "solo", "bars": 32}]}, "sections.0.name", "not one of"),
        ({"tracks": {"cowbell": {}}}, "tracks.cowbell", "unknown track"),
        ({"tracks": {"hats": {"rate": 7}}}, "tracks.hats.rate", "notes per bar"),
        ({"tracks": {"kick": {"rate": 8}}}, "tracks.kick.rate", "only the hats"),
        ({"tracks": {"bass": {"instrument": "tuba"}}}, "tracks.bass.instrument", "not one of"),
        ({"tracks": {"pad": {"gain_db": 12}}}, "tracks.pad.gain_db", "between -24 and +6"),
        ({"tracks": {"melody": {"density": 2}}}, "tracks.melody.density", "between 0 and 1"),
        ({"tracks": {"snare": {"enabled": "on"}}}, "tracks.snare.enabled", "true or false"),
        ({"tempo": 120}, "tempo", "unknown field"),
    ],
)
def test_each_invalid_field_gets_its_own_error(change, field, fragment):
    data = _base() | change
    with pytest.raises(SpecError) as caught:
        BeatSpec.from_dict(data)
    assert caught.value.field == field
    assert fragment in caught.value.message


def test_every_instrument_listed_for_a_track_is_accepted_and_renders():
    from generation.engine import INSTRUMENTS, render_master

    for track, instruments in INSTRUMENTS.items():
        for instrument in instruments:
            spec = default_spec("pop", bars=1).with_changes(
                tracks={track: {"enabled": True, "instrument": instrument}}
            )
            result = render_master(spec)
            assert result.stems[track].any(), f"{track}/{instrument} is silent"


def test_defaults_use_canonical_sharp_tonics():
    assert default_spec("rnb").key.tonic == "D#"
