"""Undo/redo of several steps, and the mixer requests (solo, mute) the studio reads."""

from __future__ import annotations

import pytest

from chat.assistant import interpret
from chat.assistant.interpreter import fresh_spec

TRAP = fresh_spec("trap")


@pytest.mark.parametrize(
    ("text", "action", "steps"),
    [
        ("go back two versions", "undo", 2),
        ("undo twice", "undo", 2),
        ("undo the last 3 changes", "undo", 3),
        ("undo x3", "undo", 3),
        ("undo 2x", "undo", 2),
        ("go back 2 steps", "undo", 2),
        ("revert the last two edits", "undo", 2),
        ("undo three times pls", "undo", 3),
        ("3 steps back", "undo", 3),
        ("back 2 versions", "undo", 2),
        ("i liked it better 2 versions ago", "undo", 2),
        ("undo the last couple changes", "undo", 2),
        ("nah go back like 4 versions", "undo", 4),
        ("redo twice", "redo", 2),
        ("redo x2", "redo", 2),
        ("go forward 3 steps", "redo", 3),
        ("undo", "undo", 1),
        ("take that back", "undo", 1),
        ("redo", "redo", 1),
    ],
)
def test_undo_and_redo_count_their_steps(text, action, steps):
    intent = interpret(text, TRAP)
    assert (intent.action, intent.steps) == (action, steps)
    assert intent.to_dict()["steps"] == steps


@pytest.mark.parametrize(
    "text", ["go back to version 2", "go back to 140", "give me 3 versions", "3 more bars"]
)
def test_numbers_near_history_words_are_not_steps(text):
    assert interpret(text, TRAP).steps == 1


def test_a_version_number_is_a_restore_not_steps():
    intent = interpret("go back to version 2", TRAP)
    assert intent.restore_version == 2 and intent.steps == 1


@pytest.mark.parametrize(
    ("text", "solo"),
    [
        ("solo the 808", ["bass"]),
        ("solo the drums", ["kick", "snare", "clap", "hats"]),
        ("let me hear the bass alone", ["bass"]),
        ("melody solo", ["melody"]),
    ],
)
def test_solo_is_a_mixer_request_and_no_edit(text, solo):
    intent = interpret(text, TRAP)
    assert intent.action == "help" and intent.spec is None
    assert intent.mixer == {"solo": solo}
    assert "mixer" in intent.reply


def test_solo_of_a_track_that_is_off_lights_nothing_and_says_so():
    quiet = TRAP.with_changes(tracks={"melody": {"enabled": False}})
    intent = interpret("solo the melody", quiet)
    assert intent.mixer is None and intent.spec is None
    assert "bring" in intent.reply


@pytest.mark.parametrize(
    ("text", "muted", "off"),
    [
        ("mute the hats", ["hats"], {"hats"}),
        ("hats on mute", ["hats"], {"hats"}),
        ("mute the 808 and the clap", ["clap", "bass"], {"clap", "bass"}),
        ("mute everything except the drums", ["bass", "melody", "pad"], {"bass", "melody", "pad"}),
    ],
)
def test_mute_is_an_edit_and_a_mixer_mute(text, muted, off):
    intent = interpret(text, TRAP)
    assert intent.action == "modify"
    assert {n for n, t in intent.spec.tracks.items() if not t.enabled} >= off
    assert intent.mixer == {"mute": muted}


def test_remove_is_an_edit_without_a_mixer_mute():
    intent = interpret("remove the hats", TRAP)
    assert not intent.spec.tracks["hats"].enabled and intent.mixer is None


def test_an_edit_with_a_solo_keeps_both():
    intent = interpret("mute the hats and solo the bass", TRAP)
    assert intent.mixer == {"solo": ["bass"], "mute": ["hats"]}
