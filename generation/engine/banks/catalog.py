"""The sound bank catalogue: known banks, their licences, and the sampled instruments by track.

Pure data (no file access): a spec is validated against it, and ``SAMPLES.txt`` is written
from it and the spec alone, on machines that have no banks installed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "ALLOWED_LICENCES",
    "BANKS",
    "EXCLUDED_PREFIXES",
    "INSTRUMENTS",
    "KIT_TRACKS",
    "SAMPLED",
    "Bank",
    "OneShotKit",
    "SoundFontProgram",
    "is_sampled",
    "synth_fallback",
]

# sonic-pi-samples ships every sample as CC0 except the Amen break loops, whose CC0 claim is
# only the uploader's: they are never listed, loaded or credited.
EXCLUDED_PREFIXES = ("loop_amen",)


# Only material free to use in a sold or streamed beat without attribution conditions we
# could not carry: public domain, CC0 and MIT. A bank under anything else is not listed.
ALLOWED_LICENCES = ("CC0-1.0", "MIT", "public-domain")


@dataclass(frozen=True)
class Bank:
    """A bank we know how to use: where Debian installs it and under which licence."""

    name: str
    package: str
    kind: Literal["oneshots", "soundfont"]
    licence: str
    source: str
    # Debian's install location: a folder of FLAC files or one .sf2/.sf3 file.
    debian_path: Path
    # The name that identifies the bank inside a SOUND_BANK_PATHS folder.
    marker: str

    @property
    def used(self) -> bool:
        """Some sampled instrument is played from this bank."""
        return any(inst.bank == self.name for inst in INSTRUMENTS.values())

    @property
    def install_hint(self) -> str:
        return (
            f"install it with `make banks` (Debian/Ubuntu: apt-get install {self.package}"
            + (" libfluidsynth3" if self.kind == "soundfont" else "")
            + ") "
            f"or add the folder holding {self.marker} to SOUND_BANK_PATHS"
        )


BANKS: dict[str, Bank] = {
    b.name: b
    for b in (
        Bank(
            "sonic-pi-samples",
            "sonic-pi-samples",
            "oneshots",
            "CC0-1.0",
            "Sonic Pi samples (freesound.org, CC0), Debian package sonic-pi-samples",
            Path("/usr/share/sonic-pi/samples"),
            "drum_bass_hard.flac",
        ),
        Bank(
            "fluidr3-gm",
            "fluid-soundfont-gm",
            "soundfont",
            "MIT",
            "FluidR3_GM SoundFont by Frank Wen, Debian package fluid-soundfont-gm",
            Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
            "FluidR3_GM.sf2",
        ),
        Bank(
            "musescore-general",
            "musescore-general-soundfont",
            "soundfont",
            "MIT",
            "MuseScore General SoundFont by S. Christian Collins, "
            "Debian package musescore-general-soundfont",
            Path("/usr/share/sounds/sf3/MuseScore_General.sf3"),
            "MuseScore_General.sf3",
        ),
    )
}


@dataclass(frozen=True)
class OneShotKit:
    """Drum one-shots by track and voice; each voice lists its velocity layers, soft to hard.

    File names are stems inside the bank folder (``drum_snare_soft`` → ``drum_snare_soft.flac``).
    """

    name: str
    bank: str
    pieces: Mapping[str, Mapping[str, tuple[str, ...]]]


@dataclass(frozen=True)
class SoundFontProgram:
    """A General-MIDI program (0-based ``program``, MIDI bank ``bank_number``) of a SoundFont."""

    name: str
    bank: str
    program: int
    bank_number: int = 0


def _kit(name: str, **pieces: Mapping[str, tuple[str, ...]]) -> OneShotKit:
    return OneShotKit(name, "sonic-pi-samples", pieces)


_KITS = (
    _kit(
        "sampled-808",
        kick={"": ("bd_808",)},
        snare={"": ("elec_snare",)},
        hats={"closed": ("elec_tick",), "open": ("elec_cymbal",)},
        perc={"low": ("elec_bong",), "high": ("elec_wood",)},
    ),
    _kit(
        "acoustic-kit",
        kick={"": ("drum_bass_soft", "drum_bass_hard")},
        snare={"": ("drum_snare_soft", "drum_snare_hard")},
        hats={"closed": ("drum_cymbal_pedal", "drum_cymbal_closed"), "open": ("drum_cymbal_open",)},
        perc={
            "low": ("drum_tom_lo_soft", "drum_tom_lo_hard"),
            "high": ("drum_tom_hi_soft", "drum_tom_hi_hard"),
        },
    ),
    _kit(
        "vintage-kit",
        kick={"": ("elec_hollow_kick",)},
        snare={"": ("elec_lo_snare",)},
        hats={"closed": ("elec_tick",), "open": ("elec_cymbal",)},
        perc={"low": ("elec_fuzz_tom",), "high": ("elec_wood",)},
    ),
    _kit(
        "boom-bap-kit",
        kick={"": ("bd_boom",)},
        snare={"": ("sn_dub",)},
        hats={"closed": ("drum_cymbal_closed",), "open": ("drum_cymbal_open",)},
        perc={"low": ("drum_tom_lo_hard",), "high": ("drum_cowbell",)},
    ),
)

# General-MIDI program numbers are 0-based here (GM's "1 Acoustic Grand Piano" is 0).
_PROGRAMS = {
    "grand-piano": 0,
    "bright-piano": 1,
    "rhodes": 4,
    "electric-piano": 5,
    "vibraphone": 11,
    "sampled-marimba": 12,
    "sampled-organ": 16,
    "nylon-guitar": 24,
    "steel-guitar": 25,
    "finger-bass": 33,
    "upright-bass": 32,
    "sampled-strings": 48,
    "slow-strings": 49,
    "synth-strings": 50,
    "sampled-choir": 52,
    "brass": 61,
    "sampled-flute": 73,
}

INSTRUMENTS: dict[str, OneShotKit | SoundFontProgram] = {
    **{k.name: k for k in _KITS},
    **{name: SoundFontProgram(name, "fluidr3-gm", prog) for name, prog in _PROGRAMS.items()},
}


# Sampled names never reuse a synth voice's name on the same track ("piano" stays the synth
# piano, "grand-piano" is FluidR3's), so an old spec keeps meaning what it meant.
KIT_TRACKS: tuple[str, ...] = ("kick", "snare", "hats", "perc")
_KIT_NAMES = tuple(k.name for k in _KITS)
SAMPLED: dict[str, tuple[str, ...]] = {
    "kick": _KIT_NAMES,
    "snare": _KIT_NAMES,
    "clap": (),
    "hats": _KIT_NAMES,
    "perc": _KIT_NAMES,
    "bass": ("upright-bass", "finger-bass"),
    "chords": (
        "grand-piano",
        "bright-piano",
        "rhodes",
        "electric-piano",
        "sampled-organ",
        "nylon-guitar",
        "steel-guitar",
        "vibraphone",
        "sampled-strings",
        "slow-strings",
    ),
    "melody": (
        "vibraphone",
        "sampled-marimba",
        "sampled-flute",
        "nylon-guitar",
        "steel-guitar",
        "grand-piano",
        "rhodes",
        "brass",
    ),
    "pad": ("sampled-strings", "slow-strings", "synth-strings", "sampled-choir"),
}

# The synth voice nearest each sampled instrument, per track: what the assistant offers
# (and says it offers) when a bank is not installed.
_FALLBACK: dict[str, dict[str, str]] = {
    "kick": {
        "sampled-808": "808",
        "acoustic-kit": "acoustic",
        "vintage-kit": "punchy",
        "boom-bap-kit": "acoustic",
    },
    "snare": {
        "sampled-808": "808",
        "acoustic-kit": "acoustic",
        "vintage-kit": "tight",
        "boom-bap-kit": "acoustic",
    },
    "hats": {
        "sampled-808": "808",
        "acoustic-kit": "closed",
        "vintage-kit": "808",
        "boom-bap-kit": "closed",
    },
    "perc": {
        "sampled-808": "rim",
        "acoustic-kit": "tom",
        "vintage-kit": "rim",
        "boom-bap-kit": "cowbell",
    },
    "bass": {"upright-bass": "round", "finger-bass": "round"},
    "chords": {
        "grand-piano": "piano",
        "bright-piano": "piano",
        "rhodes": "epiano",
        "electric-piano": "epiano",
        "sampled-organ": "organ",
        "nylon-guitar": "pluck",
        "steel-guitar": "pluck",
        "vibraphone": "epiano",
        "sampled-strings": "saw",
        "slow-strings": "saw",
    },
    "melody": {
        "vibraphone": "bell",
        "sampled-marimba": "marimba",
        "sampled-flute": "flute",
        "nylon-guitar": "pluck",
        "steel-guitar": "pluck",
        "grand-piano": "epiano",
        "rhodes": "epiano",
        "brass": "lead",
    },
    "pad": {
        "sampled-strings": "strings",
        "slow-strings": "strings",
        "synth-strings": "strings",
        "sampled-choir": "choir",
    },
}


def is_sampled(track: str, instrument: str) -> bool:
    """True when ``instrument`` on ``track`` is played from a sound bank."""
    return instrument in SAMPLED.get(track, ())


def synth_fallback(track: str, instrument: str) -> str:
    """The synth voice closest to sampled ``instrument`` on ``track`` (``KeyError`` if none)."""
    return _FALLBACK[track][instrument]
