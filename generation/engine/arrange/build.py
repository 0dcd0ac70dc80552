"""From a spec to an Arrangement: plans, then every enabled track's builder."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..genres import GRAMMARS
from ..presets import PITCHED_TRACKS, TRACK_NAMES
from ..spec import BeatSpec
from .bass import _bass
from .context import _Context
from .drums import _clap, _hats, _kick, _perc, _snare
from .harmony import _chords, _pad, _plan_harmony
from .melody import _melody
from .model import Arrangement, NoteEvent, _rng
from .sections import _plan_fills, _plan_groove, _plan_palette, plan_sections


def arrange(spec: BeatSpec, *, humanize: bool = True) -> Arrangement:
    """Plan the beat: sections, harmony, groove, fills and the notes of every track.

    Each track draws from its own RNG seeded by ``(spec.seed, track)`` and reads only
    global plans (sections, chords, groove) plus its own settings, so editing one track
    never changes another's notes. ``humanize=False`` puts every note exactly on its
    (swung) grid position with written velocities, for analysis.
    """
    grammar = GRAMMARS[spec.genre]
    steps = round(spec.beats_per_bar * 4)
    sections = plan_sections(spec)
    bar_roots = _plan_harmony(spec, grammar, sections)
    groove = _plan_groove(spec, sections)
    fills = _plan_fills(spec, sections)
    palette = _plan_palette(spec)
    ctx = _Context(spec, grammar, sections, steps, bar_roots, groove, fills, humanize, palette)
    tracks = {}
    for name in TRACK_NAMES:
        builder = _BUILDERS[name]
        events = builder(ctx, _rng(spec.seed, name)) if spec.tracks[name].enabled else []
        tracks[name] = tuple(sorted(events, key=lambda e: (e.start_beat, e.pitch)))
    return Arrangement(spec, sections, steps, bar_roots, tracks, humanize)


_BUILDERS: dict[str, Callable[[_Context, np.random.Generator], list[NoteEvent]]] = {
    "kick": _kick,
    "snare": _snare,
    "clap": _clap,
    "hats": _hats,
    "perc": _perc,
    "bass": _bass,
    "chords": _chords,
    "melody": _melody,
    "pad": _pad,
}
assert set(_BUILDERS) == set(TRACK_NAMES) and set(PITCHED_TRACKS) <= set(_BUILDERS)
