"""Hi-hat voices: closed/open noise, 808 squares, shaker, ride."""

from __future__ import annotations

import numpy as np

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
