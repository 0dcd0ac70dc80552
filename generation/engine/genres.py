"""Genre grammars as data: drum grids, bass rhythms, progressions, melody rhythms and mix."""

from __future__ import annotations

from dataclasses import dataclass, field

from .presets import GENRES
from .texture import CLEAN, Texture

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

# Grids are one bar of 16th-note steps (16 in 4/4; other meters use the first 12 steps).
# Drum grids: "x" hit, "o" accent, "g" ghost (kept with probability density * energy), "." rest.
# Bass grids: "r" root, "f" fifth, "o" octave up, "-" hold, "." rest; ("kick",) follows the kick.
# Chord and melody grids: "x" onset, "-" hold, "." rest.

FILLS = ("hat-roll", "snare-roll", "kick-drop", "perc-roll")


@dataclass(frozen=True)
class DrumGrammar:
    """Drum grids per track; each tuple holds bar variants that the groove plan rotates."""

    kick: tuple[str, ...]
    snare: tuple[str, ...]
    clap: tuple[str, ...]
    perc: tuple[str, ...]
    hats_open: str = "................"
    # A fixed closed-hat rhythm used when the hats play at the genre's default rate
    # (drill's triplet feel); otherwise hats are spaced evenly at tracks.hats.rate.
    hats_grid: str = ""
    bar_fills: tuple[str, ...] = ()  # end of every 4th bar
    phrase_fills: tuple[str, ...] = ("snare-roll",)  # end of every 8th bar and before a hook


@dataclass(frozen=True)
class BassGrammar:
    rhythm: tuple[str, ...]
    legato: float = 0.9  # fraction of the gap to the next note that a note sounds
    glide: float = 0.0  # probability that a note slides in from the previous pitch
    glide_beats: float = 0.2
    jumps: float = 0.0  # probability of an octave or fifth jump (808 bounce)
    register: tuple[int, int] = (33, 45)  # MIDI range for the chord root
    # Away from the tonic chord, the bar's last note (of three or more) falls back to the
    # tonic: the bass keeps naming the key, as 808 bounces and house walk-downs do.
    tonic_return: bool = True


@dataclass(frozen=True)
class HarmonyGrammar:
    """Progressions as 1-based diatonic scale degrees (roman numerals) per mode."""

    minor: tuple[tuple[int, ...], ...]
    major: tuple[tuple[int, ...], ...]
    tones: int = 3  # 3 triads, 4 sevenths, 5 ninths
    bars_per_chord: int = 1
    chord_rhythm: tuple[str, ...] = ("x-------x-------",)
    chord_center: int = 62
    pad_center: int = 57
    pad_tones: int = 3


@dataclass(frozen=True)
class MelodyGrammar:
    rhythms: tuple[str, ...]
    center: int = 72
    harmonic_minor: bool = False  # raise the 7th on the way back to the tonic
    leap: float = 0.25  # probability of a leap instead of a step


# Stem balances: integrated loudness of each stem relative to the kick stem (LU), per
# genre family (MUSIC.md, "Mixing"). The mixer measures each stem's own loudness and sets
# its fader to hit these, so voices need no level trims and nothing stacks two cuts.
_HIP_HOP = {
    "kick": 0.0,
    "snare": -4.0,
    "clap": -5.0,
    "hats": -10.0,
    "perc": -11.0,
    "bass": 1.0,
    "chords": -7.0,
    "melody": -5.0,
    "pad": -10.0,
}
_DUSTY = {**_HIP_HOP, "snare": -2.0, "clap": -3.0, "bass": -3.0, "chords": -4.0, "melody": -6.0}
_CLUB = {
    **_HIP_HOP,
    "snare": -6.0,
    "clap": -5.0,
    "hats": -8.0,
    "perc": -9.0,
    "bass": -3.0,
    "chords": -6.0,
    "melody": -6.0,
    "pad": -9.0,
}
_SONG = {**_DUSTY, "snare": -3.0, "clap": -4.0, "chords": -4.0, "melody": -3.0, "pad": -9.0}
_DRIVE = {**_SONG, "snare": -2.0, "bass": -2.0, "chords": -6.0, "melody": -4.0, "pad": -7.0}
_LEVELS = _HIP_HOP
_PANS = {
    "kick": 0.0,
    "snare": 0.0,
    "clap": 0.05,
    "hats": 0.35,
    "perc": -0.4,
    "bass": 0.0,
    "chords": -0.25,
    "melody": 0.2,
    "pad": 0.0,
}
_SENDS = {
    "kick": 0.0,
    "snare": 0.14,
    "clap": 0.2,
    "hats": 0.06,
    "perc": 0.12,
    "bass": 0.0,
    "chords": 0.22,
    "melody": 0.3,
    "pad": 0.4,
}
# Haas widening: the right channel of these tracks is delayed by this many milliseconds
# (every stem is high-passed above ~120 Hz except kick and bass, so the lows stay mono).
_WIDTH_MS = {"pad": 14.0, "chords": 11.0, "hats": 7.0, "perc": 9.0, "melody": 4.0}


