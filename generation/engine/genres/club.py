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
            # Four on the floor always; the variants add a ghost kick on an off 16th.
            kick=(_FOUR, "x...x...x...x..g", "x...x...x.g.x...", "x...x..gx...x..."),
            snare=(_BACKBEAT,),
            clap=(
                _BACKBEAT,
                "....x.......x..g",
                "....x..g....x...",
                "....x.......x.g.",
                "...gx.......x...",
                "....x.....g.x...",
            ),
            perc=(
                "g.x.g.x.g.x.g.xg",
                "g.x.g.x.g.xgg.x.",
                ".x..x.x..x..x.x.",
                "..xg..x...xg..x.",
                "x..x..x.x..x..x.",
                ".g.x.g.x.g.x.gxx",
            ),
            hats_open="..o...o...o...o.",
            # The open hat on every "and" leads; sections may keep it to the "and"s of
            # 2 and 4, or add a closing one on the last "a".
            hats_open_pool=(
                "..o...o...o...o.",
                "......o.......o.",
                "..o...o...o...oo",
                "..o.......o...o.",
            ),
            hat_feels=("straight", "ride", "shaker", "pedal", "split"),
            phrase_fills=("snare-roll",),
        ),
        BassGrammar(
            (
                "..r...r...r...r.",
                "..r...r...r..or.",
                "..r..r..r.r...r.",
                ".rr...r..rr...r.",
                "..r.o.r...r.o.r.",
                "r.r...r.r.r...r.",
            ),
            legato=0.55,
            register=(33, 45),
        ),
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
            # Offbeat stabs; the variants move them around the "and"s.
            chord_rhythm=(
                "..x..x....x..x..",
                "..x...x...x..x..",
                "..x.....x.x...x.",
                "..x...x...x.x...",
                "...x..x...x...x.",
                "x--..x....x--...",
            ),
            bars_per_chord_choices=(1, 2),
            chord_center=64,
        ),
        MelodyGrammar(("x..x..x.........", "..x..x..x..x...."), center=72, counter=False),
        MixGrammar(
            glue_ratio=2.0,
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
            kick=(
                _FOUR,
                "x...x...x...x.g.",
                "x...x..gx...x...",
                "x...x...x..gx...",
                "x..gx...x...x..g",
            ),
            snare=("............x...", "............x..g", "......g.....x..."),
            clap=(_BACKBEAT, "............x...", "....x.......x..g"),
            # Ghosts ("g") come and go bar by bar: the loop evolves rather than repeats.
            perc=(
                "..x...x.g.x...xg",
                "..x..gx...x..xx.",
                ".x.x..x.gx.x..xg",
                "x..x..xg.x..x.x.",
                "..xx.gx...xx..xg",
                ".xx..x.gxx..x..x",
            ),
            hats_open="..o...o...o...o.",
            hats_open_pool=(
                "..o...o...o...o.",
                "......o.......o.",
                "..o.......o.....",
                "..o...o...o...o.",
            ),
            hat_feels=("straight", "ride", "pedal", "shaker", "split"),
            phrase_fills=("snare-roll",),
        ),
        BassGrammar(
            (
                ".rrr.rrr.rrr.rrr",
                ".rr..rr..rrr.rr.",
                "..rr..rr..rr..rr",
                ".r.r.r.r.r.r.rrr",
                ".rro.rr..rro.rr.",
                "r.rr.rr.r.rr.rr.",
            ),
            legato=0.6,
            register=(33, 45),
        ),
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
        MelodyGrammar(("x..x..x..x..x..x",), center=69, counter=False),
        MixGrammar(
            glue_ratio=2.0,
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
            kick=(
                "x.........x.....",
                "x.........x..x..",
                "x.x.......x.....",
                "x.........xx....",
                "x.......x.x.....",
                "x..x......x...x.",
            ),
            snare=(
                _BACKBEAT,
                "....x..g.g..x..g",
                "....x.g.....x.g.",
                ".g..x..g....x...",
                "....x....g..x.g.",
            ),
            clap=(_BACKBEAT,),
            # Shaker loops that mostly part from each other (not one 16th run that
            # holds every other loop).
            perc=(
                "x.g.x.gxx.g.x.gx",
                ".x.x.x.x.x.x.x.x",
                "x.gx..gxx.gx..gx",
                ".xg..xg..xg..xxg",
                "gx..gx.xg..xgx.x",
                "..xg..x...xg..xx",
            ),
            hats_open="..o.............",
            hats_open_pool=(
                "..o.............",
                "..........o.....",
                "..o.......o.....",
                "..............o.",
            ),
            hat_feels=("straight", "ride", "split"),
            bar_fills=("snare-roll",),
            phrase_fills=("snare-roll",),
        ),
        BassGrammar(
            (
                "r---------r-----",
                "r-------------f-",
                "r-------r-------",
                "r-----r---r-----",
                "r---------o---f-",
            ),
            legato=1.0,
            glide=0.15,
            register=(33, 45),
            downbeat_octaves=0.25,  # the reese stays mostly on the sub
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
            bars_per_chord_choices=(2, 1),
            chord_rhythm=("x---------------",),
        ),
        MelodyGrammar(("x-------x---x---",), center=74, counter=False),
        MixGrammar(
            glue_ratio=1.8,
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
