"""Spectral figures of a mix: energy share per band and the side/mid energy ratio."""

from __future__ import annotations

import numpy as np
from scipy import signal

__all__ = ["BANDS", "band_shares", "share_above", "side_mid_db", "welch_power"]

# (name, low Hz, high Hz): the five bands a mix engineer reads a spectrum in.
BANDS: tuple[tuple[str, float, float], ...] = (
    ("sub", 0.0, 60.0),
    ("low", 60.0, 250.0),
    ("mid", 250.0, 2000.0),
    ("presence", 2000.0, 6000.0),
    ("air", 6000.0, np.inf),
)
# The "can it be heard on a small speaker" band, 250 Hz - 6 kHz.
AUDIBLE_BAND = (250.0, 6000.0)
WELCH_SEGMENT = 8192  # 5.4 Hz bins at 44.1 kHz: the 60 Hz edge is resolved


def welch_power(audio: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Welch power spectral density summed over channels: (frequencies Hz, power).

    ``audio`` is (samples,) or (channels, samples). Summing channel PSDs weights each
    frequency by the energy it carries in the whole stereo signal.
    """
    audio = np.atleast_2d(np.asarray(audio, dtype=np.float64))
    segment = min(WELCH_SEGMENT, audio.shape[1])
    freqs, power = signal.welch(audio, fs=sample_rate, nperseg=segment, axis=-1)
    return freqs, power.sum(axis=0)


def band_shares(audio: np.ndarray, sample_rate: int) -> dict[str, float]:
    """Share (0..1) of the signal's energy in each of :data:`BANDS`, plus ``"250-6k"``.

    The band shares sum to 1. A bin belongs to the band whose [low, high) holds its
    centre frequency.
    """
    freqs, power = welch_power(audio, sample_rate)
    total = float(power.sum())
    if total <= 0.0:
        return {name: 0.0 for name, _, _ in BANDS} | {"250-6k": 0.0}
    shares = {
        name: float(power[(freqs >= low) & (freqs < high)].sum() / total)
        for name, low, high in BANDS
    }
    low, high = AUDIBLE_BAND
    shares["250-6k"] = float(power[(freqs >= low) & (freqs < high)].sum() / total)
    return shares


def share_above(audio: np.ndarray, sample_rate: int, frequency: float) -> float | None:
    """Share (0..1) of the signal's energy above ``frequency`` Hz; None for silence.

    For a bass stem above 200 Hz: what is left of the line on a phone or laptop speaker.
    """
    freqs, power = welch_power(audio, sample_rate)
    total = float(power.sum())
    return float(power[freqs >= frequency].sum() / total) if total > 0.0 else None


def side_mid_db(audio: np.ndarray) -> float:
    """Energy of the side (L-R)/2 over the mid (L+R)/2 in dB; -inf for a mono signal."""
    left, right = np.asarray(audio, dtype=np.float64)
    mid = float(np.sum(((left + right) / 2.0) ** 2))
    side = float(np.sum(((left - right) / 2.0) ** 2))
    if mid <= 0.0:
        return float("inf") if side > 0.0 else float("nan")
    if side <= 0.0:
        return float("-inf")
    return 10.0 * np.log10(side / mid)
