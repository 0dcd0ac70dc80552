"""Pitched dispatch: one note per (track, instrument, pitch, length) with a release."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..dsp.filters import _fade_out
from ..dsp.osc import F32
from ..dsp.theory import midi_to_hz
from .bass import _808, _bass_pluck, _reese, _round, _sub, _synth_bass
from .keys import _chord_pluck, _epiano, _organ, _piano, _saw_chord, _stab
from .leads import _bell, _flute, _lead, _marimba, _melody_pluck
from .pads import _choir, _pad_dark, _pad_saw, _pad_warm, _strings

_PITCHED: dict[str, dict[str, Callable[[float, int], np.ndarray]]] = {
    "bass": {
        "sub": _sub,
        "reese": _reese,
        "synth": _synth_bass,
        "round": _round,
        "pluck": _bass_pluck,
    },
    "chords": {
        "epiano": _epiano,
        "piano": _piano,
        "organ": _organ,
        "stab": _stab,
        "saw": _saw_chord,
        "pluck": _chord_pluck,
    },
    "melody": {
        "bell": _bell,
        "pluck": _melody_pluck,
        "lead": _lead,
        "marimba": _marimba,
        "flute": _flute,
        "epiano": _epiano,
    },
    "pad": {
        "warm": _pad_warm,
        "dark": _pad_dark,
        "choir": _choir,
        "strings": _strings,
        "saw": _pad_saw,
    },
}
PITCHED_VOICES: dict[str, tuple[str, ...]] = {
    track: (*voices, "808") if track == "bass" else tuple(voices)
    for track, voices in _PITCHED.items()
}


def pitched_note(
    track: str,
    instrument: str,
    pitch: int,
    n_samples: int,
    *,
    glide_from: int | None = None,
    glide_s: float = 0.0,
    drive: float = 1.5,
) -> np.ndarray:
    """One note held for ``n_samples`` plus its release, float32 mono at 44.1 kHz.

    Peak is about 1 for one voice; the caller scales by velocity and level. ``glide_from``
    and ``glide_s`` slide the 808 in from another pitch; ``drive`` saturates the 808.
    """
    n_samples = max(1, int(n_samples))
    if track == "bass" and instrument == "808":
        y = _808(pitch, n_samples, glide_from, glide_s, drive)
    else:
        try:
            voice = _PITCHED[track][instrument]
        except KeyError:
            raise ValueError(f"no pitched voice {instrument!r} for track {track!r}") from None
        y = voice(midi_to_hz(pitch), n_samples)
    return _fade_out(np.asarray(y, dtype=F32))
