"""Pan, width and sum of the stems; loop folding."""

from __future__ import annotations

import numpy as np

from ..genres import GRAMMARS
from .layout import CHUNK, SR
from .sends import upsample_chunk


def stereo_gains(track: str, genre: str) -> tuple[float, float, int]:
    """Constant-power pan gains (left, right; 1.0 each at centre) and Haas delay in samples."""
    mix = GRAMMARS[genre].mix
    angle = (mix.pan(track) + 1.0) * np.pi / 4.0
    return (
        float(np.cos(angle) * np.sqrt(2.0)),
        float(np.sin(angle) * np.sqrt(2.0)),
        int(mix.width_ms(track) * SR / 1000.0),
    )


def fader(gain_db: float) -> float:
    """A track's fader as a linear gain: what a pre-fader stem is multiplied by in the mix."""
    return float(10.0 ** (float(gain_db) / 20.0))


def mix_down(
    stems: np.ndarray,
    names: list[str],
    genre: str,
    reverb_half: np.ndarray | None,
    *,
    loop: bool = False,
) -> np.ndarray:
    """Pan and sum mono stems (k, n) to stereo (2, n) float32, plus the reverb return.

    The dry pan is one (2, k) @ (k, n) product; Haas-widened tracks add their delayed
    right channel separately (in a loop the first samples come from the end).
    """
    n = stems.shape[1]
    gains = np.zeros((2, len(names)), dtype=np.float32)
    delayed = []
    for i, name in enumerate(names):
        left, right, delay = stereo_gains(name, genre)
        gains[0, i] = left
        if delay:
            delayed.append((i, right, delay))
        else:
            gains[1, i] = right
    mix = gains @ stems if names else np.zeros((2, n), dtype=np.float32)
    for i, right, delay in delayed:
        for start in range(delay, n, CHUNK):
            stop = min(n, start + CHUNK)
            mix[1, start:stop] += right * stems[i, start - delay : stop - delay]
        if loop:
            mix[1, :delay] += right * stems[i, n - delay :]
    if reverb_half is not None:
        for start in range(0, n, CHUNK):
            stop = min(n, start + CHUNK)
            mix[:, start:stop] += upsample_chunk(reverb_half, start, stop, loop=loop)
    return mix
