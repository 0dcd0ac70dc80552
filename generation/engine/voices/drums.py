"""Drum dispatch: one trimmed one-shot per (track, instrument, voice, hit)."""

from __future__ import annotations

import numpy as np

from ..dsp.filters import _lowpass, _normalize
from ..presets import INSTRUMENTS
from .hats import _hat_voice, crash_voice, riser_voice
from .hits import _PLAIN, HitVariation, _trim
from .kick import _KICKS, _kick_voice
from .perc import _perc_voice
from .snare import _CLAPS, _SNARES, _clap_voice, _rim_voice, _snare_voice


def _drum(
    track: str, instrument: str, voice: str, tonic_hz: float, kick_hz: float, hit: HitVariation
) -> np.ndarray:
    if track == "kick":
        f0, f1, *rest = _KICKS[instrument]
        if kick_hz:
            f0, f1 = f0 * kick_hz / f1, kick_hz
        return _kick_voice(f0, f1, *rest, dark=instrument == "soft", hit=hit)
    if track == "snare":
        if instrument == "rim":
            return _rim_voice(hit)
        return _snare_voice(*_SNARES[instrument], hit=hit)
    if track == "clap":
        y = _clap_voice(*_CLAPS[instrument], hit=hit)
        if instrument == "layered":
            body = _snare_voice(*_SNARES["tight"], hit=hit)
            y = np.pad(y, (0, max(0, body.size - y.size)))
            y[: body.size] += 0.5 * body
        return _normalize(y)
    if track == "hats":
        if voice == "crash":
            return crash_voice(hit)
        if voice == "riser":
            return riser_voice(hit)
        if voice in ("ride", "shaker"):
            return _hat_voice(voice, False, hit)
        if voice == "pedal":
            return _normalize(_lowpass(_hat_voice("closed", False, hit), 9000.0))
        return _hat_voice(instrument, voice == "open", hit)
    return _perc_voice(instrument, voice, tonic_hz, hit)


DRUM_VOICES: dict[str, tuple[str, ...]] = {
    t: INSTRUMENTS[t] for t in ("kick", "snare", "clap", "hats", "perc")
}


def drum_hit(
    track: str,
    instrument: str,
    voice: str = "",
    *,
    tonic_hz: float = 110.0,
    kick_hz: float = 0.0,
    hit: HitVariation = _PLAIN,
) -> np.ndarray:
    """One drum one-shot, float32 mono at 44.1 kHz, peak 1, trimmed below -45 dB.

    ``voice`` picks a variant: hats ``closed``/``open``; perc ``low``/``high``.
    ``tonic_hz`` tunes the melodic log drum; ``kick_hz`` (0 = the voice's own) is the
    pitch a kick settles on. ``hit`` is the round-robin realisation (tuning, decay, noise)
    and velocity colour. Deterministic for equal arguments.
    """
    if instrument not in DRUM_VOICES.get(track, ()):
        raise ValueError(f"no drum voice {instrument!r} for track {track!r}")
    y = _drum(track, instrument, voice, tonic_hz, kick_hz, hit)
    if hit.soft and track != "kick":
        # Softer hits are darker, as a drum struck lightly is.
        y = 0.45 * y + 0.55 * _lowpass(y, 2800.0)
    return _trim(y)
