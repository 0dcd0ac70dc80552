"""The counter-melody: in hooks only, chord tones under the lead, not a doubling of it,
its own line (the lead is the same without it) and deterministic (notes only, fast)."""

from __future__ import annotations

import dataclasses
import itertools
import statistics

import pytest

from generation.engine import GENRES, arrange, default_spec
from generation.engine.arrange.counter import COUNTER_SECTIONS, COUNTER_VOICE
from generation.engine.dsp.theory import degree_to_midi
from generation.engine.genres import GRAMMARS

WITH_COUNTER = [g for g in GENRES if GRAMMARS[g].melody.counter]
WITHOUT_COUNTER = [g for g in GENRES if not GRAMMARS[g].melody.counter]


def _beat(genre: str, seed: int = 3, bars: int = 40):
    spec = default_spec(genre, bars=bars, seed=seed).with_changes(
        tracks={"melody": {"enabled": True}}
    )
    return arrange(spec, humanize=False)


def _split(arrangement):
    melody = arrangement.tracks["melody"]
    lead = [n for n in melody if n.voice != COUNTER_VOICE]
    counter = [n for n in melody if n.voice == COUNTER_VOICE]
    return lead, counter


def _bar(arrangement, note) -> int:
    return int(note.start_beat // arrangement.beats_per_bar + 1e-9)


def test_the_genres_that_want_a_counter_melody_are_the_melodic_ones():
    assert set(WITHOUT_COUNTER) == {"house", "techno", "boom-bap", "drum-and-bass"}


@pytest.mark.parametrize("genre", WITH_COUNTER)
def test_the_counter_melody_plays_in_hooks_only(genre):
    arrangement = _beat(genre)
    lead, counter = _split(arrangement)
    assert lead and counter
    sections = {arrangement.section_of_bar(_bar(arrangement, n)).name for n in counter}
    assert sections <= set(COUNTER_SECTIONS)
    hook_bars = [
        bar
        for s in arrangement.sections
        if s.name in COUNTER_SECTIONS
        for bar in range(s.start_bar, s.end_bar)
    ]
    # Every hook bar has it (one or two notes a bar).
    assert {_bar(arrangement, n) for n in counter} == set(hook_bars)


@pytest.mark.parametrize("genre", WITH_COUNTER)
def test_counter_notes_are_tones_of_their_bars_chord(genre):
    arrangement = _beat(genre)
    spec = arrangement.spec
    _, counter = _split(arrangement)
    for note in counter:
        root = arrangement.bar_roots[_bar(arrangement, note)]
        chord = {degree_to_midi(spec.key, (root + k) % 7) % 12 for k in (0, 2, 4)}
        assert note.pitch % 12 in chord, (genre, note)


@pytest.mark.parametrize("genre", WITH_COUNTER)
@pytest.mark.parametrize("seed", [1, 2, 7])
def test_the_counter_melody_is_a_line_of_its_own_under_the_lead(genre, seed):
    arrangement = _beat(genre, seed)
    lead, counter = _split(arrangement)
    doubled = 0
    for note in counter:
        sounding = [
            n for n in lead if n.start_beat <= note.start_beat < n.start_beat + n.length_beats
        ]
        if any((n.pitch - note.pitch) % 12 == 0 for n in sounding):
            doubled += 1
    assert doubled <= 0.1 * len(counter), f"{doubled} of {len(counter)} double the lead"
    # Lower and longer than the lead, and it moves.
    assert statistics.mean(n.pitch for n in counter) < statistics.mean(n.pitch for n in lead) - 3
    assert statistics.mean(n.length_beats for n in counter) > statistics.mean(
        n.length_beats for n in lead
    )
    assert len({n.pitch for n in counter}) >= 3
    moves = [b.pitch - a.pitch for a, b in itertools.pairwise(counter)]
    assert sum(1 for m in moves if m) >= len(moves) / 3  # oblique motion holds a tone


@pytest.mark.parametrize("genre", WITH_COUNTER)
def test_no_counter_note_shares_a_pitch_with_a_lead_note_it_overlaps(genre):
    # One MIDI channel carries both lines: two overlapping notes of one pitch would cut
    # each other short in a player, and would be a unison to the ear.
    lead, counter = _split(_beat(genre, 11))
    for note in counter:
        end = note.start_beat + note.length_beats
        for other in lead:
            overlapping = other.start_beat < end and other.start_beat + other.length_beats > (
                note.start_beat
            )
            assert not (overlapping and other.pitch == note.pitch), (genre, note, other)


@pytest.mark.parametrize("genre", ["trap", "pop", "lo-fi"])
def test_the_lead_is_the_same_without_the_counter_melody(genre, monkeypatch):
    lead, counter = _split(_beat(genre))
    grammar = GRAMMARS[genre]
    plain = dataclasses.replace(grammar, melody=dataclasses.replace(grammar.melody, counter=False))
    monkeypatch.setitem(GRAMMARS, genre, plain)
    alone, none = _split(_beat(genre))
    assert counter and not none
    assert alone == lead


@pytest.mark.parametrize("genre", WITHOUT_COUNTER)
def test_genres_without_a_counter_melody_play_the_lead_alone(genre):
    lead, counter = _split(_beat(genre))
    assert lead and not counter


def test_the_counter_melody_is_deterministic_and_seeded():
    first, second = _split(_beat("synthwave", 4))[1], _split(_beat("synthwave", 4))[1]
    assert first == second
    other = _split(_beat("synthwave", 5))[1]
    assert [n.pitch for n in other] != [n.pitch for n in first]
