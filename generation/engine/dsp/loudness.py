"""K-weighting and BS.1770-style gated loudness estimated from energy bins."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyloudnorm.iirfilter import IIRfilter
from scipy import signal

from .osc import SR


def _kweighting(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """BS.1770 K-weighting stages with pyloudnorm's coefficients for ``rate``."""
    stages = [
        IIRfilter(4.0, 1 / np.sqrt(2), 1500.0, rate, "high_shelf"),
        IIRfilter(0.0, 0.5, 38.0, rate, "high_pass"),
    ]
    return [(stage.b, stage.a) for stage in stages]


@lru_cache(maxsize=1)
def _kweighting_sos() -> np.ndarray:
    return np.concatenate([signal.tf2sos(b, a) for b, a in _kweighting(SR)]).astype(np.float32)


BIN = 441  # samples per energy bin (10 ms)


def energy_bins(sound: np.ndarray) -> np.ndarray:
    """K-weighted energy of ``sound`` (float32 mono) per 10 ms bin, float64 (bins,)."""
    weighted = signal.sosfilt(_kweighting_sos(), sound.astype(np.float32))
    weighted *= weighted
    bins = -(-weighted.size // BIN)
    padded = np.zeros(bins * BIN, dtype=np.float32)
    padded[: weighted.size] = weighted
    return padded.reshape(bins, BIN).sum(axis=1, dtype=np.float64)


def gated_loudness(bins: np.ndarray) -> float:
    """BS.1770 integrated loudness (one channel, LUFS) from 10 ms K-weighted energies:
    400 ms windows every 100 ms, absolute gate -70 LUFS, relative gate -10 LU."""
    segments = bins.size // 10
    if segments < 4:
        total = bins.sum() / max(1, bins.size * BIN)
        return float(-0.691 + 10 * np.log10(max(total, 1e-12)))
    sums = bins[: segments * 10].reshape(segments, 10).sum(axis=1)
    windows = (sums[:-3] + sums[1:-2] + sums[2:-1] + sums[3:]) / (40 * BIN)
    loudness = -0.691 + 10 * np.log10(np.maximum(windows, 1e-20))
    gated = windows[loudness > -70.0]
    if gated.size == 0:
        return -70.0
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10.0
    return float(-0.691 + 10 * np.log10(windows[(loudness > -70.0) & (loudness > relative)].mean()))
