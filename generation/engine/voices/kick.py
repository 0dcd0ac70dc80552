"""Kick voices: pitch-swept sine bodies settling on the key, with a beater click."""

from __future__ import annotations

import numpy as np

from ..dsp.filters import _highpass, _lowpass, _normalize, _saturate
from ..dsp.osc import SR, _noise, _sine, _time
from ..dsp.theory import midi_to_hz
from .hits import _PLAIN, HitVariation


def _kick_voice(
    f0: float,
    f1: float,
    sweep: float,
    decay: float,
    click: float,
    drive: float,
    dark: bool = False,
    hit: HitVariation = _PLAIN,
) -> np.ndarray:
    decay *= hit.decay
    n = int((decay * 5 + 0.05) * SR)
    t = _time(n)
    f0, f1 = f0 * hit.tune, f1 * hit.tune
    # The sweep falls in pitch (log frequency), so the body settles on f1 in tune rather
    # than approaching it from a few hertz sharp.
    freq = f1 * (f0 / f1) ** np.exp(-t / sweep)
    body = _sine(freq, n) * np.exp(-t / decay)
    body[: int(0.002 * SR)] *= np.linspace(0.3, 1.0, int(0.002 * SR))
    if click:
        # A beater click with a 0.3 ms onset: noise starting at full level would be a
        # one-sample step that overshoots every true-peak ceiling.
        onset = np.minimum(t / 0.0003, 1.0)
        body += click * _highpass(_noise(n, 11 + hit.salt), 2500) * onset * np.exp(-t / 0.004)
    if dark:
        body = _lowpass(body, 2000)
    return _normalize(_saturate(body, drive))


# (start Hz, settled Hz, sweep s, decay s, click, drive). The settled pitch is the voice's
# nominal one; drum_hit retunes it to the key. Decays are short enough that the tail
# does not drone under the bass.
_KICKS = {
    "punchy": (160.0, 52.0, 0.025, 0.22, 0.5, 1.5),
    "808": (130.0, 48.0, 0.03, 0.32, 0.15, 2.0),
    "deep": (120.0, 45.0, 0.03, 0.3, 0.45, 1.6),
    "soft": (120.0, 55.0, 0.03, 0.18, 0.0, 1.0),
    "acoustic": (100.0, 58.0, 0.02, 0.2, 0.6, 1.2),
}


def kick_pitch_hz(instrument: str, tonic_pc: int, *, fifth: bool = False) -> float:
    """The settled pitch of a kick voice tuned to the key: the tonic (or fifth) nearest
    the voice's nominal pitch, so that the kick's tail agrees with the bass."""
    nominal = _KICKS[instrument][1]
    target_pc = (tonic_pc + (7 if fifth else 0)) % 12
    midi = 69.0 + 12.0 * np.log2(nominal / 440.0)
    offset = (target_pc - round(midi)) % 12
    candidates = [round(midi) + offset + 12 * k for k in (-1, 0)]
    best = min(candidates, key=lambda m: abs(m - midi))
    return midi_to_hz(best)
