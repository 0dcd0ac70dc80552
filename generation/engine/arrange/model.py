"""The arrangement's data: notes, sections, the arrangement and per-track seeds."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..presets import DRUM_TRACKS
from ..spec import BeatSpec


@dataclass(frozen=True)
class NoteEvent:
    """One note. Times are in quarter-note beats from the start of the beat.

    ``start_beat`` already includes swing and humanisation; ``step`` is the nominal 16th
    step it was written on (drums; -1 when it falls between steps, e.g. a roll).
    ``pitch`` is a MIDI pitch, for drums the General MIDI note. ``voice`` names a drum
    variant (``closed``/``open``, ``low``/``high``). ``glide_from`` is the pitch an 808
    slides in from.
    """

    start_beat: float
    length_beats: float
    pitch: int
    velocity: float
    voice: str = ""
    glide_from: int | None = None
    step: int = -1


@dataclass(frozen=True)
class Section:
    name: str
    start_bar: int
    bars: int

    @property
    def end_bar(self) -> int:
        return self.start_bar + self.bars


@dataclass(frozen=True)
class Arrangement:
    """Everything the synthesiser needs: sections, the chord per bar and notes per track."""

    spec: BeatSpec
    sections: tuple[Section, ...]
    steps_per_bar: int
    bar_roots: tuple[int, ...]  # 0-based scale degree of the chord root, per bar
    tracks: dict[str, tuple[NoteEvent, ...]] = field(default_factory=dict)
    humanized: bool = True

    @property
    def beats_per_bar(self) -> float:
        return self.spec.beats_per_bar

    def section_of_bar(self, bar: int) -> Section:
        for section in self.sections:
            if section.start_bar <= bar < section.end_bar:
                return section
        return self.sections[-1]

    def pattern_view(
        self, section_index: int | None = None, *, max_bars: int = 8
    ) -> dict[str, Any]:
        """JSON-ready view of one section for the UI's pattern editor.

        Drums: per track, one list per bar of ``steps_per_bar`` velocities (0 = rest),
        taken from each note's nominal step (notes between steps, such as triplet rolls,
        are left out). Pitched tracks: ``[start_beat, length_beats,
        midi_pitch, velocity]`` with beats counted from the section start. Defaults to the
        first hook (the fullest section), else a drop, a verse, or the first section.
        """
        if section_index is None:
            names = [s.name for s in self.sections]
            preferred = [n for n in ("hook", "drop", "verse") if n in names]
            section_index = names.index(preferred[0]) if preferred else 0
        section = self.sections[section_index]
        bars = min(section.bars, max_bars)
        start = section.start_bar * self.beats_per_bar
        end = start + bars * self.beats_per_bar
        steps = self.steps_per_bar
        drums: dict[str, list[list[float]]] = {}
        notes: dict[str, list[list[float]]] = {}
        for name in self.spec.enabled_tracks():
            events = self.tracks.get(name, ())
            if name in DRUM_TRACKS:
                grid = np.zeros((bars, steps))
                for event in events:
                    if event.step < 0:
                        continue
                    bar, step = divmod(event.step, steps)
                    bar -= section.start_bar
                    if 0 <= bar < bars:
                        grid[bar, step] = max(grid[bar, step], round(event.velocity, 3))
                drums[name] = grid.tolist()
            else:
                notes[name] = [
                    [
                        round(e.start_beat - start, 4),
                        round(e.length_beats, 4),
                        e.pitch,
                        round(e.velocity, 3),
                    ]
                    for e in events
                    if start <= e.start_beat < end
                ]
        return {
            "section": section.name,
            "start_bar": section.start_bar,
            "bars": bars,
            "steps_per_bar": steps,
            "beats_per_bar": self.beats_per_bar,
            "drums": drums,
            "notes": notes,
        }


def track_seed(seed: int, name: str) -> int:
    """A stable 64-bit seed for one track (Python's ``hash`` is salted per process)."""
    digest = hashlib.sha256(f"dawg:{seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng(track_seed(seed, name))
