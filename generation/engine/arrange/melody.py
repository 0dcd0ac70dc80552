"""Melody: a one-bar motif played A A A' B per phrase, resolving to the tonic, and a
counter-melody under it in hooks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..dsp.theory import degree_to_midi, nearest_in_range
from ..genres import SECTION_MELODY
from .context import _Context, _Humanizer
from .counter import Written, counter_melody
from .model import NoteEvent, _rng


@dataclass
class _Motif:
    rhythm: list[tuple[int, int]]  # (step, length in steps)
    moves: list[int]  # scale-degree motion into each note after the first


def _make_motif(ctx: _Context, rng: np.random.Generator, grid: str) -> _Motif:
    grid = ctx.fit(grid)
    onsets = [i for i, c in enumerate(grid) if c == "x"]
    rhythm = []
    for index, step in enumerate(onsets):
        nxt = onsets[index + 1] if index + 1 < len(onsets) else len(grid)
        length = 1
        while step + length < len(grid) and grid[step + length] == "-":
            length += 1
        if length == 1:
            length = min(4, nxt - step)
        rhythm.append((step, length))
    moves = []
    leap = ctx.grammar.melody.leap
    for _ in rhythm[1:]:
        if rng.random() < leap:
            moves.append(int(rng.choice([-4, -3, -2, 2, 3, 4])))
        else:
            moves.append(int(rng.choice([-1, 1, 1, -1, 0])))
    return _Motif(rhythm, moves)


def _melody(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    spec = ctx.spec
    grammar = ctx.grammar.melody
    human = _Humanizer(rng, ctx, 0.8)
    rhythms = grammar.rhythms
    main = _make_motif(ctx, rng, rhythms[int(rng.integers(len(rhythms)))])
    answer = _make_motif(ctx, rng, rhythms[int(rng.integers(len(rhythms)))])
    octave = grammar.center // 12 - 1
    low, high = grammar.center - 8, grammar.center + 10
    events: list[NoteEvent] = []
    written: list[Written] = []
    degree = 0
    for bar in range(spec.bars):
        if not ctx.active("melody", bar):
            continue
        section = ctx.section(bar)
        mode = SECTION_MELODY[section.name]
        position = (bar - section.start_bar) % 4
        if mode == "sparse" and position % 2 == 1:
            continue
        motif = answer if position == 3 else main
        moves = list(motif.moves)
        if position == 2 and moves:
            # The third bar varies the motif: one move is re-drawn, the contour survives.
            index = int(rng.integers(len(moves)))
            moves[index] = int(rng.choice([-2, -1, 1, 2]))
        if mode == "varied":
            moves = [-m for m in moves]
        chord = ctx.bar_roots[bar]
        chord_tones = [chord, chord + 2, chord + 4]
        # Start each bar on a chord tone near the last note, preferring tones of the tonic
        # triad: the line follows the harmony and keeps pointing home.
        home = [t for t in chord_tones if t % 7 in (0, 2, 4)] or chord_tones
        # The key's third names the mode: where the chord has it, it wins a near tie.
        anchor = min(
            (t + 7 * k for t in home for k in (-2, -1, 0, 1)),
            key=lambda d: (abs(d - degree) - (1.5 if d % 7 == 2 else 0.0), d),
        )
        degree = anchor
        notes = []
        for index, (step, length) in enumerate(motif.rhythm):
            if index > 0:
                degree += moves[index - 1]
            notes.append([step, length, degree])
        if position == 3 and notes:
            # Phrase ends resolve to the tonic.
            notes[-1][2] = 7 * round(notes[-1][2] / 7)
            degree = notes[-1][2]
        for step, length, note_degree in notes:
            pitch = degree_to_midi(spec.key, note_degree, octave=octave)
            folded = nearest_in_range(pitch, low, high)
            if folded != pitch:
                degree += 7 * ((folded - pitch) // 12)
            pitch = folded
            if (
                grammar.harmonic_minor
                and spec.key.mode == "minor"
                and note_degree % 7 == 6
                and position == 3
            ):
                pitch += 1  # the raised leading tone of harmonic minor, only into the cadence
            velocity = human.velocity(0.8 if step % 4 == 0 else 0.68)
            events.append(
                NoteEvent(human.time(ctx.beat(bar, step)), length / 4.0 * 0.95, pitch, velocity)
            )
            written.append((bar, step, length, pitch))
    if grammar.counter:
        # Its own RNG stream: the lead's notes do not depend on the counter-melody.
        events.extend(counter_melody(ctx, _rng(spec.seed, "melody:counter"), written))
    return events
