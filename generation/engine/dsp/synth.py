"""Synthesis building blocks: filtered pluck, two-operator FM, supersaw."""

from __future__ import annotations

import numpy as np

from .filters import _envelope, _filter_sweep, _lowpass
from .held import held_body
from .osc import SR, _saw, _sine, _square, _time, _wrapped


def _pluck(
    freq: float, n: int, bright: float = 4000.0, dark: float = 600.0, tau: float = 0.4
) -> np.ndarray:
    m = n + int(0.1 * SR)
    y = held_body(("pluck", freq, bright, dark), m, lambda k: _pluck_body(freq, k, bright, dark))
    return y * _envelope(n, 0.002, tau, 0.0, 0.1)


def _pluck_body(freq: float, m: int, bright: float, dark: float) -> np.ndarray:
    osc = _saw(freq, m) + 0.4 * _square(2 * freq, m)
    return _filter_sweep(osc, bright, dark, 0.1)


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
    carrier = held_body(
        ("fm", freq, ratio, index, index_tau),
        m,
        lambda k: _fm_carrier(freq, k, ratio, index, index_tau),
    )
    return carrier * _envelope(n, 0.002, amp_tau, sustain, release)


def _fm_carrier(freq: float, m: int, ratio: float, index: float, index_tau: float) -> np.ndarray:
    t = _time(m)
    modulator = (index * np.exp(-t / index_tau) + 0.2) * _sine(freq * ratio, m)
    # float32 sine of the wrapped carrier phase plus the modulation (as _sine does): the
    # float64 sine of the unwrapped phase cost ten times as much for ~1e-7 rad of accuracy.
    return np.sin(np.float32(2 * np.pi) * _wrapped(freq, m, 0.0) + modulator.astype(np.float32))


def _supersaw(
    freq: float, n: int, cents: tuple[float, ...], cutoff: float, vibrato: float = 0.0
) -> np.ndarray:
    return held_body(
        ("supersaw", freq, cents, cutoff, vibrato),
        n,
        lambda m: _supersaw_body(freq, m, cents, cutoff, vibrato),
    )


def _supersaw_body(
    freq: float, m: int, cents: tuple[float, ...], cutoff: float, vibrato: float
) -> np.ndarray:
    f: float | np.ndarray = freq
    if vibrato:
        f = freq * 2 ** (vibrato / 12 * np.sin(2 * np.pi * 5.3 * _time(m)))
    y = sum(_saw(np.asarray(f) * 2 ** (c / 1200), m, 0.17 * i) for i, c in enumerate(cents)) / len(
        cents
    )
    return _lowpass(y, cutoff)
