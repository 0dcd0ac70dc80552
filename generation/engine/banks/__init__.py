"""Sound banks: CC0 one-shot kits and MIT SoundFonts found on this machine, rendered offline."""

from .catalog import (
    BANKS,
    INSTRUMENTS,
    SAMPLED,
    OneShotKit,
    SoundFontProgram,
    is_sampled,
    synth_fallback,
)
from .licences import samples_txt
from .oneshots import hit_variation, load_oneshot, place_hits, render_hits
from .parts import SampledPart, sampled_part
from .registry import BankChanged, BankMissing, BankRegistry
from .soundfont import (
    SoundFontNote,
    SoundFontUnavailable,
    render_notes,
    render_notes_by_sound,
    render_sounds,
)

__all__ = [
    "BANKS",
    "INSTRUMENTS",
    "SAMPLED",
    "BankChanged",
    "BankMissing",
    "BankRegistry",
    "OneShotKit",
    "SampledPart",
    "SoundFontNote",
    "SoundFontProgram",
    "SoundFontUnavailable",
    "hit_variation",
    "is_sampled",
    "load_oneshot",
    "place_hits",
    "render_hits",
    "render_notes",
    "render_notes_by_sound",
    "render_sounds",
    "sampled_part",
    "samples_txt",
    "synth_fallback",
]
