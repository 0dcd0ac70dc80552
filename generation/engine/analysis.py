"""Measurements that verify a render: loudness, true peak, DC offset and key from chroma."""

from __future__ import annotations

import numpy as np
import pyloudnorm
from scipy import signal

from .spec import PITCH_CLASSES

__all__ = [
    "KRUMHANSL_MAJOR",
    "KRUMHANSL_MINOR",
    "dc_offset",
    "estimate_key",
    "integrated_loudness",
    "true_peak_dbfs",
]

# Krumhansl-Kessler key profiles, C first.
KRUMHANSL_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
KRUMHANSL_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def integrated_loudness(audio: np.ndarray, sample_rate: int) -> float:
    """BS.1770 integrated loudness in LUFS of (channels, samples) audio, via pyloudnorm."""
    meter = pyloudnorm.Meter(sample_rate)
    return float(meter.integrated_loudness(np.atleast_2d(audio).T.astype(np.float64)))


def true_peak_dbfs(audio: np.ndarray, *, oversample: int = 4, chunk: int = 441_000) -> float:
    """True peak (dBTP) by ``oversample``-times polyphase upsampling (BS.1770 annex 2).

    Works in chunks with a margin so that long beats need little extra memory.
    """
    audio = np.atleast_2d(audio)
    margin = 256
    peak = 0.0
    for start in range(0, audio.shape[1], chunk):
        lo = max(0, start - margin)
        hi = min(audio.shape[1], start + chunk + margin)
        up = signal.resample_poly(audio[:, lo:hi].astype(np.float64), oversample, 1, axis=1)
        inner = up[
            :, (start - lo) * oversample : (min(audio.shape[1], start + chunk) - lo) * oversample
        ]
        if inner.size:
            peak = max(peak, float(np.max(np.abs(inner))))
    return 20.0 * np.log10(peak) if peak > 0 else -np.inf


def dc_offset(audio: np.ndarray) -> float:
    """Largest per-channel mean, in full-scale units."""
    return float(np.max(np.abs(np.atleast_2d(audio).mean(axis=1, dtype=np.float64))))


def estimate_key(chroma: np.ndarray) -> tuple[str, str, float]:
    """Krumhansl-Schmuckler key estimate from a 12-bin chroma profile (C first).

    ``chroma`` may be (12,) or (12, frames) (frames are summed). Returns the tonic (sharp
    spelling), the mode and the winning correlation.
    """
    profile = np.asarray(chroma, dtype=np.float64)
    if profile.ndim == 2:
        profile = profile.sum(axis=1)
    best = ("C", "major", -2.0)
    for mode, template in (("major", KRUMHANSL_MAJOR), ("minor", KRUMHANSL_MINOR)):
        for tonic in range(12):
            score = float(np.corrcoef(profile, np.roll(template, tonic))[0, 1])
            if score > best[2]:
                best = (PITCH_CLASSES[tonic], mode, score)
    return best
