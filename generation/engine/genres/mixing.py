"""Mix grammar: stem levels per genre family, pans, reverb sends, Haas width."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..dsp.texture import CLEAN, Texture

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
    glue_ratio: float = 1.0  # bus compression on the master (1 = none)
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
