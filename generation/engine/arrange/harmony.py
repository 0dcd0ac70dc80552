"""Harmony: progression per section, chord spans, voicings with a tonic pedal, pads."""

from __future__ import annotations

from dataclasses import replace

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


# The pad's figure per section: held through each chord, re-struck every bar or every half
# bar, and placed on the bar line, pushed an 8th early (anticipation) or laid an 8th late.
_PAD_STRIKES = ("span", "bar", "half")
_PAD_OFFSETS = (0.0, -0.5, 0.5)


def _pad_figures(ctx: _Context) -> list[tuple[str, float]]:
    """(strike, offset in beats) per section, drawn from the seed: two seeds of one
    progression differ section by section in when the pad sounds, not just in register."""
    rng = _rng(ctx.spec.seed, "pad-figure")
    return [
        (
            _PAD_STRIKES[int(rng.integers(len(_PAD_STRIKES)))],
            _PAD_OFFSETS[int(rng.integers(len(_PAD_OFFSETS)))],
        )
        for _ in ctx.sections
    ]


def _pad(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    spec = ctx.spec
    harmony = ctx.grammar.harmony
    human = _Humanizer(rng, ctx, 0.5)
    events: list[NoteEvent] = []
    voicing: list[int] | None = None
    # The seed moves the pad's register a few semitones (another inversion), so two seeds
    # of one progression voice it differently.
    center = harmony.pad_center + ctx.palette.get("pad_shift", 0)
    # Short beats and loops hold each chord from its bar line (a seamless loop, the core).
    figures = _pad_figures(ctx) if spec.bars >= 16 and not spec.loop else None
    per_bar = spec.beats_per_bar
    for index, (first, bars, root) in enumerate(_chord_spans(ctx, "pad")):
        voicing = voice_chord(spec.key, root, harmony.pad_tones, center=center, previous=voicing)
        strike, offset = ("span", 0.0)
        if figures is not None:
            strike, offset = figures[ctx.sections.index(ctx.section(first))]
        span = bars * per_bar
        step = {"span": span, "bar": per_bar, "half": per_bar / 2}[strike]
        onsets = [k * step for k in range(max(1, round(span / step)))]
        velocity = human.velocity(0.7)
        pitches = _with_pedal(spec, voicing, center - 12, center)
        for number, onset in enumerate(onsets):
            end = onsets[number + 1] if number + 1 < len(onsets) else span
            # The very first pad note cannot lean in before the beat starts.
            shift = 0.0 if (index == 0 and number == 0 and offset < 0) else offset
            start = ctx.beat(first, 0) + onset + shift
            # A late note ends on the grid, an early one an 8th early: never past the span.
            length = end - onset - max(shift, 0.0)
            for pitch in pitches:
                events.append(NoteEvent(start, length, pitch, velocity))
    return _no_overlaps(events)


def _no_overlaps(events: list[NoteEvent]) -> list[NoteEvent]:
    """Each note cut where the next note of its pitch starts (a pushed chord over a held
    common tone): one MIDI channel never holds two notes of one pitch."""
    ordered = sorted(events, key=lambda e: (e.start_beat, e.pitch))
    last: dict[int, int] = {}
    for position, event in enumerate(ordered):
        before = last.get(event.pitch)
        if before is not None:
            previous = ordered[before]
            room = event.start_beat - previous.start_beat
            if previous.length_beats > room:
                ordered[before] = replace(previous, length_beats=room)
        last[event.pitch] = position
    return ordered