@dataclass(frozen=True)
class MixGrammar:
    # Stem loudness relative to the kick (LU): the family table, then per-genre overrides.
    family: dict[str, float] = field(default_factory=lambda: _LEVELS)
    levels_db: dict[str, float] = field(default_factory=dict)
    reverb_sends: dict[str, float] = field(default_factory=dict)  # overrides of _SENDS
    reverb_room: float = 0.5
    reverb_damping: float = 0.5
    # Ducking follows the genre's pulse, not the kick track, so that editing the kick
    # never changes another stem.
    sidechain_grid: str = "x...x...x...x..."
    sidechain_depth: float = 0.0
    sidechain_release_beats: float = 0.45
    sidechain_tracks: tuple[str, ...] = ("bass", "chords", "pad")
    master_lowpass_hz: float = 0.0  # 0 = off; the genre's colour (lo-fi is dark)
    drive: float = 1.5  # saturation of 808 and kick voices
    kick_fifth: bool = False  # tune the kick to the key's fifth instead of its tonic
    texture: Texture = CLEAN  # tape and vinyl wear
    humanize_ms: float = 5.0  # timing spread (standard deviation)
    humanize_velocity: float = 0.08

    def level_db(self, track: str) -> float:
        return self.levels_db.get(track, self.family[track])

    def send(self, track: str) -> float:
        return self.reverb_sends.get(track, _SENDS[track])

    @staticmethod
    def pan(track: str) -> float:
        return _PANS[track]

    @staticmethod
    def width_ms(track: str) -> float:
        return _WIDTH_MS.get(track, 0.0)


@dataclass(frozen=True)
class GenreGrammar:
    drums: DrumGrammar
    bass: BassGrammar
    harmony: HarmonyGrammar
    melody: MelodyGrammar
    mix: MixGrammar
    intro_tracks: tuple[str, ...] = ("hats", "perc", "chords", "melody", "pad")


# Which tracks play in each section (if the spec enables them).
_ALL = ("kick", "snare", "clap", "hats", "perc", "bass", "chords", "melody", "pad")
SECTION_TRACKS: dict[str, tuple[str, ...]] = {
    "intro": (),  # the genre's intro_tracks
    # The verse holds back (no percussion loop, no pad) so that the hook adds layers.
    "verse": ("kick", "snare", "clap", "hats", "bass", "chords", "melody"),
    "hook": _ALL,
    "drop": _ALL,
    "bridge": ("hats", "perc", "bass", "chords", "melody", "pad"),
    "break": ("perc", "chords", "melody", "pad"),
    "outro": ("kick", "hats", "chords", "pad", "perc"),
}
# How much of the motif the melody plays per section: full, sparse (every other
# phrase bar) or varied (the motif re-pitched).
SECTION_MELODY: dict[str, str] = {
    "intro": "sparse",
    "verse": "sparse",
    "hook": "full",
    "drop": "full",
    "bridge": "varied",
    "break": "varied",
    "outro": "sparse",
}

_FOUR = "x...x...x...x..."
_BACKBEAT = "....x.......x..."
_HALF = "........x......."

GRAMMARS: dict[str, GenreGrammar] = {
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

assert set(GRAMMARS) == set(GENRES), "every genre in presets needs a grammar"
