"""Synthesis building blocks: filtered pluck, two-operator FM, supersaw."""

from __future__ import annotations

import numpy as np

from .filters import _envelope, _filter_sweep, _lowpass
from .osc import SR, _saw, _sine, _square, _time, _wrapped


def _pluck(
    freq: float, n: int, bright: float = 4000.0, dark: float = 600.0, tau: float = 0.4
) -> np.ndarray:
    m = n + int(0.1 * SR)
    osc = _saw(freq, m) + 0.4 * _square(2 * freq, m)
    y = _filter_sweep(osc, bright, dark, 0.1)
    return y * _envelope(n, 0.002, tau, 0.0, 0.1)


def _fm(
    freq: float,
    n: int,
    ratio: float,
    index: float,
    index_tau: float,
    release: float,
    amp_tau: float,
    sustain: float = 0.0,
) -> np.ndarray:
    m = n + int(release * SR)
    t = _time(m)
    modulator = (index * np.exp(-t / index_tau) + 0.2) * _sine(freq * ratio, m)
    # float32 sine of the wrapped carrier phase plus the modulation (as _sine does): the
    # float64 sine of the unwrapped phase cost ten times as much for ~1e-7 rad of accuracy.
    carrier = np.sin(np.float32(2 * np.pi) * _wrapped(freq, m, 0.0) + modulator.astype(np.float32))
    return carrier * _envelope(n, 0.002, amp_tau, sustain, release)


def _supersaw(
    freq: float, n: int, cents: tuple[float, ...], cutoff: float, vibrato: float = 0.0
) -> np.ndarray:
    m = n
    f: float | np.ndarray = freq
    if vibrato:
        f = freq * 2 ** (vibrato / 12 * np.sin(2 * np.pi * 5.3 * _time(m)))
    y = sum(_saw(np.asarray(f) * 2 ** (c / 1200), m, 0.17 * i) for i, c in enumerate(cents)) / len(
        cents
    )
    return _lowpass(y, cutoff)
