"""The shared reverb send and return at half rate."""

from __future__ import annotations

import numpy as np
import pedalboard

from ..genres import GRAMMARS
from .layout import LOOP_TAIL_S, SR, Layout, fold_loop

REVERB_SPREAD_S = 0.011  # the right channel of the reverb return lags the left by this


def reverb_return(send: np.ndarray, genre: str, geometry: Layout) -> np.ndarray:
    """The shared reverb bus at half rate: mono send (float32, ``total`` samples) -> stereo
    return (float32, (2, ceil(total / 2))) at 22.05 kHz.

    The return is dark anyway (the reverb damps the highs), so it runs at half rate and
    in mono; its right channel is the same tail 11 ms later, which a diffuse tail makes
    as wide as a second reverb at a quarter of the cost. :func:`upsample_chunk` brings
    any stretch back to 44.1 kHz.
    """
    mix = GRAMMARS[genre].mix
    n = send.size
    half_n = (n + 1) // 2
    tail = int(LOOP_TAIL_S * SR) // 2 if geometry.loop else 0
    half = np.zeros((1, half_n + tail), dtype=np.float32)
    pairs = n // 2
    np.add(send[0 : 2 * pairs : 2], send[1 : 2 * pairs : 2], out=half[0, :pairs])
    half[0, :pairs] *= 0.5
    if n % 2:
        half[0, pairs] = send[-1]
    reverb = pedalboard.Reverb(
        room_size=mix.reverb_room,
        damping=mix.reverb_damping,
        wet_level=1.0,
        dry_level=0.0,
        width=1.0,
    )
    wet = reverb(half, SR // 2)[0]
    del half
    if geometry.loop:
        wet = fold_loop(wet, half_n)
    spread = int(REVERB_SPREAD_S * SR / 2)
    out = np.empty((2, half_n), dtype=np.float32)
    out[0] = wet[:half_n]
    out[1, spread:] = wet[: half_n - spread]
    out[1, :spread] = wet[half_n - spread : half_n] if geometry.loop else 0.0
    return out


def upsample_chunk(half: np.ndarray, start: int, stop: int, *, loop: bool = False) -> np.ndarray:
    """Samples ``start:stop`` at 44.1 kHz of a half-rate (2, m) signal, by linear interpolation.

    Even samples are the half-rate samples; odd ones the mean of their neighbours (the last
    one repeats, or wraps to the first in a loop). Returns float32 (2, stop - start).
    """
    m = half.shape[1]
    lo, hi = start // 2, min(m, (stop + 1) // 2 + 1)
    piece = half[:, lo:hi]
    nxt = np.empty_like(piece)
    nxt[:, :-1] = piece[:, 1:]
    nxt[:, -1] = half[:, hi] if hi < m else (half[:, 0] if loop else piece[:, -1])
    out = np.empty((2, 2 * piece.shape[1]), dtype=np.float32)
    out[:, 0::2] = piece
    np.add(piece, nxt, out=out[:, 1::2])
    out[:, 1::2] *= 0.5
    offset = start - 2 * lo
    return out[:, offset : offset + (stop - start)]
