"""Symbolic figures from the notes: bar patterns, repeated bars, seed overlap, bars played."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "GRID_PER_BEAT",
    "OnsetGrid",
    "bar_patterns",
    "bars_played",
    "bars_sounding",
    "distinct_patterns",
    "note_keys",
    "onset_samples",
    "overlap",
    "symbolic_twin_share",
]

# 1/48 of a beat holds 16ths, 32nds, triplets and sextuplets exactly.
GRID_PER_BEAT = 48
# Written positions inside one 16th, in 1/48-beat ticks: the 16th itself, its triplet
# thirds and its 32nd half (rolls and ratchets).
_SUBSTEPS = (0, 4, 6, 8)


class OnsetGrid:
    """Snaps played onsets (swung, humanised) back to the written 1/48-beat grid tick.

    The engine writes notes on 16th steps (odd steps swung late by ``0.125 * swing``
    beats) or on fractions of a step, then humanises timing by a few ms. Snapping each
    onset to the nearest written position recovers the written tick, so humanisation
    does not make two identical bars look different.
    """

    def __init__(self, beats: float, swing: float) -> None:
        steps = np.arange(int(np.ceil(beats * 4)) + 2)
        swung = np.where(steps % 2 == 1, 0.125 * swing, 0.0)
        positions, ticks = [], []
        for sub in _SUBSTEPS:
            positions.append(steps / 4.0 + (swung if sub == 0 else 0.0) + sub / GRID_PER_BEAT)
            ticks.append(steps * 12 + sub)
        order = np.argsort(np.concatenate(positions), kind="stable")
        self.positions = np.concatenate(positions)[order]
        self.ticks = np.concatenate(ticks)[order]

    def tick(self, beat: float) -> int:
        """The written 1/48-beat tick nearest to a played onset (in beats)."""
        index = int(np.searchsorted(self.positions, beat))
        lo, hi = max(0, index - 1), min(self.positions.size - 1, index)
        best = lo if abs(self.positions[lo] - beat) <= abs(self.positions[hi] - beat) else hi
        return int(self.ticks[best])


def _plain_grid(beats: float) -> OnsetGrid:
    return OnsetGrid(beats, 0.0)


def bar_patterns(
    notes: Iterable, beats_per_bar: float, bars: int, grid: OnsetGrid | None = None
) -> list[frozenset]:
    """Per bar, the set of (written onset on the 1/48-beat grid from the bar start, pitch).

    ``notes`` have ``start_beat`` and ``pitch`` (e.g. :class:`NoteEvent`); a note belongs
    to the bar its snapped onset falls in (see :class:`OnsetGrid`; straight time when
    ``grid`` is None). Bars past ``bars`` are dropped.
    """
    grid = grid or _plain_grid(beats_per_bar * bars)
    per_bar: list[set] = [set() for _ in range(bars)]
    bar_ticks = round(beats_per_bar * GRID_PER_BEAT)
    for note in notes:
        tick = grid.tick(note.start_beat)
        bar, offset = divmod(tick, bar_ticks)
        if 0 <= bar < bars:
            per_bar[bar].add((offset, int(note.pitch)))
    return [frozenset(p) for p in per_bar]


def distinct_patterns(patterns: Sequence[frozenset]) -> int:
    """How many different non-empty bar patterns a track plays (rests do not count)."""
    return len({p for p in patterns if p})


def bars_played(patterns: Sequence[frozenset]) -> int:
    """How many bars hold at least one note onset."""
    return sum(1 for p in patterns if p)


def bars_sounding(notes: Iterable, beats_per_bar: float, bars: int) -> int:
    """How many bars a note sounds in (from its start to ``start + length_beats``).

    A held note counts in every bar it spans; a note ending exactly on a bar line does not
    count in the next bar.
    """
    playing = np.zeros(bars, dtype=bool)
    for note in notes:
        first = int(np.floor(note.start_beat / beats_per_bar + 1e-9))
        end = note.start_beat + max(note.length_beats, 0.0)
        last = int(np.ceil(end / beats_per_bar - 1e-9)) - 1
        playing[max(0, first) : min(bars, max(first, last) + 1)] = True
    return int(playing.sum())


def symbolic_twin_share(per_track: dict[str, Sequence[frozenset]]) -> float:
    """Share of bars whose notes, across every track, equal those of another bar."""
    if not per_track:
        return 0.0
    bars = len(next(iter(per_track.values())))
    if bars == 0:
        return 0.0
    names = sorted(per_track)
    rows = [tuple(per_track[name][bar] for name in names) for bar in range(bars)]
    counts = Counter(rows)
    return sum(1 for row in rows if counts[row] > 1) / bars


def note_keys(
    tracks: dict[str, Sequence], names: Iterable[str], grid: OnsetGrid
) -> set[tuple[str, int, int]]:
    """Every note of ``names`` as (track, written onset on the 1/48-beat grid, pitch)."""
    return {
        (name, grid.tick(note.start_beat), int(note.pitch))
        for name in names
        for note in tracks.get(name, ())
    }


def overlap(a: set, b: set) -> float | None:
    """|A ∩ B| / min(|A|, |B|): 1.0 when the smaller set is wholly inside the larger."""
    smaller = min(len(a), len(b))
    if smaller == 0:
        return None
    return len(a & b) / smaller


def onset_samples(notes: Sequence, bpm: float, sample_rate: int) -> np.ndarray:
    """First sample of each note at ``bpm`` (the engine places beat 0 at sample 0)."""
    samples_per_beat = 60.0 / bpm * sample_rate
    return np.array([round(n.start_beat * samples_per_beat) for n in notes], dtype=np.int64)
