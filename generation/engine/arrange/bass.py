"""The bass line: rhythm grids or the kick, register, glides and jumps."""

from __future__ import annotations

import numpy as np

from ..dsp.theory import degree_to_midi, nearest_in_range
from .context import _Context, _Humanizer
from .model import NoteEvent


def _bass_register_root(ctx: _Context, degree: int) -> int:
    low, high = ctx.grammar.bass.register
    return nearest_in_range(degree_to_midi(ctx.spec.key, degree, octave=1), low, high)


def _bass(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    spec = ctx.spec
    grammar = ctx.grammar.bass
    human = _Humanizer(rng, ctx, 0.5)
    events: list[NoteEvent] = []
    previous: int | None = None
    # The seed's bars (of each eight) whose "1" is the octave up.
    ups = np.random.default_rng(ctx.palette.get("bass_downbeats", 0)).random(8)
    ups = ups < grammar.downbeat_octaves
    for bar in range(spec.bars):
        if not ctx.active("bass", bar):
            previous = None
            continue
        degree = ctx.bar_roots[bar]
        root = _bass_register_root(ctx, degree)
        fifth = root + (degree_to_midi(spec.key, degree + 4) - degree_to_midi(spec.key, degree))
        if grammar.rhythm == ("kick",):
            kicks = ctx.grammar.drums.kick
            kick = ctx.fit(kicks[ctx.variant("kick", bar, len(kicks))])
            onsets = [(i, "r") for i, c in enumerate(kick) if c in "xo"]
        else:
            grid = ctx.fit(grammar.rhythm[ctx.variant("bass", bar, len(grammar.rhythm))])
            onsets = [(i, c) for i, c in enumerate(grid) if c in "rfo"]
        if ctx.section(bar).name in ("bridge", "break"):
            # The breakdown keeps the harmony's floor: one held root per bar.
            onsets = [(0, "r")]
        drop = "kick-drop" in ctx.fills[bar]
        for index, (step, char) in enumerate(onsets):
            end = onsets[index + 1][0] if index + 1 < len(onsets) else ctx.steps
            if drop:
                if step >= ctx.steps - 4:
                    continue
                end = min(end, ctx.steps - 4)
            if index > 0 and char == "r":
                # The seed's contour: some roots after the first become octaves or
                # fifths, the same way in every bar, so the line is the seed's own.
                turn = (ctx.palette.get("bass_contour", 0) >> (2 * (index % 8))) & 3
                char = {2: "o", 3: "f"}.get(turn, char)
            if index == 0 and char == "r" and ups[bar % 8]:
                char = "o"
            pitch = {"r": root, "f": fifth, "o": root + 12}[char]
            if index > 0 and grammar.jumps and rng.random() < grammar.jumps:
                pitch = root + 12 if rng.random() < 0.6 else fifth
            if (
                grammar.tonic_return
                and degree % 7
                and len(onsets) >= 3
                and index == len(onsets) - 1
            ):
                pitch = nearest_in_range(degree_to_midi(spec.key, 0), root - 6, root + 6)
            glide = None
            if previous is not None and previous != pitch and rng.random() < grammar.glide:
                glide = previous
            length = max(1.0, (end - step) * grammar.legato) / 4.0
            velocity = human.velocity(0.9 if step % 4 == 0 else 0.8)
            events.append(
                NoteEvent(
                    human.time(ctx.beat(bar, step)), length, pitch, velocity, glide_from=glide
                )
            )
            previous = pitch
    return events
