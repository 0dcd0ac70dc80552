"""Song-form grammars: reggaeton, afrobeats, rnb, pop, synthwave."""

from __future__ import annotations

from .grammar import (
    _BACKBEAT,
    _FOUR,
    BassGrammar,
    DrumGrammar,
    GenreGrammar,
    HarmonyGrammar,
    MelodyGrammar,
)
from .mixing import _DRIVE, _SONG, MixGrammar

SONG: dict[str, GenreGrammar] = {
    "reggaeton": GenreGrammar(
        DrumGrammar(
            kick=(_FOUR,),
            snare=("...x..x....x..x.",),
            clap=("...x..x....x..x.",),
            perc=("x.xxx.xxx.xxx.xx", "x.x.x.xxx.x.x.xx"),
            phrase_fills=("snare-roll",),
        ),
        BassGrammar(("r..r....r..r....", "r..r..r.r..r..f."), legato=0.9, register=(33, 45)),
        HarmonyGrammar(
            minor=(
                (1, 6, 3, 7),
                (1, 4, 7, 3),
                (1, 6, 7, 1),
                (1, 4, 6, 7),
                (1, 7, 6, 7),
                (1, 3, 6, 7),
            ),
            major=(
                (1, 5, 6, 4),
                (6, 4, 1, 5),
                (1, 4, 5, 1),
                (1, 6, 4, 5),
                (1, 4, 6, 5),
                (1, 3, 4, 5),
            ),
            chord_rhythm=("x..x..x...x..x..", "x..x..x.x..x..x."),
        ),
        MelodyGrammar(("x..x..x.x..x..x.", "x..x..x...x.x..."), center=72),
        MixGrammar(
            family=_SONG,
            levels_db={"snare": -4.0, "perc": -8.0},
            sidechain_grid=_FOUR,
            sidechain_depth=0.2,
            humanize_ms=3.0,
        ),
        intro_tracks=("chords", "melody", "perc"),
    ),
    "afrobeats": GenreGrammar(
        DrumGrammar(
            kick=("x..x..x...x..x..", "x..x......x..x.."),
            snare=("....x..x....x...", "....x..x....x..x"),
            clap=(_BACKBEAT,),
            perc=("x..x..x...x.x...", "x.....x.x..x..x."),
            phrase_fills=("perc-roll",),
        ),
        BassGrammar(("r..r..f...r.o...", "r..r....f.r..r.."), legato=0.7, register=(36, 48)),
        HarmonyGrammar(
            minor=(
                (1, 6, 7, 1),
                (1, 4, 6, 1),
                (1, 7, 6, 7),
                (1, 4, 7, 1),
                (1, 6, 4, 7),
                (1, 3, 7, 1),
            ),
            major=(
                (1, 5, 6, 4),
                (1, 4, 5, 1),
                (1, 4, 1, 5),
                (1, 6, 4, 5),
                (1, 4, 6, 5),
                (1, 2, 4, 1),
            ),
            chord_rhythm=("x..x..x...x..x..", "..x..x...x..x..."),
            chord_center=64,
        ),
        MelodyGrammar(("x.x..x.x..x.x...", "x..x.x..x.x.x..."), center=74),
        MixGrammar(
            family=_SONG,
            levels_db={"perc": -5.0, "snare": -5.0, "hats": -7.0},
            sidechain_depth=0.0,
            humanize_ms=4.0,
        ),
        intro_tracks=("perc", "chords", "hats"),
    ),
    "rnb": GenreGrammar(
        DrumGrammar(
            kick=("x......x..x.....", "x.....x...x..x.."),
            snare=(_BACKBEAT, "....x..g....x.g."),
            clap=(_BACKBEAT,),
            perc=("..g.........g...",),
            bar_fills=("hat-roll",),
            phrase_fills=("snare-roll",),
        ),
        BassGrammar(
            ("r-------r--f----", "r-------r---r-o-"), legato=0.95, glide=0.2, register=(31, 43)
        ),
        HarmonyGrammar(
            minor=(
                (1, 4, 7, 1),
                (1, 6, 4, 5),
                (1, 7, 6, 5),
                (1, 4, 2, 5),
                (1, 3, 4, 7),
                (1, 6, 2, 5),
            ),
            major=(
                (2, 5, 1, 1),
                (1, 3, 6, 5),
                (1, 3, 4, 5),
                (1, 6, 2, 5),
                (1, 4, 3, 6),
                (1, 2, 3, 4),
            ),
            tones=5,
            chord_rhythm=("x---------------", "x-------x---.---"),
        ),
        MelodyGrammar(("x-x---x-....x---",), center=72),
        MixGrammar(family=_SONG, reverb_room=0.6, humanize_ms=6.0),
        intro_tracks=("chords", "pad"),
    ),
    "pop": GenreGrammar(
        DrumGrammar(
            kick=("x.......x.x.....", "x.......x.......", "x..x....x.x....."),
            snare=(_BACKBEAT,),
            clap=(_BACKBEAT,),
            perc=("....x.......x...",),
            hats_open="..............o.",
            phrase_fills=("snare-roll",),
        ),
        BassGrammar(("r.r.r.r.f.f.r.r.", "r.r.r.r.r.r.f.f."), legato=0.8, register=(36, 48)),
        HarmonyGrammar(
            minor=(
                (1, 6, 3, 7),
                (1, 4, 6, 1),
                (1, 6, 4, 5),
                (1, 7, 6, 7),
                (1, 3, 7, 4),
                (1, 4, 7, 1),
            ),
            major=(
                (1, 5, 6, 4),
                (1, 6, 4, 5),
                (6, 4, 1, 5),
                (1, 4, 5, 1),
                (1, 4, 6, 5),
                (1, 3, 4, 5),
            ),
            chord_rhythm=("x---x---x---x---", "x-x-x-x-x-x-x-x-"),
            chord_center=64,
        ),
        MelodyGrammar(("x-x-x-x-x---x---", "x.x.x.x---..x-x-"), center=74),
        MixGrammar(family=_SONG, sidechain_depth=0.15, humanize_ms=3.0),
        intro_tracks=("chords", "hats"),
    ),
    "synthwave": GenreGrammar(
        DrumGrammar(
            kick=("x.......x.......", "x.......x..x...."),
            snare=(_BACKBEAT,),
            clap=(_BACKBEAT,),
            perc=("............x.x.",),
            phrase_fills=("snare-roll",),
        ),
        BassGrammar(("r.o.r.o.r.o.r.o.",), legato=0.6, register=(33, 45)),
        HarmonyGrammar(
            minor=(
                (1, 6, 3, 7),
                (1, 7, 6, 1),
                (1, 6, 7, 1),
                (1, 4, 6, 7),
                (1, 3, 7, 6),
                (1, 6, 4, 7),
            ),
            major=(
                (1, 5, 6, 4),
                (4, 5, 1, 1),
                (1, 6, 4, 5),
                (1, 4, 5, 1),
                (1, 3, 4, 5),
                (1, 5, 6, 5),
            ),
            chord_rhythm=("x-------x-------", "x-x-x-x-x-x-x-x-"),
        ),
        MelodyGrammar(("x---x---x-x-x---", "x-------x---x-x-"), center=74),
        MixGrammar(
            family=_DRIVE,
            sidechain_depth=0.3,
            reverb_room=0.8,
            reverb_damping=0.3,
            humanize_ms=2.0,
        ),
        intro_tracks=("pad", "chords", "hats"),
    ),
}
