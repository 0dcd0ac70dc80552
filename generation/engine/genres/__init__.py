"""Genre grammars as data: drum grids, bass rhythms, progressions, melody rhythms and mix."""

from __future__ import annotations

from ..presets import GENRES
from .club import CLUB
from .grammar import (
    FILLS,
    SECTION_MELODY,
    SECTION_TRACKS,
    BassGrammar,
    DrumGrammar,
    GenreGrammar,
    HarmonyGrammar,
    MelodyGrammar,
)
from .hiphop import HIP_HOP
from .mixing import MixGrammar
from .song import SONG

__all__ = [
    "FILLS",
    "GRAMMARS",
    "SECTION_MELODY",
    "SECTION_TRACKS",
    "BassGrammar",
    "DrumGrammar",
    "GenreGrammar",
    "HarmonyGrammar",
    "MelodyGrammar",
    "MixGrammar",
]

GRAMMARS: dict[str, GenreGrammar] = {**HIP_HOP, **CLUB, **SONG}

assert set(GRAMMARS) == set(GENRES), "every genre in presets needs a grammar"
assert tuple(GRAMMARS) == GENRES, "grammars keep the presets' genre order"
