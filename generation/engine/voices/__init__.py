"""Synthesised voices: drum one-shots and pitched notes, vectorised numpy at 44.1 kHz."""

from ..dsp.osc import SAMPLE_RATE, SR
from .drums import DRUM_VOICES, drum_hit
from .hits import HitVariation
from .kick import kick_pitch_hz
from .pitched import PITCHED_VOICES, pitched_note

__all__ = [
    "DRUM_VOICES",
    "PITCHED_VOICES",
    "SAMPLE_RATE",
    "SR",
    "HitVariation",
    "drum_hit",
    "kick_pitch_hz",
    "pitched_note",
]
