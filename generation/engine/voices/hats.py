"""Hi-hat voices: closed/open noise, 808 squares, shaker, ride."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import signal

from ..dsp.filters import _bandpass, _decay, _highpass, _normalize
from ..dsp.osc import SR, _noise, _sine, _square, _time
from .hits import _PLAIN, HitVariation

_HAT_808 = (205.3, 304.4, 369.6, 522.7, 540.0, 800.0)


def _hat_voice(kind: str, open_: bool, hit: HitVariation = _PLAIN) -> np.ndarray:
    salt, tune, stretch = hit.salt, hit.tune, hit.decay
    if kind == "closed":
        decay = (0.28 if open_ else 0.035) * stretch
        n = int(decay * 6 * SR)
        return _normalize(_highpass(_noise(n, 41 + salt), 7000 * tune) * _decay(n, decay))
    if kind == "808":
        decay = (0.32 if open_ else 0.045) * stretch
        n = int(decay * 6 * SR)
        metal = sum(_square(f * 1.7 * tune, n) for f in _HAT_808)
        y = _bandpass(metal, 7000, 12000) + 0.3 * _highpass(_noise(n, 43 + salt), 8000)
        return _normalize(y * _decay(n, decay))
    if kind == "shaker":
        decay = (0.16 if open_ else 0.05) * stretch
        n = int((decay * 6 + 0.01) * SR)
        t = _time(n)
        env = np.minimum(t / 0.008, 1.0) * np.exp(-np.maximum(t - 0.008, 0) / decay)
        return _normalize(_bandpass(_noise(n, 47 + salt), 4000 * tune, 10000) * env)
    # ride: inharmonic partials ring longer; the open variant adds the bell
    decay = (1.0 if open_ else 0.45) * stretch
    n = int(decay * 4 * SR)
    partials = (3150.0, 4020.0, 5230.0, 6400.0, 7700.0, 9100.0)
    y = sum(_sine(f * tune, n, 0.13 * i) for i, f in enumerate(partials)) / len(partials)
    if open_:
        y = y + 0.6 * (_sine(910.0 * tune, n) + _sine(1370.0 * tune, n))
    y += 0.3 * _highpass(_noise(n, 53 + salt), 6000) * _decay(n, 0.05)
    return _normalize(y * _decay(n, decay))


def crash_voice(hit: HitVariation = _PLAIN) -> np.ndarray:
    """A crash for the impact on a hook's downbeat: bright noise and inharmonic partials
    with a fast attack and a 0.7 s decay."""
    decay = 0.7 * hit.decay
    n = int(decay * 5 * SR)
    t = _time(n)
    partials = (420.0, 610.0, 1130.0, 2270.0, 3410.0, 5020.0)
    metal = sum(_sine(f * hit.tune, n, 0.21 * i) for i, f in enumerate(partials)) / len(partials)
    noise = _highpass(_noise(n, 59 + hit.salt), 3200)
    y = (0.8 * noise + 0.35 * metal) * np.exp(-t / decay)
    y *= np.minimum(t / 0.001, 1.0)
    return _normalize(y)


_RISER_BLOCKS = 48


@lru_cache(maxsize=1)
def _riser_bands() -> tuple[np.ndarray, ...]:
    """The riser's band-pass per block, 400 Hz -> 9 kHz (designed once per process)."""
    bands = []
    for b in range(_RISER_BLOCKS):
        centre = 400.0 * (9000.0 / 400.0) ** (b / (_RISER_BLOCKS - 1))
        band = [centre / 1.5, min(centre * 1.5, 0.45 * SR)]
        bands.append(signal.butter(2, band, "bandpass", fs=SR, output="sos"))
    return tuple(bands)


@lru_cache(maxsize=16)
def riser_voice(hit: HitVariation = _PLAIN, seconds: float = 1.5) -> np.ndarray:
    """A noise riser: white noise through a band-pass sweeping 400 Hz -> 9 kHz (in
    blocks, with the filter state carried over), swelling in level to its end.
    Cached per realisation (read-only: callers copy before changing it)."""
    n = int(seconds * SR)
    noise = _noise(n, 61 + hit.salt)
    edges = np.linspace(0, n, _RISER_BLOCKS + 1).astype(int)
    out = np.empty(n)
    zi = np.zeros((2, 2))
    for b, sos in enumerate(_riser_bands()):
        block = slice(edges[b], edges[b + 1])
        out[block], zi = signal.sosfilt(sos, noise[block], zi=zi)
    swell = np.linspace(0.0, 1.0, n) ** 2.5
    fade = np.minimum((n - np.arange(n)) / (0.004 * SR), 1.0)
    y = _normalize(out * swell * fade)
    y.flags.writeable = False
    return y
