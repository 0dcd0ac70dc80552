"""Arrangement: from a spec to sections, chords and timed notes per track (in beats)."""

from .build import arrange
from .drums import HAT_MASKS, gm_drum_note
from .model import Arrangement, NoteEvent, Section, track_seed
from .sections import plan_sections

__all__ = [
    "HAT_MASKS",
    "Arrangement",
    "NoteEvent",
    "Section",
    "arrange",
    "gm_drum_note",
    "plan_sections",
    "track_seed",
]
