"""Audio repetition: how many bars of a mix have a near-identical twin elsewhere."""

from __future__ import annotations

import numpy as np
from scipy import signal

__all__ = ["TWIN_THRESHOLD", "audio_twin_share", "bar_features", "bar_similarity"]

TWIN_THRESHOLD = 0.96
SLICES_PER_BAR = 16
BANDS_PER_SLICE = 24
BAND_RANGE_HZ = (40.0, 16000.0)
LEAD = 0.25  # of a slice, before the grid point
FLOOR_DB = 60.0  # below the loudest cell, energies count as this far down


def bar_features(
    mono: np.ndarray, sample_rate: int, seconds_per_bar: float, bars: int
) -> np.ndarray:
    """Per bar a (slices x bands) map of log energies, flattened: (bars, 16 * 24).

    Each bar is cut into 16 equal slices (16ths in 4/4); each slice's power spectrum is
    summed into 24 log-spaced bands from 40 Hz to 16 kHz and taken in dB, floored
    :data:`FLOOR_DB` under the loudest cell of the whole beat.
    """
    mono = np.asarray(mono, dtype=np.float64)
    bar_length = seconds_per_bar * sample_rate
    slice_length = int(bar_length / SLICES_PER_BAR)
    edges = np.geomspace(*BAND_RANGE_HZ, BANDS_PER_SLICE + 1)
    freqs = np.fft.rfftfreq(slice_length, 1.0 / sample_rate)
    band_of_bin = np.searchsorted(edges, freqs) - 1
    valid = (band_of_bin >= 0) & (band_of_bin < BANDS_PER_SLICE)
    # Each slice opens a quarter slice before its grid point, so a hit a few ms early or
    # late (humanised timing) stays inside its own slice instead of leaking to the next.
    window = signal.windows.tukey(slice_length, 0.1)
    grid = np.arange(bars * SLICES_PER_BAR) * bar_length / SLICES_PER_BAR
    starts = np.maximum(0, np.round(grid - slice_length * LEAD).astype(np.int64))
    starts = starts[starts + slice_length <= mono.size]
    frames = np.stack([mono[s : s + slice_length] for s in starts]) * window
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    bands = np.zeros((frames.shape[0], BANDS_PER_SLICE))
    for band in range(BANDS_PER_SLICE):
        bands[:, band] = power[:, valid & (band_of_bin == band)].sum(axis=1)
    db = 10.0 * np.log10(bands + 1e-20)
    db = np.maximum(db, db.max() - FLOOR_DB)
    usable = db.shape[0] // SLICES_PER_BAR
    return db[: usable * SLICES_PER_BAR].reshape(usable, SLICES_PER_BAR * BANDS_PER_SLICE)


def bar_similarity(features: np.ndarray) -> np.ndarray:
    """Pearson correlation between every pair of bars' features: (bars, bars).

    Each band is first centred on its mean over the whole beat (all bars and slices), so
    the mix's constant spectral tilt does not make every bar look alike; what is left is
    each bar's rhythm-by-band map in dB, and two bars correlate when the same sounds hit
    at the same slices at the same levels.
    """
    bars = features.shape[0]
    cells = features.reshape(bars, -1, BANDS_PER_SLICE)
    centred = (cells - cells.mean(axis=(0, 1), keepdims=True)).reshape(bars, -1)
    centred = centred - centred.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(centred, axis=1)
    norms[norms == 0.0] = 1.0
    unit = centred / norms[:, None]
    return unit @ unit.T


def audio_twin_share(features: np.ndarray, threshold: float = TWIN_THRESHOLD) -> float:
    """Share of bars whose feature correlation with some other bar exceeds ``threshold``."""
    if features.shape[0] < 2:
        return 0.0
    similarity = bar_similarity(features)
    np.fill_diagonal(similarity, -np.inf)
    return float(np.mean(similarity.max(axis=1) > threshold))
