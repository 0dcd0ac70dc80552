"""Sound bank registry: finds installed sample and SoundFont banks, their licences and versions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from ..spec import SpecError

__all__ = [
    "BANKS",
    "DPKG_STATUS",
    "INSTRUMENTS",
    "Bank",
    "BankMissing",
    "BankRegistry",
    "InstalledBank",
    "OneShotKit",
    "SoundFontProgram",
]

DPKG_STATUS = Path("/var/lib/dpkg/status")
# sonic-pi-samples ships every sample as CC0 except the Amen break loops, whose CC0 claim is
# only the uploader's: they are never listed, loaded or credited.
EXCLUDED_PREFIXES = ("loop_amen",)


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
    def install_hint(self) -> str:
        return (
            f"install it with `make banks` (Debian/Ubuntu: apt-get install {self.package}) "
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
    "marimba": 12,
    "organ": 16,
    "nylon-guitar": 24,
    "steel-guitar": 25,
    "finger-bass": 33,
    "upright-bass": 32,
    "strings": 48,
    "slow-strings": 49,
    "synth-strings": 50,
    "choir": 52,
    "brass": 61,
    "flute": 73,
}

INSTRUMENTS: dict[str, OneShotKit | SoundFontProgram] = {
    **{k.name: k for k in _KITS},
    **{name: SoundFontProgram(name, "fluidr3-gm", prog) for name, prog in _PROGRAMS.items()},
}


class BankMissing(SpecError):
    """A requested bank is not installed; the message names it and how to install it."""

    def __init__(self, bank: str, *, instrument: str = "", field_name: str = "instrument") -> None:
        known = BANKS.get(bank)
        needed = f" (needed by {instrument!r})" if instrument else ""
        hint = known.install_hint if known else f"known banks: {', '.join(sorted(BANKS))}"
        super().__init__(field_name, f"sound bank {bank!r} is not installed{needed}; {hint}")
        self.bank = bank
        self.instrument = instrument


@dataclass(frozen=True)
class InstalledBank:
    """A bank found on this machine, and where (``package_version`` from dpkg, if it was)."""

    bank: Bank
    path: Path
    package_version: str | None = None

    @cached_property
    def version(self) -> str:
        """``deb:<package version>``, or ``sha256:<16 hex>`` of the files (hashed on first use)."""
        if self.package_version is not None:
            return f"deb:{self.package_version}"
        return _sha256_prefix(self.files())

    @property
    def name(self) -> str:
        return self.bank.name

    def files(self) -> list[Path]:
        """Usable files, sorted: the SoundFont, or every FLAC except the excluded loops."""
        if self.bank.kind == "soundfont":
            return [self.path]
        return sorted(
            p for p in self.path.glob("*.flac") if not p.name.startswith(EXCLUDED_PREFIXES)
        )

    def sample(self, stem: str) -> Path:
        """The FLAC file of one sample stem; excluded or absent stems raise ``KeyError``."""
        if stem.startswith(EXCLUDED_PREFIXES):
            raise KeyError(f"{stem!r} is excluded from {self.name} (licence unclear)")
        path = self.path / f"{stem}.flac"
        if not path.is_file():
            raise KeyError(f"{stem!r} is not in {self.name} at {self.path}")
        return path


def _dpkg_versions(status_file: Path) -> dict[str, str]:
    """Package → version of every installed package in dpkg's status file (empty if absent)."""
    try:
        text = status_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    versions: dict[str, str] = {}
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line and not line[0].isspace() and ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        if (
            "Package" in fields
            and "Version" in fields
            and fields.get("Status", "").endswith(" installed")
        ):
            versions[fields["Package"]] = fields["Version"]
    return versions


def _sha256_prefix(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()[:16]


@dataclass
class BankRegistry:
    """The banks installed here, looked up in ``search_paths`` first, then Debian's paths.

    ``search_paths`` is the caller's ``SOUND_BANK_PATHS`` (folders holding a bank's marker
    file, or the SoundFont files themselves); the engine never reads the environment.
    """

    search_paths: Sequence[str | Path] = ()
    dpkg_status: Path = DPKG_STATUS
    # False looks only in ``search_paths`` (tests, or a deployment that pins its banks).
    standard_paths: bool = True

    def _locate(self, bank: Bank) -> tuple[Path, bool] | None:
        """(path, from Debian's location) of ``bank``, or None."""
        for raw in self.search_paths:
            base = Path(raw)
            if base.is_file() and base.name == bank.marker:
                return (base if bank.kind == "soundfont" else base.parent), False
            for folder in (base, base / "samples"):
                if (folder / bank.marker).is_file():
                    return (folder / bank.marker if bank.kind == "soundfont" else folder), False
        if not self.standard_paths:
            return None
        marker = bank.debian_path if bank.kind == "soundfont" else bank.debian_path / bank.marker
        if marker.is_file():
            return bank.debian_path, True
        return None

    @cached_property
    def installed(self) -> dict[str, InstalledBank]:
        """Every known bank present on this machine, by name (versions are computed lazily)."""
        found: dict[str, InstalledBank] = {}
        packages = _dpkg_versions(self.dpkg_status)
        for bank in BANKS.values():
            located = self._locate(bank)
            if located is not None:
                path, from_debian = located
                version = packages.get(bank.package) if from_debian else None
                found[bank.name] = InstalledBank(bank, path, version)
        return found

    def bank(self, name: str, *, instrument: str = "") -> InstalledBank:
        """The installed bank ``name``; raises ``BankMissing`` (never substitutes another)."""
        if name not in self.installed:
            raise BankMissing(name, instrument=instrument)
        return self.installed[name]

    def instrument(self, name: str) -> OneShotKit | SoundFontProgram:
        """A sampled instrument by name; unknown names raise ``KeyError`` listing the known."""
        if name not in INSTRUMENTS:
            raise KeyError(
                f"no sampled instrument {name!r}; known: {', '.join(sorted(INSTRUMENTS))}"
            )
        return INSTRUMENTS[name]

    def available(self) -> list[str]:
        """Names of the instruments whose bank is installed, sorted."""
        return sorted(n for n, inst in INSTRUMENTS.items() if inst.bank in self.installed)

    def kit_sample(self, kit: str, track: str, voice: str = "", layer: int = -1) -> Path:
        """The FLAC file of one kit piece (``layer`` indexes soft → hard; -1 is the hardest)."""
        inst = self.instrument(kit)
        if not isinstance(inst, OneShotKit):
            raise KeyError(f"{kit!r} is a SoundFont program, not a one-shot kit")
        voices = inst.pieces.get(track)
        if voices is None:
            raise KeyError(f"{kit!r} has no {track!r}; it has {', '.join(inst.pieces)}")
        layers = voices.get(voice) or voices.get("") or next(iter(voices.values()))
        return self.bank(inst.bank, instrument=kit).sample(layers[layer])

    def soundfont(self, program: str) -> tuple[Path, SoundFontProgram]:
        """(SoundFont file, program) for a pitched sampled instrument such as ``"rhodes"``."""
        inst = self.instrument(program)
        if not isinstance(inst, SoundFontProgram):
            raise KeyError(f"{program!r} is a one-shot kit, not a SoundFont program")
        return self.bank(inst.bank, instrument=program).path, inst
