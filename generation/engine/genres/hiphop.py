"""Hip-hop grammars: trap, drill, boom-bap, lo-fi."""

from __future__ import annotations

from ..dsp.texture import Texture
from .grammar import (
    _BACKBEAT,
    _HALF,
    BassGrammar,
    DrumGrammar,
    GenreGrammar,
    HarmonyGrammar,
    MelodyGrammar,
)
from .mixing import _DUSTY, MixGrammar

HIP_HOP: dict[str, GenreGrammar] = {
    "trap": GenreGrammar(
        DrumGrammar(
            kick=("x.......x.x.....", "x.....x...x.....", "x.......x..x..x.", "x.........x.x..."),
            snare=(_HALF, "........x.....g."),
            clap=(_HALF,),
            perc=("......x.......x.",),
            hats_open="..............o.",
            bar_fills=("hat-roll",),
            phrase_fills=("hat-roll", "kick-drop"),
        ),
        BassGrammar(("kick",), legato=1.0, glide=0.25, jumps=0.2, register=(29, 41)),
        HarmonyGrammar(
            minor=(
                (1, 6, 3, 7),
                (1, 4, 6, 5),
                (1, 6, 4, 5),
                (1, 7, 6, 7),
                (1, 1, 6, 7),
                (1, 4, 1, 6),
            ),
            major=(
                (1, 5, 6, 4),
                (1, 4, 6, 5),
                (1, 6, 4, 5),
                (1, 4, 1, 5),
                (1, 3, 4, 5),
                (1, 5, 4, 4),
            ),
            chord_rhythm=("x-------x-------",),
            pad_center=60,
        ),
        MelodyGrammar(
            ("x..x..x.x..x....", "x.x...x.x.x.....", "x..x..x...x.x..."),
            center=76,
            harmonic_minor=True,
        ),
        MixGrammar(
            levels_db={"bass": 1.0, "hats": -10.0},
            sidechain_grid="x.......x.......",
            sidechain_depth=0.25,
            sidechain_tracks=("pad", "chords"),
            drive=2.5,
            humanize_ms=3.0,
        ),
        intro_tracks=("hats", "melody", "pad", "chords"),
    ),
    "drill": GenreGrammar(
        DrumGrammar(
            kick=("x.....x...x.....", "x.....x.....x...", "x..x......x.....", "x.....x...x..x.."),
            snare=("........x..g..x.", "........x.....x."),
            clap=(_HALF,),
            perc=("...x......x..x..", "....x..x......x."),
            hats_grid="x.x.x..xx.x.x..x",  # skipping bounce; a strict 3-3-2 hides the pulse
            bar_fills=("hat-roll",),
            phrase_fills=("snare-roll",),
        ),
        BassGrammar(
            ("kick",), legato=1.0, glide=0.55, glide_beats=0.3, jumps=0.4, register=(29, 41)
        ),
        HarmonyGrammar(
            minor=(
                (1, 6, 7, 1),
                (1, 5, 6, 5),
                (1, 6, 1, 7),
                (1, 1, 6, 5),
                (1, 4, 6, 7),
                (1, 7, 6, 6),
            ),
            major=(
                (1, 6, 4, 5),
                (1, 5, 6, 4),
                (1, 4, 5, 1),
                (1, 3, 6, 4),
                (1, 4, 6, 5),
                (1, 6, 5, 4),
            ),
            chord_rhythm=("x-------x-------",),
            pad_center=62,
        ),
        MelodyGrammar(("x..x..x..x..x...", "x.x..x..x..x.x.."), center=74, harmonic_minor=True),
        MixGrammar(
            levels_db={"bass": 1.0, "snare": -6.0, "perc": -10.0, "melody": -6.0},
            sidechain_grid="x.....x...x.....",
            sidechain_depth=0.2,
            sidechain_tracks=("pad", "chords"),
            drive=2.5,
            humanize_ms=3.0,
        ),
        intro_tracks=("melody", "pad", "perc"),
    ),
    "boom-bap": GenreGrammar(
        DrumGrammar(
            kick=("x......x..x.....", "x......x.xx.....", "x.x....x..x.....", "x......x..x...x."),
            snare=(_BACKBEAT, "....x..g....x..g"),
            clap=(_BACKBEAT,),
            perc=("..g...g...g..g..", "......g...g....g"),
            hats_open="..............o.",
            phrase_fills=("snare-roll",),
        ),
        BassGrammar(("kick",), legato=0.7, register=(33, 45)),
        HarmonyGrammar(
            minor=(
                (1, 4, 1, 5),
                (1, 6, 4, 5),
                (1, 7, 6, 5),
                (1, 4, 7, 3),
                (1, 6, 2, 5),
                (1, 3, 4, 5),
            ),
            major=(
                (2, 5, 1, 1),
                (1, 6, 2, 5),
                (1, 4, 2, 5),
                (1, 3, 4, 5),
                (1, 4, 1, 5),
                (1, 6, 4, 5),
            ),
            tones=4,
            chord_rhythm=("x------.x--x----", "x-----x-----x---"),
        ),
        MelodyGrammar(("x.......x.x.....", "x..x......x....."), center=72),
        MixGrammar(
            family=_DUSTY,
            # Sampled-off-a-record keys: a little tape drift and dust under the loop.
            texture=Texture(
                wow_cents=4.0,
                flutter_cents=1.5,
                tape_drive=1.6,
                tape_tracks=("chords", "melody"),
                crackle=3.0,
                hiss_dbfs=-66.0,
            ),
            reverb_room=0.35,
            master_lowpass_hz=12000.0,
            humanize_ms=7.0,
            humanize_velocity=0.12,
        ),
        intro_tracks=("chords", "hats", "perc"),
    ),
    "lo-fi": GenreGrammar(
        DrumGrammar(
            kick=("x.......x.x.....", "x......xx.......", "x.......x..x....", "x.g.....x.x....."),
            snare=(_BACKBEAT, "....x.......x..g"),
            clap=(_BACKBEAT,),
            perc=("......g.......g.",),
            phrase_fills=("kick-drop",),
        ),
        BassGrammar(("r-------r-r-----", "r-------r---f---"), legato=0.9, register=(33, 45)),
        HarmonyGrammar(
            minor=(
                (1, 4, 7, 1),
                (4, 5, 1, 1),
                (1, 6, 4, 5),
                (1, 4, 7, 3),
                (1, 6, 2, 5),
                (1, 7, 4, 1),
            ),
            major=(
                (2, 5, 1, 1),
                (1, 6, 2, 5),
                (4, 3, 2, 1),
                (1, 3, 6, 2),
                (1, 4, 3, 6),
                (1, 2, 4, 5),
            ),
            tones=4,
            chord_rhythm=("x-------x-------", "x-----x---------"),
        ),
        MelodyGrammar(("x---..x-x---....", "x-x---..x-----.."), center=72),
        MixGrammar(
            family=_DUSTY,
            levels_db={"snare": -3.0, "hats": -11.0, "melody": -6.0},
            # Worn cassette and vinyl: audible wow on the keys, crackle and hiss beneath.
            texture=Texture(
                wow_cents=9.0,
                flutter_cents=2.5,
                tape_drive=1.8,
                tape_tracks=("chords", "melody", "pad", "bass"),
                crackle=7.0,
                hiss_dbfs=-58.0,
            ),
            reverb_room=0.55,
            master_lowpass_hz=8000.0,
            humanize_ms=9.0,
            humanize_velocity=0.14,
            drive=1.0,
        ),
        intro_tracks=("chords", "melody", "pad"),
    ),
}
