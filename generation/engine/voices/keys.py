"""Chord voices: e-piano, piano, organ, stab, supersaw, pluck."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..dsp.filters import _decay, _envelope, _filter_sweep, _lowpass
from ..dsp.held import held_body
from ..dsp.osc import SR, _noise, _saw, _sine, _square, _time
from ..dsp.synth import _fm, _pluck, _supersaw


def _epiano(freq: float, n: int) -> np.ndarray:
    m = n + int(0.25 * SR)
    y = _fm(freq, n, 1.0, 1.8, 0.25, 0.25, 1.2, 0.15)
    tine = held_body(("tine", freq), m, lambda k: 0.12 * _sine(freq * 7.0, k) * _decay(k, 0.04))
    return y + tine


def _piano(freq: float, n: int) -> np.ndarray:
    """Six stretched partials (string inharmonicity), higher ones dying faster, plus a
    hammer thump. Each partial is a sine at a fixed frequency, so float32 phase is exact
    enough (phase = sample index times cycles per sample, wrapped before the sine)."""
    m = n + int(0.2 * SR)
    y = held_body(("piano", freq), m, lambda k: _piano_body(freq, k))
    return y * _envelope(n, 0.002, 10.0, 1.0, 0.2)


def _piano_body(freq: float, m: int) -> np.ndarray:
    index = np.arange(m, dtype=np.float64)
    index32 = index.astype(np.float32)
    cycles = np.empty(m, dtype=np.float64)
    y = np.zeros(m, dtype=np.float32)
    for k in range(1, 7):
        partial = k * freq * np.sqrt(1.0 + 3e-4 * k * k)
        if partial >= 0.45 * SR:
            break
        tau = 2.2 / (1.0 + 0.6 * k) * (261.0 / freq) ** 0.3
        # x - floor(x) is exactly x % 1.0 for x >= 0, at a tenth of the cost.
        np.multiply(index, partial / SR, out=cycles)
        cycles -= np.floor(cycles)
        phase = cycles.astype(np.float32)
        decay = np.exp(np.float32(-1.0 / (tau * SR)) * index32)
        y += np.float32(1.0 / k**1.3) * np.sin(np.float32(2 * np.pi) * phase) * decay
    thump = _hammer_thump()
    head = min(m, thump.size)
    y[:head] += thump[:head]
    return y


@lru_cache(maxsize=1)
def _hammer_thump() -> np.ndarray:
    """The piano's hammer thump, the same for every note: low-passed noise under a 6 ms
    decay, float64. It stops at 0.7 s, where the decay is under 1e-46 and adds nothing a
    float32 note can hold; the filter is causal, so any note's head of it is exact."""
    t = _time(int(0.7 * SR))
    thump = 0.05 * _lowpass(_noise(t.size, 71), 3000) * np.exp(-t / 0.006)
    thump.flags.writeable = False
    return thump


def _organ(freq: float, n: int) -> np.ndarray:
    m = n + int(0.06 * SR)
    ratios = (0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0)
    amps = (0.6, 1.0, 0.7, 0.5, 0.35, 0.25, 0.2)
    y = sum(
        a * _sine(freq * r, m) for r, a in zip(ratios, amps, strict=True) if freq * r < 0.45 * SR
    )
    return y * _envelope(n, 0.008, 5.0, 1.0, 0.06)


def _stab(freq: float, n: int) -> np.ndarray:
    m = n + int(0.08 * SR)
    d = 2 ** (8 / 1200)
    osc = _saw(freq / d, m) + _saw(freq * d, m, 0.4) + 0.5 * _square(freq, m)
    return _filter_sweep(osc, 2500, 800, 0.08) * _envelope(n, 0.002, 0.15, 0.2, 0.08)


def _saw_chord(freq: float, n: int) -> np.ndarray:
    m = n + int(0.25 * SR)
    return _supersaw(freq, m, (-10, 0, 10), 4500) * _envelope(n, 0.015, 0.4, 0.7, 0.25)


def _chord_pluck(freq: float, n: int) -> np.ndarray:
    return _pluck(freq, n, 4000.0, 600.0, 0.4)
