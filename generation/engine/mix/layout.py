"""Sample geometry of a render: lengths, tails and chunking."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arrange.model import Arrangement
from ..dsp.osc import SAMPLE_RATE

SR = SAMPLE_RATE
TAIL_S = 1.5  # ring-out after the last bar of a non-loop render
LOOP_TAIL_S = 3.0  # how much of a loop's tail is wrapped back to its start
CHUNK = 1 << 18  # samples per chunk for streaming passes


@dataclass(frozen=True)
class Layout:
    """Sample geometry of a render: ``music`` samples of bars, ``total`` with the tail."""

    music: int
    total: int  # length of the rendered audio
    work: int  # length of the working buffers (loop renders fold work -> total)
    samples_per_beat: float
    loop: bool


def layout(arrangement: Arrangement) -> Layout:
    spec = arrangement.spec
    samples_per_beat = 60.0 / spec.bpm * SR
    music = round(spec.bars * spec.beats_per_bar * samples_per_beat)
    if spec.loop:
        return Layout(music, music, music + int(LOOP_TAIL_S * SR), samples_per_beat, True)
    total = music + int(TAIL_S * SR)
    return Layout(music, total, total, samples_per_beat, False)


def fold_loop(buffer: np.ndarray, length: int) -> np.ndarray:
    """Wrap everything past ``length`` samples back onto the start (last axis); a view."""
    work = buffer.shape[-1]
    start = length
    while start < work:
        chunk = min(length, work - start)
        buffer[..., :chunk] += buffer[..., start : start + chunk]
        start += chunk
    return buffer[..., :length]
