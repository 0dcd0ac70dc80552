"""Scales, diatonic chords and voice leading: everything the arranger needs to stay in key."""

from __future__ import annotations

from collections.abc import Sequence

from ..spec import KeySpec

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

MAJOR_SCALE: tuple[int, ...] = (0, 2, 4, 5, 7, 9, 11)
# Natural minor (aeolian): every chord and note stays diatonic, which keeps the key
# unambiguous for listeners and for key estimators alike.
MINOR_SCALE: tuple[int, ...] = (0, 2, 3, 5, 7, 8, 10)


def scale_intervals(key: KeySpec) -> tuple[int, ...]:
    """Semitone offsets of the seven scale degrees above the tonic."""
    return MAJOR_SCALE if key.mode == "major" else MINOR_SCALE


def degree_to_midi(key: KeySpec, degree: int, *, octave: int = 4) -> int:
    """MIDI pitch of a 0-based scale ``degree`` (may be negative or above 6).

    ``octave`` follows the MIDI convention where C4 is 60; degree 0 of octave 4 is the tonic
    at or just above C4.
    """
    intervals = scale_intervals(key)
    octave_shift, step = divmod(degree, 7)
    return 12 * (octave + 1) + key.pitch_class + intervals[step] + 12 * octave_shift


def chord_degrees(root: int, tones: int) -> list[int]:
    """0-based scale degrees of a diatonic chord stacked in thirds (3 = triad, 4 = 7th...)."""
    return [root + 2 * i for i in range(tones)]


def nearest_in_range(pitch: int, low: int, high: int) -> int:
    """Shift ``pitch`` by octaves into ``[low, high)``; the range must span an octave."""
    while pitch < low:
        pitch += 12
    while pitch >= high:
        pitch -= 12
    return pitch


def voice_chord(
    key: KeySpec,
    root: int,
    tones: int,
    *,
    center: int,
    previous: Sequence[int] | None = None,
) -> list[int]:
    """A close voicing of a diatonic chord, led smoothly from ``previous``.

    Tries every inversion around ``center`` and keeps the one whose notes move least from
    the previous voicing (or sit nearest the centre when there is none). Returns sorted
    MIDI pitches.
    """
    base = [degree_to_midi(key, d, octave=3) for d in chord_degrees(root, tones)]
    candidates = []
    for inversion in range(tones):
        notes = [p + 12 for p in base[:inversion]] + base[inversion:]
        notes.sort()
        for shift in (-24, -12, 0, 12, 24):
            shifted = [p + shift for p in notes]
            mean = sum(shifted) / len(shifted)
            if abs(mean - center) <= 8:
                candidates.append(shifted)
    if not candidates:
        candidates = [sorted(base)]

    def cost(notes: list[int]) -> float:
        if previous:
            prev = sorted(previous)
            paired = sum(abs(a - b) for a, b in zip(notes, prev, strict=False))
            return paired + 0.1 * abs(sum(notes) / len(notes) - center)
        return abs(sum(notes) / len(notes) - center)

    return min(candidates, key=cost)


def midi_to_hz(pitch: float) -> float:
    """Equal-tempered frequency of a (possibly fractional) MIDI pitch, A4 = 440 Hz."""
    return 440.0 * 2.0 ** ((pitch - 69.0) / 12.0)
