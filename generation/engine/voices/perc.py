"""Percussion voices: conga, shaker, cowbell, key-tuned log drum, tom, rim."""

from __future__ import annotations

import numpy as np

from ..dsp.filters import _bandpass, _normalize, _saturate
from ..dsp.osc import SR, _noise, _sine, _square, _time
from .hats import _hat_voice
from .hits import _PLAIN, HitVariation
from .snare import _rim_voice


def _tuned_perc(
    freq: float,
    decay: float,
    bend: float,
    overtone: float,
    slap: float,
    hit: HitVariation = _PLAIN,
) -> np.ndarray:
    decay *= hit.decay
    n = int((decay * 5 + 0.02) * SR)
    t = _time(n)
    f = freq * hit.tune * (1.0 + bend * np.exp(-t / 0.02))
    y = _sine(f, n) * np.exp(-t / decay) + overtone * _sine(f * 2.0, n) * np.exp(-t / (decay / 4))
    if slap:
        y += slap * _bandpass(_noise(n, 61 + hit.salt), 1500, 4500) * np.exp(-t / 0.01)
    return _normalize(_saturate(y, 1.3))


def _cowbell(hit: HitVariation = _PLAIN) -> np.ndarray:
    n = int(0.5 * SR)
    t = _time(n)
    y = _square(540.0 * hit.tune, n) + _square(800.0 * hit.tune, n)
    env = 0.6 * np.exp(-t / 0.02) + 0.4 * np.exp(-t / (0.15 * hit.decay))
    return _normalize(_bandpass(y, 600, 3500) * env)


def _perc_voice(instrument: str, voice: str, tonic_hz: float, hit: HitVariation) -> np.ndarray:
    high = voice == "high"
    if instrument == "conga":
        return _tuned_perc(310.0 if high else 205.0, 0.16, 0.15, 0.2, 0.3, hit)
    if instrument == "shaker":
        return _hat_voice("shaker", high, hit)
    if instrument == "cowbell":
        return _cowbell(hit)
    if instrument == "log-drum":
        # The log drum is melodic: tonic and fifth of the key, an octave below middle C.
        return _tuned_perc(tonic_hz * (1.5 if high else 1.0), 0.3, 0.5, 0.35, 0.0, hit)
    if instrument == "tom":
        return _tuned_perc(165.0 if high else 110.0, 0.28, 0.5, 0.15, 0.1, hit)
    return _rim_voice(hit)
