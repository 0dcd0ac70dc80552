"""Genre presets that the spec needs for defaults: tempo ranges, keys, tracks, instruments."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "DRUM_TRACKS",
    "GENRES",
    "GENRE_DEFAULTS",
    "INSTRUMENTS",
    "PITCHED_TRACKS",
    "TRACK_NAMES",
    "GenreDefaults",
]

TRACK_NAMES: tuple[str, ...] = (
    "kick",
    "snare",
    "clap",
    "hats",
    "perc",
    "bass",
    "chords",
    "melody",
    "pad",
)
DRUM_TRACKS: tuple[str, ...] = ("kick", "snare", "clap", "hats", "perc")
PITCHED_TRACKS: tuple[str, ...] = ("bass", "chords", "melody", "pad")

# The voices each track may be played by; the first one is the fallback.
INSTRUMENTS: dict[str, tuple[str, ...]] = {
    "kick": ("punchy", "808", "deep", "soft", "acoustic"),
    "snare": ("tight", "808", "rim", "gated", "acoustic"),
    "clap": ("classic", "layered", "snap"),
    "hats": ("closed", "808", "shaker", "ride"),
    "perc": ("conga", "shaker", "cowbell", "log-drum", "tom", "rim"),
    "bass": ("808", "sub", "reese", "synth", "round", "pluck"),
    "chords": ("epiano", "piano", "organ", "stab", "saw", "pluck"),
    "melody": ("bell", "pluck", "lead", "marimba", "flute", "epiano"),
    "pad": ("warm", "dark", "choir", "strings", "saw"),
}


@dataclass(frozen=True)
class GenreDefaults:
    """What a fresh spec of this genre starts from; the engine adds grammar and mix data."""

    bpm_min: float
    bpm_max: float
    bpm: float
    tonic: str
    mode: str
    swing: float
    hats_rate: int
    enabled: tuple[str, ...]
    instruments: dict[str, str] = field(default_factory=dict)
    mood: str = ""
    # Sampled instruments (banks.catalog.SAMPLED) the genre prefers when their bank is
    # installed; without the bank the synth voice above is used.
    sampled: dict[str, str] = field(default_factory=dict)


_DEFAULT_DRUMS = ("kick", "snare", "hats")

GENRE_DEFAULTS: dict[str, GenreDefaults] = {
    "trap": GenreDefaults(
        130,
        150,
        140,
        "F",
        "minor",
        0.0,
        16,
        ("kick", "snare", "clap", "hats", "bass", "melody", "pad"),
        {"kick": "808", "bass": "808", "melody": "bell", "pad": "dark", "hats": "808"},
        "dark",
    ),
    "drill": GenreDefaults(
        138,
        146,
        142,
        "C#",
        "minor",
        0.0,
        16,
        ("kick", "snare", "hats", "perc", "bass", "melody", "pad"),
        {"kick": "808", "bass": "808", "melody": "pluck", "pad": "choir", "perc": "rim"},
        "eerie",
        {"pad": "sampled-strings"},
    ),
    "boom-bap": GenreDefaults(
        84,
        96,
        90,
        "C",
        "minor",
        0.35,
        8,
        ("kick", "snare", "hats", "perc", "bass", "chords"),
        {
            "kick": "acoustic",
            "snare": "acoustic",
            "bass": "round",
            "chords": "piano",
            "perc": "rim",
        },
        "dusty",
        {
            "kick": "boom-bap-kit",
            "snare": "boom-bap-kit",
            "hats": "boom-bap-kit",
            "chords": "grand-piano",
        },
    ),
    "lo-fi": GenreDefaults(
        70,
        90,
        80,
        "D",
        "minor",
        0.5,
        8,
        ("kick", "snare", "hats", "bass", "chords", "melody"),
        {"kick": "soft", "snare": "rim", "bass": "round", "chords": "epiano", "melody": "epiano"},
        "chill",
        {
            "kick": "acoustic-kit",
            "hats": "acoustic-kit",
            "chords": "rhodes",
            "melody": "vibraphone",
        },
    ),
    "house": GenreDefaults(
        118,
        128,
        124,
        "A",
        "minor",
        0.0,
        16,
        ("kick", "clap", "hats", "perc", "bass", "chords"),
        {"kick": "punchy", "bass": "synth", "chords": "stab", "perc": "shaker"},
        "groovy",
    ),
    "techno": GenreDefaults(
        125,
        140,
        130,
        "A",
        "minor",
        0.0,
        16,
        ("kick", "clap", "hats", "perc", "bass", "pad"),
        {"kick": "deep", "bass": "synth", "pad": "dark", "perc": "rim"},
        "hypnotic",
    ),
    "drum-and-bass": GenreDefaults(
        160,
        180,
        174,
        "B",
        "minor",
        0.0,
        16,
        ("kick", "snare", "hats", "perc", "bass", "pad"),
        {"kick": "punchy", "snare": "tight", "bass": "reese", "pad": "warm", "perc": "shaker"},
        "atmospheric",
    ),
    "reggaeton": GenreDefaults(
        88,
        100,
        95,
        "A",
        "minor",
        0.0,
        8,
        ("kick", "snare", "hats", "perc", "bass", "chords", "melody"),
        {"kick": "punchy", "bass": "sub", "chords": "pluck", "melody": "pluck", "perc": "shaker"},
        "latin",
    ),
    "afrobeats": GenreDefaults(
        100,
        115,
        106,
        "G",
        "major",
        0.12,
        16,
        ("kick", "snare", "hats", "perc", "bass", "chords", "melody"),
        {
            "snare": "rim",
            "perc": "log-drum",
            "bass": "synth",
            "chords": "pluck",
            "melody": "marimba",
        },
        "bright",
        {"melody": "sampled-marimba"},
    ),
    "rnb": GenreDefaults(
        65,
        85,
        75,
        "Eb",
        "major",
        0.2,
        16,
        ("kick", "snare", "hats", "bass", "chords", "pad"),
        {"bass": "sub", "chords": "epiano", "pad": "warm"},
        "smooth",
        {"chords": "rhodes", "pad": "sampled-strings"},
    ),
    "pop": GenreDefaults(
        100,
        128,
        116,
        "C",
        "major",
        0.0,
        8,
        ("kick", "snare", "clap", "hats", "bass", "chords", "melody"),
        {"bass": "synth", "chords": "piano", "melody": "lead"},
        "bright",
        {"chords": "grand-piano"},
    ),
    "synthwave": GenreDefaults(
        80,
        118,
        100,
        "A",
        "minor",
        0.0,
        16,
        ("kick", "snare", "hats", "bass", "chords", "melody", "pad"),
        {"snare": "gated", "bass": "synth", "chords": "saw", "melody": "lead", "pad": "saw"},
        "retro",
    ),
}

GENRES: tuple[str, ...] = tuple(GENRE_DEFAULTS)
