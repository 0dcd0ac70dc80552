"""Small statistics for benchmark figures: percentiles and summaries in milliseconds."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by the nearest-rank method; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(seconds: Sequence[float]) -> dict[str, float | int]:
    """count, p50, p90, p95, p99 and max of durations given in seconds, in milliseconds."""
    result: dict[str, float | int] = {"count": len(seconds)}
    for q in (50, 90, 95, 99):
        result[f"p{q}_ms"] = round(percentile(seconds, q) * 1000, 2)
    result["max_ms"] = round(max(seconds) * 1000, 2) if seconds else math.nan
    return result


def summary_s(seconds: Sequence[float]) -> dict[str, float | int]:
    """count, p50, p95 and max of durations, in seconds."""
    return {
        "count": len(seconds),
        "p50_s": round(percentile(seconds, 50), 3),
        "p95_s": round(percentile(seconds, 95), 3),
        "max_s": round(max(seconds), 3) if seconds else math.nan,
    }
