"""Sidechain ducking curve on the genre's pulse."""

from __future__ import annotations

import numpy as np

from ..arrange.model import Arrangement
from ..genres import GRAMMARS, SECTION_TRACKS
from .layout import SR, Layout


def sidechain_curve(arrangement: Arrangement, geometry: Layout) -> np.ndarray | None:
    """Gain curve (float32, ``work`` samples) that ducks on the genre's pulse; None if off.

    Triggers come from the genre's sidechain grid in sections where the kick would play,
    not from the kick track, so that editing the kick never alters another stem.
    """
    spec = arrangement.spec
    mix = GRAMMARS[spec.genre].mix
    if mix.sidechain_depth <= 0:
        return None
    spb = geometry.samples_per_beat
    release = max(8, int(mix.sidechain_release_beats * spb))
    attack = int(0.004 * SR)
    shape = np.ones(attack + release, dtype=np.float32)
    shape[:attack] = 1.0 - mix.sidechain_depth * np.linspace(0.0, 1.0, attack)
    x = np.linspace(0.0, 1.0, release)
    shape[attack:] = 1.0 - mix.sidechain_depth * np.cos(0.5 * np.pi * x) ** 2
    curve = np.ones(geometry.work, dtype=np.float32)
    steps = arrangement.steps_per_bar
    grid = (mix.sidechain_grid * 2)[:steps]
    for bar in range(spec.bars):
        section = arrangement.section_of_bar(bar)
        playing = SECTION_TRACKS[section.name] or GRAMMARS[spec.genre].intro_tracks
        if "kick" not in playing:
            continue
        for step, char in enumerate(grid):
            if char == ".":
                continue
            start = round((bar * spec.beats_per_bar + step / 4.0) * spb) - attack
            start = max(0, start)
            end = min(curve.size, start + shape.size)
            np.minimum(curve[start:end], shape[: end - start], out=curve[start:end])
    return curve
