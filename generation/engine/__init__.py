"""The beat engine: a pure numpy library from a BeatSpec to a mastered beat."""

from .arrange import Arrangement, NoteEvent, Section, arrange
from .presets import GENRES, INSTRUMENTS, TRACK_NAMES
from .render import (
    EncodedBeat,
    RenderResult,
    encode,
    iter_files,
    render_master,
    render_preview,
    write_outputs,
)
from .spec import BeatSpec, KeySpec, SectionSpec, SpecError, TrackSpec, default_spec

__all__ = [
    "GENRES",
    "INSTRUMENTS",
    "TRACK_NAMES",
    "Arrangement",
    "BeatSpec",
    "EncodedBeat",
    "KeySpec",
    "NoteEvent",
    "RenderResult",
    "Section",
    "SectionSpec",
    "SpecError",
    "TrackSpec",
    "arrange",
    "default_spec",
    "encode",
    "iter_files",
    "render_master",
    "render_preview",
    "write_outputs",
]
