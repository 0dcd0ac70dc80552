"""Music theory under its old import name (it lives in ``dsp/theory.py``)."""

from .dsp.theory import (
    MAJOR_SCALE,
    MINOR_SCALE,
    chord_degrees,
    degree_to_midi,
    midi_to_hz,
    nearest_in_range,
    scale_intervals,
    voice_chord,
)

__all__ = [
    "MAJOR_SCALE",
    "MINOR_SCALE",
    "chord_degrees",
    "degree_to_midi",
    "midi_to_hz",
    "nearest_in_range",
    "scale_intervals",
    "voice_chord",
]
