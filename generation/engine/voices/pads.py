"""Pad voices: warm, dark, choir, strings, saw."""

from __future__ import annotations

import numpy as np

from ..dsp.filters import _bandpass, _envelope, _lowpass
from ..dsp.held import held_body
from ..dsp.osc import SR, _sine
from ..dsp.synth import _supersaw


def _pad_warm(freq: float, n: int) -> np.ndarray:
    m = n + int(0.6 * SR)
    return _supersaw(freq, m, (-12, 0, 12), 1500) * _envelope(n, 0.35, 0.5, 0.9, 0.6)


def _pad_dark(freq: float, n: int) -> np.ndarray:
    m = n + int(0.8 * SR)
    y = held_body(
        ("dark", freq), m, lambda k: _supersaw(freq, k, (-8, 8), 1100) + 0.3 * _sine(freq, k)
    )
    return y * _envelope(n, 0.5, 0.5, 0.9, 0.8)


def _choir(freq: float, n: int) -> np.ndarray:
    m = n + int(0.6 * SR)
    source = _supersaw(freq, m, (-10, 0, 10), 8000, vibrato=0.08)
    # "ah" formants over a chest tone that carries the written pitch
    y = (
        0.7 * _lowpass(source, 1.3 * freq, 2)
        + _bandpass(source, 600, 900, 1)
        + 0.5 * _bandpass(source, 950, 1250, 1)
        + 0.25 * _bandpass(source, 2200, 2700, 1)
    )
    return 2.0 * y * _envelope(n, 0.3, 0.5, 0.9, 0.6)


def _strings(freq: float, n: int) -> np.ndarray:
    m = n + int(0.4 * SR)
    return _supersaw(freq, m, (-12, -5, 5, 12), 3500, vibrato=0.06) * _envelope(
        n, 0.25, 0.5, 0.9, 0.4
    )


def _pad_saw(freq: float, n: int) -> np.ndarray:
    m = n + int(0.35 * SR)
    return _supersaw(freq, m, (-10, 0, 10), 5000) * _envelope(n, 0.05, 0.6, 0.85, 0.35)
