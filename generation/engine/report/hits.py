"""Hit-to-hit similarity of drum stems: do consecutive hits play the identical waveform?"""

from __future__ import annotations

import numpy as np

__all__ = ["hit_correlations", "median_hit_correlation"]

WINDOW_S = 0.060  # the attack and body, where a machine-gun repeat is heard
MAX_LAG = 8  # samples each way: onsets land on whole samples after rounding


def hit_correlations(
    stem: np.ndarray,
    onsets: np.ndarray,
    groups: np.ndarray,
    sample_rate: int,
    *,
    window_s: float = WINDOW_S,
    max_lag: int = MAX_LAG,
) -> np.ndarray:
    """Normalised correlation between each hit and the previous hit of the same group.

    ``stem`` is mono; ``onsets`` the hits' first samples; ``groups`` one label per hit
    (the GM note and voice), so an open hat is compared with the last open hat, not the
    closed one before it. Windows run ``window_s`` from each onset; a window that holds
    the next hit's onset (rolls, flams, ghost notes right before a hit) is skipped, since
    two summed hits differ from one whatever the voice does, and so is a silent or cut
    one. Gain does not count (normalised), so velocity-only variation still reads 1.0.
    Earlier hits' tails ringing into a window (an open hat under the next closed hat) do
    count: they change what is heard.
    """
    stem = np.asarray(stem, dtype=np.float64)
    length = int(window_s * sample_rate)
    order = np.argsort(np.asarray(onsets, dtype=np.int64), kind="stable")
    onsets = np.asarray(onsets, dtype=np.int64)[order]
    groups = np.asarray(groups)[order]
    following = np.append(onsets[1:], np.iinfo(np.int64).max)
    last: dict[object, np.ndarray] = {}
    values = []
    for onset, group, next_onset in zip(onsets, groups, following, strict=True):
        if next_onset < onset + length + max_lag:
            continue
        window = stem[onset - max_lag : onset + length + max_lag] if onset >= max_lag else None
        if window is None or window.size < length + 2 * max_lag or not np.any(window):
            continue
        previous = last.get(group)
        if previous is not None:
            values.append(_shifted_best(previous, window, length, max_lag))
        last[group] = window
    return np.asarray(values)


def _shifted_best(previous: np.ndarray, window: np.ndarray, length: int, max_lag: int) -> float:
    """Best correlation of the previous hit's core against this hit shifted by ±max_lag."""
    core = previous[max_lag : max_lag + length]
    core_energy = np.dot(core, core)
    best = -1.0
    for lag in range(-max_lag, max_lag + 1):
        candidate = window[max_lag + lag : max_lag + lag + length]
        denominator = np.sqrt(core_energy * np.dot(candidate, candidate))
        if denominator > 0.0:
            best = max(best, float(np.dot(core, candidate) / denominator))
    return best


def median_hit_correlation(
    stem: np.ndarray, onsets: np.ndarray, groups: np.ndarray, sample_rate: int
) -> float | None:
    """Median of :func:`hit_correlations`, or None with fewer than two comparable hits."""
    values = hit_correlations(stem, onsets, groups, sample_rate)
    return float(np.median(values)) if values.size else None
