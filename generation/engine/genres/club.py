"""Club grammars: house, techno, drum-and-bass."""

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
from .mixing import _CLUB, _DRIVE, MixGrammar

CLUB: dict[str, GenreGrammar] = {
    "house": GenreGrammar(
        DrumGrammar(
            kick=(_FOUR,),
            snare=(_BACKBEAT,),
            clap=(_BACKBEAT, "....x.......x..g"),
            perc=("g.x.g.x.g.x.g.xg", "g.x.g.x.g.xgg.x."),
            hats_open="..o...o...o...o.",
            phrase_fills=("snare-roll",),
        ),
        BassGrammar(("..r...r...r...r.", "..r...r...r..or."), legato=0.55, register=(33, 45)),
        HarmonyGrammar(
            minor=(
                (1, 7, 6, 5),
                (1, 6, 7, 1),
                (1, 4, 7, 1),
                (1, 6, 4, 7),
                (1, 3, 7, 4),
                (1, 1, 6, 7),
            ),
            major=(
                (6, 4, 1, 5),
                (1, 5, 6, 4),
                (1, 4, 6, 5),
                (1, 4, 1, 5),
                (1, 6, 2, 5),
                (1, 3, 4, 4),
            ),
            tones=4,
            chord_rhythm=("..x..x....x..x..", "..x...x...x..x.."),
            chord_center=64,
        ),
        MelodyGrammar(("x..x..x.........", "..x..x..x..x...."), center=72),
        MixGrammar(
            family=_CLUB,
            sidechain_grid=_FOUR,
            sidechain_depth=0.6,
            reverb_room=0.5,
            humanize_ms=2.0,
        ),
        intro_tracks=("kick", "hats", "perc"),
    ),
    "techno": GenreGrammar(
        DrumGrammar(
            kick=(_FOUR,),
            snare=("............x...",),
            clap=(_BACKBEAT, "............x..."),
            perc=("..x...x...x...x.", "..x...x...x..xx."),
            hats_open="..o...o...o...o.",
            phrase_fills=("snare-roll",),
        ),
        BassGrammar((".rrr.rrr.rrr.rrr", ".rr..rr..rrr.rr."), legato=0.6, register=(33, 45)),
        HarmonyGrammar(
            minor=(
                (1, 1, 6, 1),
                (1, 7, 1, 6),
                (1, 4, 1, 1),
                (1, 6, 7, 1),
                (1, 1, 4, 6),
                (1, 3, 1, 7),
            ),
            major=(
                (1, 1, 4, 1),
                (1, 5, 1, 4),
                (1, 6, 1, 5),
                (1, 4, 5, 1),
                (1, 1, 6, 4),
                (1, 2, 1, 5),
            ),
            bars_per_chord=2,
            chord_rhythm=("...x..x....x..x.",),
            pad_center=62,
            pad_tones=2,
        ),
        MelodyGrammar(("x..x..x..x..x..x",), center=69),
        MixGrammar(
            family=_CLUB,
            levels_db={"clap": -12.0, "hats": -7.0, "perc": -6.0, "bass": -4.0, "pad": -7.0},
            sidechain_grid=_FOUR,
            sidechain_depth=0.55,
            reverb_room=0.7,
            reverb_damping=0.6,
            humanize_ms=1.5,
        ),
        intro_tracks=("kick", "hats", "perc"),
    ),
    "drum-and-bass": GenreGrammar(
        DrumGrammar(
            kick=("x.........x.....", "x.........x..x..", "x.x.......x.....", "x.........xx...."),
            snare=(_BACKBEAT, "....x..g.g..x..g"),
            clap=(_BACKBEAT,),
            perc=("xgxgxgxgxgxgxgxg", "xgxgxgxgxgxgxgxx"),
            hats_open="..o.............",
            bar_fills=("snare-roll",),
            phrase_fills=("snare-roll",),
        ),
        BassGrammar(
            ("r---------r-----", "r-------------f-"), legato=1.0, glide=0.15, register=(33, 45)
        ),
        HarmonyGrammar(
            minor=(
                (1, 6, 7, 1),
                (1, 6, 4, 1),
                (1, 4, 6, 7),
                (1, 7, 6, 4),
                (1, 3, 6, 7),
                (1, 6, 3, 7),
            ),
            major=(
                (1, 5, 6, 4),
                (1, 4, 6, 5),
                (1, 6, 4, 5),
                (1, 3, 4, 5),
                (1, 4, 1, 5),
                (1, 5, 4, 1),
            ),
            tones=4,
            bars_per_chord=2,
            chord_rhythm=("x---------------",),
        ),
        MelodyGrammar(("x-------x---x---",), center=74),
        MixGrammar(
            family=_DRIVE,
            levels_db={"hats": -10.0, "perc": -9.0},
            sidechain_grid="x.........x.....",
            sidechain_depth=0.3,
            reverb_room=0.75,
            humanize_ms=2.0,
        ),
        intro_tracks=("pad", "hats", "chords"),
    ),
}
