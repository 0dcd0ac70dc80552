"""Harmony: progression per section, chord spans, voicings with a tonic pedal, pads."""

from __future__ import annotations

import numpy as np

from ..dsp.theory import degree_to_midi, nearest_in_range, voice_chord
from ..genres import GenreGrammar
from ..spec import BeatSpec
from .context import _Context, _Humanizer
from .model import NoteEvent, Section, _rng


def _plan_harmony(
    spec: BeatSpec, grammar: GenreGrammar, sections: tuple[Section, ...]
) -> tuple[int, ...]:
    harmony = grammar.harmony
    progressions = harmony.minor if spec.key.mode == "minor" else harmony.major
    rng = _rng(spec.seed, "harmony")
    main = int(rng.integers(len(progressions)))
    alternate = (main + 1) % len(progressions)
    # The harmonic rhythm (bars per chord) is the seed's too, where the genre allows more
    # than one: its own draw, so the progression a seed picks stays what it was.
    choices = harmony.bars_per_chord_choices or (harmony.bars_per_chord,)
    per_chord = choices[int(_rng(spec.seed, "harmonic-rhythm").integers(len(choices)))]
    if spec.bars < 16 or spec.loop:
        per_chord = harmony.bars_per_chord  # short beats and loops keep the whole cycle
    roots: list[int] = []
    for section in sections:
        progression = progressions[alternate if section.name in ("bridge", "break") else main]
        for bar in range(section.bars):
            index = (bar // per_chord) % len(progression)
            roots.append(progression[index] - 1)
    return tuple(roots)


def _chord_spans(ctx: _Context, track: str) -> list[tuple[int, int, int]]:
    """(first bar, bars, root degree) runs of one chord while the track plays."""
    spans: list[tuple[int, int, int]] = []
    for bar in range(ctx.spec.bars):
        if not ctx.active(track, bar):
            continue
        root = ctx.bar_roots[bar]
        section_start = ctx.section(bar).start_bar == bar
        if (
            spans
            and spans[-1][0] + spans[-1][1] == bar
            and spans[-1][2] == root
            and not section_start
        ):
            first, count, _ = spans[-1]
            spans[-1] = (first, count + 1, root)
        else:
            spans.append((bar, 1, root))
    return spans


def _with_pedal(spec: BeatSpec, voicing: list[int], low: int, high: int) -> list[int]:
    """The voicing plus the key's tonic (placed in ``[low, high)``) if it lacks one.

    A tonic pedal under or inside every chord is what makes i-VI-III-VII heard as minor
    rather than as vi-IV-I-V of the relative major, by ears and key estimators alike.
    """
    tonic = spec.key.pitch_class
    if any(p % 12 == tonic for p in voicing):
        return voicing
    pedal = nearest_in_range(degree_to_midi(spec.key, 0), low, high)
    return sorted({*voicing, pedal})


def _drop_two(pitches: list[int]) -> list[int]:
    """The open (drop-2) voicing: the second-highest note an octave down."""
    ordered = sorted(pitches)
    ordered[-2] -= 12
    return sorted(ordered)


def _chords(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    spec = ctx.spec
    harmony = ctx.grammar.harmony
    human = _Humanizer(rng, ctx, 0.7)
    events: list[NoteEvent] = []
    voicing: list[int] | None = None
    for bar in range(spec.bars):
        if not ctx.active("chords", bar):
            continue
        # The seed picks the register; hooks voice the chords higher (a new inversion),
        # so verse and hook differ in colour as well as in rhythm.
        center = harmony.chord_center + ctx.palette.get("chord_shift", 0)
        if ctx.section(bar).name in ("hook", "drop"):
            center += 3
        voicing = voice_chord(
            spec.key, ctx.bar_roots[bar], harmony.tones, center=center, previous=voicing
        )
        pitches = _with_pedal(spec, voicing, center - 6, center + 6)
        if ctx.palette.get("chord_spread", 0) and len(pitches) >= 3:
            pitches = _drop_two(pitches)
        rhythms = harmony.chord_rhythm
        grid = ctx.fit(rhythms[ctx.variant("chords", bar, len(rhythms))])
        for step, char in enumerate(grid):
            if char != "x":
                continue
            length = 1
            while step + length < len(grid) and grid[step + length] == "-":
                length += 1
            start = human.time(ctx.beat(bar, step))
            velocity = human.velocity(0.75 if step % 4 == 0 else 0.65)
            for pitch in pitches:
                events.append(NoteEvent(start, length / 4.0, pitch, velocity))
    return events


def _pad(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    spec = ctx.spec
    harmony = ctx.grammar.harmony
    human = _Humanizer(rng, ctx, 0.5)
    events: list[NoteEvent] = []
    voicing: list[int] | None = None
    # The seed moves the pad's register a few semitones (another inversion), so two seeds
    # of one progression voice it differently.
    center = harmony.pad_center + ctx.palette.get("pad_shift", 0)
    # Half the seeds push each chord change an 8th early (anticipation), from the second
    # span on: the pad leans into the next bar's harmony.
    push = 0.5 if ctx.palette.get("pad_rhythm", 0) % 2 else 0.0
    for index, (first, bars, root) in enumerate(_chord_spans(ctx, "pad")):
        voicing = voice_chord(spec.key, root, harmony.pad_tones, center=center, previous=voicing)
        start = ctx.beat(first, 0)
        length = bars * spec.beats_per_bar
        if push and index > 0:
            start, length = start - push, length
        velocity = human.velocity(0.7)
        for pitch in _with_pedal(spec, voicing, center - 12, center):
            events.append(NoteEvent(start, length - push, pitch, velocity))
    return events
