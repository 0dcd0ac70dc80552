"""Bass voices: 808 with glide and harmonics, sub, reese, synth, round, pluck."""

from __future__ import annotations

import numpy as np

from ..dsp.filters import _envelope, _filter_sweep, _lowpass, _saturate
from ..dsp.held import held_body
from ..dsp.osc import SR, _saw, _sine, _square, _time
from ..dsp.synth import _pluck
from ..dsp.theory import midi_to_hz

# --- pitched ---------------------------------------------------------------------------


def _glide_freq(pitch: int, n: int, glide_from: int | None, glide_s: float) -> np.ndarray | float:
    if glide_from is None:
        return midi_to_hz(pitch)
    g = max(1, min(n, int(glide_s * SR)))
    ramp = np.full(n, float(pitch))
    # Pitch moves in semitones with an ease-out, like a portamento knob.
    x = np.arange(g) / g
    ramp[:g] = glide_from + (pitch - glide_from) * (1.0 - (1.0 - x) ** 2)
    return 440.0 * 2.0 ** ((ramp - 69.0) / 12.0)


def _root_harmonics(s: np.ndarray, amounts: tuple[float, float, float, float, float]) -> np.ndarray:
    """Harmonics 2, 3, 4, 6 and 8 of a sine ``s = sin(theta)``, weighted by ``amounts``.

    Chebyshev identities give each as a polynomial of ``s`` (cheap, and they follow any
    glide of the phase). Only octaves and fifths of the root: the 5th and 10th harmonics,
    a major third, would turn a minor key's bass major.
    """
    u = 1.0 - 2.0 * s * s  # cos 2θ
    h4 = 2.0 * u * u - 1.0  # cos 4θ
    a2, a3, a4, a6, a8 = amounts
    out = a2 * u + a3 * (3.0 * s - 4.0 * s * s * s) + a4 * h4
    out += a6 * (4.0 * u * u * u - 3.0 * u) + a8 * (2.0 * h4 * h4 - 1.0)
    return out


def _808(pitch: int, n: int, glide_from: int | None, glide_s: float, drive: float) -> np.ndarray:
    total = n + int(0.04 * SR)
    env = _envelope(n, 0.002, 1.6, 0.0, 0.04)
    # Audible on phones through a distorted layer of octaves and fifths up to the 8th
    # harmonic (250-450 Hz for a 40-55 Hz note); more drive, more of it. The tanh glues.
    amount = float(np.clip(0.4 + 0.4 * (drive - 1.0), 0.0, 1.0))
    make = lambda k: _808_body(pitch, k, glide_from, glide_s, amount)  # noqa: E731
    # A glide's ramp depends on the note's length when the note is shorter than the glide,
    # so only unglided notes share a body.
    body = make(total) if glide_from is not None else held_body(("808", pitch, amount), total, make)
    return _saturate(env * body, min(drive, 1.4))


def _808_body(
    pitch: int, total: int, glide_from: int | None, glide_s: float, amount: float
) -> np.ndarray:
    freq = _glide_freq(pitch, total, glide_from, glide_s)
    t = _time(total)
    knock = 1.0 + 0.8 * np.exp(-t / 0.008)
    y = _sine(np.asarray(freq) * knock, total)
    layer = _root_harmonics(y, (0.5, 0.4, 0.3, 0.22, 0.14))
    return y + amount * layer


def _sub(freq: float, n: int) -> np.ndarray:
    m = n + int(0.06 * SR)
    y = _sine(freq, m)
    y = y + _root_harmonics(y, (0.3, 0.2, 0.14, 0.1, 0.07))
    return y * _envelope(n, 0.005, 2.0, 0.85, 0.06)


def _round(freq: float, n: int) -> np.ndarray:
    m = n + int(0.08 * SR)
    y = held_body(
        ("round", freq), m, lambda k: _saturate(_sine(freq, k), 1.8) + 0.08 * _sine(3 * freq, k)
    )
    return y * _envelope(n, 0.004, 0.6, 0.5, 0.08)


def _reese(freq: float, n: int) -> np.ndarray:
    m = n + int(0.08 * SR)
    detune = 2 ** (0.12 / 12)
    saws = _saw(freq / detune, m) + _saw(freq * detune, m, 0.3)
    y = 0.5 * _lowpass(saws, 700) + 0.7 * _sine(freq, m)
    return y * _envelope(n, 0.01, 2.0, 0.9, 0.08)


def _synth_bass(freq: float, n: int) -> np.ndarray:
    m = n + int(0.05 * SR)
    y = held_body(("synth", freq), m, lambda k: _synth_bass_body(freq, k))
    return y * _envelope(n, 0.003, 0.3, 0.6, 0.05)


def _synth_bass_body(freq: float, m: int) -> np.ndarray:
    osc = _saw(freq, m) + 0.5 * _square(freq, m)
    return _filter_sweep(osc, 1800, 350, 0.12) + 0.5 * _sine(freq, m)


def _bass_pluck(freq: float, n: int) -> np.ndarray:
    y = _pluck(freq, n, 1200.0, 250.0, 0.35)
    sub = _sub(freq, n)
    # The sub layer carries the pitch; the filtered pluck is its attack and colour.
    y[: sub.size] += 0.9 * sub[: y.size]
    return y
