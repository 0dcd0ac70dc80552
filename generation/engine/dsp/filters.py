"""Filters, envelopes and gain shaping shared by the voices (scipy.signal SOS)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import signal

from .osc import F32, SR, _time


@lru_cache(maxsize=256)
def _sos(kind: str, low: float, high: float = 0.0, order: int = 2) -> np.ndarray:
    nyquist = 0.49 * SR
    if kind == "bandpass":
        return signal.butter(order, [low, min(high, nyquist)], "bandpass", fs=SR, output="sos")
    return signal.butter(order, min(low, nyquist), kind, fs=SR, output="sos")


def _lowpass(x: np.ndarray, cutoff: float, order: int = 2) -> np.ndarray:
    return signal.sosfilt(_sos("lowpass", round(cutoff), order=order), x)


def _highpass(x: np.ndarray, cutoff: float, order: int = 2) -> np.ndarray:
    return signal.sosfilt(_sos("highpass", round(cutoff), order=order), x)


def _bandpass(x: np.ndarray, low: float, high: float, order: int = 2) -> np.ndarray:
    return signal.sosfilt(_sos("bandpass", round(low), round(high), order), x)


def _decay(n: int, tau: float) -> np.ndarray:
    return np.exp(-_time(n) / tau)


def _envelope(
    n_note: int, attack: float, decay: float, sustain: float, release: float
) -> np.ndarray:
    """ADSR over a note of ``n_note`` samples plus its release tail (linear release)."""
    t = np.arange(n_note, dtype=np.float64)
    a = max(1.0, attack * SR)
    env = np.where(t < a, t / a, sustain + (1.0 - sustain) * np.exp(-(t - a) / (decay * SR)))
    r = max(1, int(release * SR))
    end = env[-1] if n_note else 0.0
    return np.concatenate([env, end * (1.0 - np.arange(r) / r)])


def _saturate(x: np.ndarray, drive: float) -> np.ndarray:
    if drive <= 1.0:
        return x
    return np.tanh(drive * x) / np.tanh(drive)


def _normalize(x: np.ndarray, peak: float = 1.0) -> np.ndarray:
    top = float(np.max(np.abs(x))) if x.size else 0.0
    return (x * (peak / top)).astype(F32) if top > 0 else x.astype(F32)


def _filter_sweep(x: np.ndarray, bright: float, dark: float, tau: float) -> np.ndarray:
    """A decaying low-pass: crossfade of a bright and a dark copy (two static filters)."""
    mix = np.exp(-_time(x.size) / tau)
    return mix * _lowpass(x, bright) + (1.0 - mix) * _lowpass(x, dark)


def _fade_out(y: np.ndarray, fade_s: float = 0.004) -> np.ndarray:
    """The last ``fade_s`` of a note ramps to zero: no voice may stop on a click."""
    fade = min(y.size, int(fade_s * SR))
    if fade:
        y[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=y.dtype)
    return y
