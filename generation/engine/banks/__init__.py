"""Sound banks: CC0 one-shot kits and MIT SoundFonts found on this machine, rendered offline."""

from .licences import samples_txt
from .oneshots import hit_variation, load_oneshot, place_hits, render_hits
from .registry import BANKS, INSTRUMENTS, BankMissing, BankRegistry, OneShotKit, SoundFontProgram
from .soundfont import SoundFontNote, SoundFontUnavailable, render_notes, render_notes_by_sound

__all__ = [
    "BANKS",
    "INSTRUMENTS",
    "BankMissing",
    "BankRegistry",
    "OneShotKit",
    "SoundFontNote",
    "SoundFontProgram",
    "SoundFontUnavailable",
    "hit_variation",
    "load_oneshot",
    "place_hits",
    "render_hits",
    "render_notes",
    "render_notes_by_sound",
    "samples_txt",
]
