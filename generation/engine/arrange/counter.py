"""Counter-melody: a second, lower line of long chord tones in the gaps of the lead."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..dsp.theory import degree_to_midi
from .context import _Context, _Humanizer
from .model import NoteEvent

# (bar, step, length in steps, MIDI pitch) of each written lead note.
Written = tuple[int, int, int, int]

COUNTER_VOICE = "counter"  # NoteEvent.voice of the counter-melody's notes
COUNTER_SECTIONS = ("hook", "drop")  # the hook adds the counter-melody; the verse holds back
# The counter sits below the lead: its range in semitones under the lead's centre.
_BELOW = (16, 2)
_VELOCITY = 0.6  # about 5 LU under the lead in the melody stem: heard, behind it
_LENGTHS = (4, 8, 16)  # the counter's note lengths, in 16ths


def _onsets(ctx: _Context, lead: Sequence[Written], whole: bool) -> list[int]:
    """The counter's onsets in one bar: one per half bar (one per bar on phrase ends),
    on the 8th in that half where the lead neither starts nor sounds, else the earliest
    8th where it does not start a note."""
    if whole:
        halves = [0]
        span = ctx.steps
    else:
        span = ctx.steps // 2
        halves = [0, span]
    starts = {step for _, step, _, _ in lead}
    sounding = {s for _, step, length, _ in lead for s in range(step, step + length)}
    onsets = []
    for half in halves:
        candidates = range(half, half + span, 2)
        onsets.append(
            min(
                candidates,
                key=lambda s: (3 * (s in starts) + 2 * (s in sounding) + 0.1 * (s - half), s),
            )
        )
    return onsets


def _lead_pitch_at(lead: Sequence[Written], step: int) -> int | None:
    """The lead note sounding at ``step`` of its bar, else the next one to start."""
    for _, start, length, pitch in lead:
        if start <= step < start + length:
            return pitch
    later = [(start, pitch) for _, start, _, pitch in lead if start > step]
    return min(later)[1] if later else None


def _choose(
    candidates: Sequence[int],
    previous: int,
    lead_now: int | None,
    lead_move: int,
    held: frozenset[int] = frozenset(),
) -> int:
    """The chord tone that moves least (but moves), against the lead's direction
    (contrary motion), not in unison or octaves with the lead (``lead_now``, and the pitch
    classes ``held`` of every lead note it sounds under) and not above it."""

    def cost(pitch: int) -> tuple[float, int]:
        move = pitch - previous
        # A held tone costs more than a step to the next chord tone: the line moves.
        score = abs(move) if move else 4.5
        if lead_move and move and np.sign(move) == np.sign(lead_move):
            score += 6.0  # parallel motion with the lead
        if pitch % 12 in held:
            score += 8.0  # in octaves with a lead note it sounds under
        if lead_now is not None:
            if (pitch - lead_now) % 12 == 0:
                score += 10.0  # doubles the lead
            if pitch > lead_now - 3:
                score += 5.0  # crosses or crowds the lead
        return score, pitch

    return min(candidates, key=cost)


def counter_melody(
    ctx: _Context, rng: np.random.Generator, lead: Sequence[Written]
) -> list[NoteEvent]:
    """The counter-melody under ``lead`` (the melody's written notes) in hooks and drops.

    Two long notes per bar (one held through the bar that ends each four-bar phrase),
    each a tone of the bar's chord (consonant by construction) placed where the lead
    rests, moving against the lead's direction a few semitones below it. Drawn from its
    own RNG, so the lead is the same with or without it.
    """
    spec = ctx.spec
    grammar = ctx.grammar.melody
    human = _Humanizer(rng, ctx, 0.8)
    low, high = grammar.center - _BELOW[0], grammar.center - _BELOW[1]
    by_bar: dict[int, list[Written]] = {}
    for note in lead:
        by_bar.setdefault(note[0], []).append(note)
    avoid_seventh = grammar.harmonic_minor and spec.key.mode == "minor"
    previous = (low + high) // 2
    last_lead: int | None = None
    events: list[NoteEvent] = []
    for bar in range(spec.bars):
        section = ctx.section(bar)
        if section.name not in COUNTER_SECTIONS or not ctx.active("melody", bar):
            continue
        notes = sorted(by_bar.get(bar, []), key=lambda n: n[1])
        whole = (bar - section.start_bar) % 4 == 3
        onsets = _onsets(ctx, notes, whole)
        root = ctx.bar_roots[bar]
        tones = [root, root + 2, root + 4]
        if avoid_seventh:
            # The lead raises the 7th into its cadences: the counter keeps off the 7th.
            tones = [t for t in tones if t % 7 != 6] or tones
        candidates = [
            pitch
            for t in tones
            for octave in range(2, 7)
            if low <= (pitch := degree_to_midi(spec.key, t % 7, octave=octave)) < high
        ]
        if not candidates:
            continue
        for index, step in enumerate(onsets):
            end = onsets[index + 1] if index + 1 < len(onsets) else ctx.steps
            # Held to the next counter note, in one of a few lengths (each distinct
            # pitch and length is synthesised once: fewer lengths, less render time).
            gap = end - step
            length = max((n for n in _LENGTHS if n <= gap), default=gap)
            # Never the pitch of a lead note sounding while it is held: no unison, and
            # no overlapping notes of one pitch on the melody's MIDI channel.
            held = {p for _, start, n, p in notes if start < step + length and start + n > step}
            free = [p for p in candidates if p not in held] or candidates
            lead_now = _lead_pitch_at(notes, step)
            lead_move = 0 if lead_now is None or last_lead is None else lead_now - last_lead
            classes = frozenset(p % 12 for p in held)
            pitch = _choose(free, previous, lead_now, lead_move, classes)
            if lead_now is not None:
                last_lead = lead_now
            previous = pitch
            velocity = human.velocity(_VELOCITY * (1.08 if step == 0 else 1.0))
            events.append(
                NoteEvent(
                    human.time(ctx.beat(bar, step)),
                    length / 4.0 * 0.95,
                    pitch,
                    velocity,
                    COUNTER_VOICE,
                )
            )
    return events
