"""The sound targets (mix, pitch, width, variation, length) as PASS/FAIL checks on the figures."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["TARGETS", "Target", "evaluate", "median_audible_share"]

MEDIAN_AUDIBLE_SHARE = 0.15
# The repetition targets are for a 3-minute beat; a short beat is one or two sections, so
# they are not judged on beats under 2.5 minutes (the figures are still reported).
FULL_LENGTH_S = 150.0


def _full_length(
    read: Callable[[dict[str, Any]], float | None],
) -> Callable[[dict[str, Any]], float | None]:
    return lambda f: read(f) if f.get("duration_s", FULL_LENGTH_S) >= FULL_LENGTH_S else None


@dataclass(frozen=True)
class Target:
    """One target: a key, what it asks, and how to read the figure from a genre's dict.

    ``value`` returns the figure (None when the genre has nothing to measure, e.g. no
    snare or clap); ``passes`` decides on it.
    """

    key: str
    text: str
    value: Callable[[dict[str, Any]], float | None]
    passes: Callable[[float], bool]


def _worst_overlap(figures: dict[str, Any]) -> float | None:
    values = [v for v in figures["seed_overlap"].values() if v is not None]
    return max(values) if values else None


def _twin_share(figures: dict[str, Any]) -> float:
    """The higher of the audio and the symbolic twin shares.

    The audio reading hears repeats that differ only in quiet notes; the symbolic one
    still sees exact repeats when a noise layer (vinyl crackle, tape hiss) decorrelates
    the audio of bars that play the same notes.
    """
    return max(figures["audio_twin_share"], figures["symbolic_twin_share"])


def _snare_correlation(figures: dict[str, Any]) -> float | None:
    values = [
        figures["hit_correlation"].get(name)
        for name in ("snare", "clap")
        if figures["hit_correlation"].get(name) is not None
    ]
    return max(values) if values else None


TARGETS: tuple[Target, ...] = (
    Target(
        "audible", "250 Hz-6 kHz share >= 8 %", lambda f: f["bands"]["250-6k"], lambda v: v >= 0.08
    ),
    Target(
        "snare_lu",
        "loudest snare/clap within 12 LU of the kick",
        lambda f: f["snare_clap_lu"],
        lambda v: abs(v) <= 12.0,
    ),
    Target(
        "melodic_lu",
        "loudest chords/melody/pad within 10 LU of the kick",
        lambda f: f["melodic_lu"],
        lambda v: abs(v) <= 10.0,
    ),
    Target("side_mid", "side/mid >= -18 dB", lambda f: f["side_mid_db"], lambda v: v >= -18.0),
    Target(
        "kick_pitch",
        "kick within 60 cents of the tonic or fifth",
        lambda f: f["kick"].get("cents"),
        lambda v: abs(v) <= 60.0,
    ),
    Target(
        "snare_hits",
        "median hit-to-hit correlation of snare/clap < 0.995",
        _snare_correlation,
        lambda v: v < 0.995,
    ),
    Target(
        "twins",
        "a 3-minute beat: <= 50 % of bars have a near-identical twin (audio or notes)",
        _full_length(_twin_share),
        lambda v: v <= 0.5,
    ),
    Target(
        "hat_patterns",
        "a 3-minute beat: hats use >= 4 bar patterns",
        _full_length(lambda f: f["patterns"].get("hats")),
        lambda v: v >= 4,
    ),
    Target(
        "seed_overlap",
        "two seeds share <= 60 % of drum, bass and chord notes",
        _worst_overlap,
        lambda v: v <= 0.6,
    ),
    Target(
        "bass_bars",
        "a 16-bar beat: bass plays >= 12 bars",
        lambda f: f["short_bass_bars"] if f["short_bars"] == 16 else None,
        lambda v: v >= 12,
    ),
)


def evaluate(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per target: ``{"value", "pass"}``; ``pass`` is None when there is nothing to measure."""
    results = {}
    for target in TARGETS:
        value = target.value(figures)
        results[target.key] = {
            "value": value,
            "pass": None if value is None else target.passes(value),
        }
    return results


def median_audible_share(genres: list[dict[str, Any]]) -> dict[str, Any]:
    """The across-genre target: median 250 Hz-6 kHz share >= 15 %."""
    shares = [g["bands"]["250-6k"] for g in genres]
    value = statistics.median(shares) if shares else None
    return {"value": value, "pass": None if value is None else value >= MEDIAN_AUDIBLE_SHARE}
