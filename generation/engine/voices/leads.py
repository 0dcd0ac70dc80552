"""Melody voices: bell, pluck, lead, marimba, flute."""

from __future__ import annotations

import numpy as np

from ..dsp.filters import _bandpass, _envelope, _lowpass
from ..dsp.held import held_body
from ..dsp.osc import SR, _noise, _saw, _sine, _square, _time
from ..dsp.synth import _fm, _pluck


def _bell(freq: float, n: int) -> np.ndarray:
    # A glassy strike that settles on the fundamental: the 1:3.5 sidebands fade within a
    # few tens of milliseconds and a plain sine carries the pitch, so the bell reads as
    # one note (an octave layer made trackers hear a second pitch above it).
    m = n + int(0.3 * SR)
    strike = _fm(freq, n, 3.5, 1.2, 0.06, 0.3, 0.9)
    tone = held_body(("sine", freq), m, lambda k: _sine(freq, k))
    return 0.6 * strike + 0.7 * tone * _envelope(n, 0.002, 1.0, 0.0, 0.3)


def _melody_pluck(freq: float, n: int) -> np.ndarray:
    return _pluck(freq, n, 5000.0, 900.0, 0.3)


def _lead(freq: float, n: int) -> np.ndarray:
    m = n + int(0.12 * SR)
    y = held_body(("lead", freq), m, lambda k: _lead_body(freq, k))
    return y * _envelope(n, 0.01, 0.5, 0.8, 0.12)


def _lead_body(freq: float, m: int) -> np.ndarray:
    t = _time(m)
    depth = 0.15 * np.clip((t - 0.15) / 0.2, 0.0, 1.0)
    f = freq * 2 ** (depth / 12 * np.sin(2 * np.pi * 5.5 * t))
    osc = _saw(f, m) + 0.4 * _square(f, m)
    return _lowpass(osc, 3500)


def _marimba(freq: float, n: int) -> np.ndarray:
    """A struck bar: the fundamental with its 3.93x and 9.2x modes dying fast, and a
    damping release once the note ends (a bar cut mid-ring clicks)."""
    release = int(0.12 * SR)
    m = n + release
    t = _time(m)
    y = _sine(freq, m) + 0.35 * _sine(freq * 3.93, m) * np.exp(-t / 0.05)
    y += 0.15 * _sine(freq * 9.2, m) * np.exp(-t / 0.015)
    return y * np.exp(-t / 0.35) * _envelope(n, 0.001, 10.0, 1.0, release / SR)


def _flute(freq: float, n: int) -> np.ndarray:
    m = n + int(0.1 * SR)
    t = _time(m)
    f = freq * 2 ** (0.1 / 12 * np.sin(2 * np.pi * 5.0 * t))
    y = _sine(f, m) + 0.2 * _sine(2 * f, m) + 0.08 * _sine(3 * f, m)
    y += 0.06 * _breath(m)
    return y * _envelope(n, 0.06, 1.0, 0.85, 0.1)


# The longest breath made so far: band-passed noise from one constant seed. Uniform draws
# come one after the other and the filter is causal, so the first m samples of a longer
# breath are exactly the breath of m: one is filtered, and every note copies its head.
_BREATH: list[np.ndarray] = []
_BREATH_MAX = 12 * SR  # longer notes filter their own breath


def _breath(m: int) -> np.ndarray:
    """The flute's breath noise for a note of ``m`` samples, float64 (a fresh array)."""
    if _BREATH and _BREATH[0].size >= m:
        return _BREATH[0][:m].copy()
    breath = _bandpass(_noise(m, 83), 1500, 6000)
    if m <= _BREATH_MAX:
        _BREATH[:] = [breath.copy()]
    return breath
