"""Replies say exactly what was made or changed, and answer questions from the spec."""

from __future__ import annotations

import json

import pytest

from chat.assistant import interpret, replies
from chat.assistant.batch import spec_from_given

TRAP = spec_from_given({"genre": "trap", "bpm": 140, "tonic": "F", "mode": "minor"})


def test_create_reply_names_genre_key_tempo_length_and_tracks():
    intent = interpret("dark trap beat, 140 bpm, F minor, 2 minutes", None)
    assert intent.action == "create"
    reply = intent.reply
    for part in ("trap", "F minor", "140", "2:00", "808"):
        assert part in reply, (part, reply)


def test_make_me_a_beat_says_what_it_chose():
    intent = interpret("make me a beat", None)
    assert intent.action == "create"
    assert "picked" in intent.reply
    assert replies.describe(intent.spec).split(" at ")[0].split()[-1] in intent.reply


def test_modify_reply_has_the_headline_and_the_change():
    start = TRAP.with_changes(bars=70)
    intent = interpret("double time hats", start)
    assert intent.reply == "F minor trap at 140, 2:00 — hats doubled to 1/32, everything else kept."
    assert intent.changes == ["hats 1/16 → 1/32"]


@pytest.mark.parametrize(
    ("text", "change", "said"),
    [
        ("make it 150 bpm", "bpm 140 → 150", "tempo 140 → 150"),
        ("no melody", "melody off", "melody out"),
        ("add percussion", "percussion on", "percussion in"),
        ("change the key to G minor", "key F minor → G minor", "key F minor → G minor"),
        ("twice as long", "length 0:55 → 1:50 (32 → 64 bars)", "length 0:55 → 1:50"),
        ("more swing", "swing 0% → 25%", "swing 0% → 25%"),
        ("another one", "new variation", "fresh variation"),
        ("make the 808 louder", "808 +3 dB", "808 +3 dB"),
    ],
)
def test_each_change_is_listed_and_said(text, change, said):
    intent = interpret(text, TRAP)
    assert intent.action == "modify"
    assert change in intent.changes
    assert said in intent.reply
    assert intent.reply.endswith("everything else kept.")


def test_genre_switch_reply_says_what_was_kept():
    intent = interpret("make it drill", TRAP)
    assert intent.spec.genre == "drill"
    assert intent.spec.bpm == 142  # the new genre's tempo
    assert (intent.spec.key.tonic, intent.spec.key.mode) == ("F", "minor")
    assert "switched to drill" in intent.reply and "key and length kept" in intent.reply


def test_genre_switch_with_a_stated_tempo_keeps_it():
    intent = interpret("make it house at 128", TRAP)
    assert (intent.spec.genre, intent.spec.bpm) == ("house", 128)


def test_no_op_modify_says_nothing_changed_and_renders_nothing():
    intent = interpret("make it 140", TRAP)
    assert intent.action == "modify"
    assert intent.changes == []
    assert not intent.changes_spec
    assert "nothing to change" in intent.reply


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("what key is this?", "F minor"),
        ("how fast is this beat?", "140 BPM"),
        ("how long is it?", "0:55"),
        ("what's playing?", "Playing: kick"),
        ("what genre is this", "trap"),
        ("is there swing?", "no swing"),
    ],
)
def test_question_is_answered_from_the_current_spec(text, answer):
    intent = interpret(text, TRAP)
    assert intent.action == "question"
    assert answer in intent.reply


def test_question_without_a_beat_says_so():
    intent = interpret("what key is this?", None)
    assert intent.action == "question"
    assert "no beat yet" in intent.reply


def test_genre_tempo_question_uses_the_presets():
    intent = interpret("what's a good tempo for drill?", TRAP)
    assert "138 to 146" in intent.reply


def test_help_lists_what_the_user_can_say():
    reply = interpret("what can you do?", None).reply
    for example in ('"faster hats"', '"undo"', '"stems?"', '"what key is this?"'):
        assert example in reply


def test_export_reply_names_the_format_for_the_service_to_complete():
    intent = interpret("give me the stems", TRAP)
    assert intent.export == "stems"
    assert intent.reply.startswith("Stems") and intent.reply.endswith(":")


def test_conversation_create_modify_modify_undo_redo_export():
    create = interpret("lofi beat for studying, 80 bpm, 2 minutes", None)
    assert create.action == "create" and create.spec.genre == "lo-fi"
    first = interpret("add some strings and make it a bit faster", create.spec)
    assert first.action == "modify"
    assert first.spec.tracks["pad"].enabled and first.spec.bpm > 80
    assert first.spec.key == create.spec.key and first.spec.bars == create.spec.bars
    second = interpret("drop the melody", first.spec)
    assert second.changes == ["melody off"]
    assert second.spec.bpm == first.spec.bpm and second.spec.tracks["pad"].enabled
    undo = interpret("nah go back", second.spec)
    assert (undo.action, undo.spec) == ("undo", None)
    redo = interpret("redo", first.spec)
    assert redo.action == "redo"
    export = interpret("download mp3", second.spec)
    assert (export.action, export.export) == ("export", "mp3")
    for intent in (create, first, second, undo, redo, export):
        json.dumps(intent.to_dict())


def test_restore_version_by_number():
    intent = interpret("go back to version 2", TRAP)
    assert (intent.action, intent.restore_version) == ("undo", 2)
    assert "version 2" in intent.reply


def test_bring_the_melody_back_is_a_track_change_not_redo():
    muted = TRAP.with_changes(tracks={"melody": {"enabled": False}})
    assert interpret("bring the melody back", muted).changes == ["melody on"]
    assert interpret("bring it back", muted).action == "redo"


@pytest.mark.parametrize(
    ("tonic", "mode", "label"),
    [
        ("C#", "minor", "C# minor"),
        ("C#", "major", "Db major"),
        ("A#", "minor", "Bb minor"),
        ("D#", "minor", "Eb minor"),
        ("F#", "major", "F# major"),
        ("G#", "major", "Ab major"),
    ],
)
def test_keys_are_spelled_the_way_producers_write_them(tonic, mode, label):
    spec = TRAP.with_changes(key={"tonic": tonic, "mode": mode})
    assert replies.key_label(spec) == label


def test_again_with_history_repeats_the_last_edit():
    first = interpret("a bit faster", TRAP)
    again = interpret("again", first.spec, history=["dark trap beat", "a bit faster"])
    assert again.action == "modify" and again.spec.bpm > first.spec.bpm
    more = interpret(
        "even more",
        again.spec,
        history=[{"role": "user", "text": "more swing"}, {"role": "assistant", "text": "ok"}],
    )
    assert more.spec.swing > again.spec.swing


def test_again_without_history_is_a_new_variation():
    intent = interpret("again", TRAP)
    assert intent.changes == ["new variation"]
