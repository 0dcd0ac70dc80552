"""Per-track channel strips: high-pass, presence peak and low-pass per stem."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import signal

SR = 44100


@dataclass(frozen=True)
class TrackTone:
    """A track's channel strip: 2nd-order high- and low-pass and one presence band."""

    highpass_hz: float = 0.0
    presence_hz: float = 0.0
    presence_db: float = 0.0
    presence_q: float = 0.9
    lowpass_hz: float = 0.0


# Everything but kick and bass is cut below its own range, so the low end belongs to
# kick and bass (and stays mono: the widened tracks have nothing under ~120 Hz). Snare,
# clap and leads get presence so they cut through the 808 on small speakers.
TRACK_TONE: dict[str, TrackTone] = {
    "kick": TrackTone(30.0, 3800.0, 2.0),
    "snare": TrackTone(110.0, 3500.0, 3.0, lowpass_hz=15000.0),
    "clap": TrackTone(180.0, 2500.0, 3.0, lowpass_hz=15000.0),
    "hats": TrackTone(450.0),
    "perc": TrackTone(70.0, 3000.0, 1.5),
    "bass": TrackTone(28.0),
    "chords": TrackTone(140.0, 2500.0, 1.5),
    "melody": TrackTone(200.0, 3000.0, 2.5),
    "pad": TrackTone(130.0),
}


@lru_cache(maxsize=64)
def _tone_sos(tone: TrackTone) -> np.ndarray:
    sections = []
    if tone.highpass_hz:
        sections.append(signal.butter(2, tone.highpass_hz, "highpass", fs=SR, output="sos"))
    if tone.lowpass_hz:
        # Noise up to Nyquist adds little brightness but overshoots true-peak ceilings.
        sections.append(signal.butter(2, tone.lowpass_hz, "lowpass", fs=SR, output="sos"))
    if tone.presence_db:
        # RBJ peaking equaliser.
        gain = 10.0 ** (tone.presence_db / 40.0)
        w0 = 2.0 * np.pi * tone.presence_hz / SR
        alpha = np.sin(w0) / (2.0 * tone.presence_q)
        b = np.array([1.0 + alpha * gain, -2.0 * np.cos(w0), 1.0 - alpha * gain])
        a = np.array([1.0 + alpha / gain, -2.0 * np.cos(w0), 1.0 - alpha / gain])
        sections.append(np.concatenate([b / a[0], a / a[0]])[None, :])
    return np.concatenate(sections) if sections else np.zeros((0, 6))


def shape(track: str, sound: np.ndarray) -> np.ndarray:
    """``sound`` (float32 mono) through ``track``'s channel strip, float32."""
    sos = _tone_sos(TRACK_TONE[track])
    if not sos.size:
        return sound
    return signal.sosfilt(sos, sound).astype(np.float32)
