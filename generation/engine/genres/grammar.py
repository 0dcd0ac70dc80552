"""The grammar's types and the tables every genre shares: sections, fills, grids."""

from __future__ import annotations

from dataclasses import dataclass

from .mixing import MixGrammar

# Grids are one bar of 16th-note steps (16 in 4/4; other meters use the first 12 steps).
# Drum grids: "x" hit, "o" accent, "g" ghost (kept with probability density * energy), "." rest.
# Bass grids: "r" root, "f" fifth, "o" octave up, "-" hold, "." rest; ("kick",) follows the kick.
# Chord and melody grids: "x" onset, "-" hold, "." rest.

FILLS = ("hat-roll", "snare-roll", "kick-drop", "perc-roll", "build")


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
    # Hat feels the seed draws from, per section: "straight" (16th masks), "triplet"
    # (8th-note triplets, hip-hop), "sextuplet" (16th-triplet runs on the backbeat beats),
    # "eighths" (8ths and a pickup), "alt" (hats_alt_grid), "ride" (ride on the beats and the "a", club peaks), "shaker"
    # (shaker 16ths), "pedal" (pedal hats on the "e" and "a"), "bounce" (8ths and a
    # 16th-triplet pair per beat), "shaker-eighths"/"pedal-eighths" (the rate's grid on the
    # shaker or pedal hat), "split" (the straight grid with the notes between the pulse
    # on the pedal hat). Each 8-bar block of a section draws its own.
    hat_feels: tuple[str, ...] = ("straight",)
    # Open-hat grids the seed picks from (hats_open leads when empty).
    hats_open_pool: tuple[str, ...] = ()
    # Straight 16th hats break one beat per bar into a 16th-triplet run, on a beat the
    # seed picks per section (trap): two seeds' plain 16ths then differ bar by bar.
    hat_runs: bool = False
    hats_alt_grid: str = ""  # the "alt" feel: another closed-hat grid (drill's 3-3-2 bounce)
    # The build into a hook: "snare" (a 16th snare/clap roll over the last bar rising in
    # velocity), "riser" (a noise sweep on the hats track), both, or neither.
    builds: tuple[str, ...] = ("snare", "riser")
    impact: bool = True  # a crash on the hats track on the first beat of each hook


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
    # Share of bars (of each eight, picked per seed) whose first note is the root's octave
    # (afrobeats' melodic bass, a reese jumping up): two seeds on one progression part on
    # the "1". 0 keeps every bar's "1" on the root.
    downbeat_octaves: float = 0.0


@dataclass(frozen=True)
class HarmonyGrammar:
    """Progressions as 1-based diatonic scale degrees (roman numerals) per mode."""

    minor: tuple[tuple[int, ...], ...]
    major: tuple[tuple[int, ...], ...]
    tones: int = 3  # 3 triads, 4 sevenths, 5 ninths
    bars_per_chord: int = 1
    # Harmonic rhythms the seed may pick instead (bars per chord); empty = bars_per_chord.
    bars_per_chord_choices: tuple[int, ...] = ()
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
    # A counter-melody under the lead in hooks (arrange/counter.py); off where the genre
    # keeps to one hypnotic or sampled line (house, techno, boom-bap, drum-and-bass).
    counter: bool = True


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
