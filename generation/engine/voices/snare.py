"""Snare, rim and clap voices."""

from __future__ import annotations

import numpy as np

from ..dsp.filters import _bandpass, _normalize
from ..dsp.osc import SR, _noise, _sine, _time
from .hits import _PLAIN, HitVariation


def _snare_voice(
    tone: float,
    tone_decay: float,
    noise_decay: float,
    band: tuple[float, float],
    tone_mix: float,
    gate: float = 0.0,
    hit: HitVariation = _PLAIN,
) -> np.ndarray:
    tone_decay *= hit.decay
    noise_decay *= hit.decay
    n = int((max(tone_decay, noise_decay) * 5 + 0.02) * SR)
    t = _time(n)
    freq = tone * hit.tune * (1.0 + 0.4 * np.exp(-t / 0.01))
    body = tone_mix * (_sine(freq, n) + 0.5 * _sine(freq * 1.6, n)) * np.exp(-t / tone_decay)
    noise = _bandpass(_noise(n, 23 + hit.salt), *band) * np.exp(-t / noise_decay)
    y = body + noise
    if gate:
        y *= np.clip((gate - t) / 0.006, 0.0, 1.0)
    return _normalize(y)


def _rim_voice(hit: HitVariation = _PLAIN) -> np.ndarray:
    n = int(0.12 * SR)
    t = _time(n)
    y = (_sine(1700.0 * hit.tune, n) + 0.8 * _sine(820.0 * hit.tune, n)) * np.exp(
        -t / (0.012 * hit.decay)
    )
    y += 0.5 * _bandpass(_noise(n, 5 + hit.salt), 2000, 6000) * np.exp(-t / 0.006)
    return _normalize(y)


def _clap_voice(
    bursts: tuple[float, ...],
    band: tuple[float, float],
    tail: float,
    hit: HitVariation = _PLAIN,
) -> np.ndarray:
    tail *= hit.decay
    n = int((tail * 5 + 0.05) * SR)
    t = _time(n)
    env = np.zeros(n)
    # Hands never land on the same grid twice: the burst spacing breathes with the variant.
    spread = hit.tune**8
    for start in bursts:
        shifted = t - start * spread
        env = np.maximum(env, np.where(shifted >= 0, np.exp(-np.maximum(shifted, 0) / 0.006), 0.0))
    last = bursts[-1] * spread
    env = np.maximum(env, np.where(t >= last, 0.7 * np.exp(-np.maximum(t - last, 0) / tail), 0.0))
    low, high = band
    return _normalize(_bandpass(_noise(n, 31 + hit.salt), low * hit.tune, high * hit.tune) * env)


_SNARES = {
    "tight": (200.0, 0.06, 0.12, (1800.0, 9000.0), 0.5),
    "808": (240.0, 0.1, 0.18, (1000.0, 7000.0), 0.7),
    "gated": (190.0, 0.08, 0.35, (1200.0, 8000.0), 0.6, 0.22),
    "acoustic": (185.0, 0.09, 0.22, (1200.0, 9500.0), 0.55),
}
_CLAPS = {
    "classic": ((0.0, 0.011, 0.022, 0.034), (900.0, 2600.0), 0.14),
    "layered": ((0.0, 0.009, 0.02, 0.03), (700.0, 4000.0), 0.2),
    "snap": ((0.0, 0.008), (2000.0, 5500.0), 0.05),
}
