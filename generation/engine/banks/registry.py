"""Sound bank registry: finds installed sample and SoundFont banks, their licences and versions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import SpecError
from .catalog import BANKS, EXCLUDED_PREFIXES, INSTRUMENTS, Bank, OneShotKit, SoundFontProgram
from .soundfont import SoundFontUnavailable, _fluidsynth

__all__ = [
    "BANKS",
    "DPKG_STATUS",
    "INSTRUMENTS",
    "Bank",
    "BankChanged",
    "BankMissing",
    "BankRegistry",
    "InstalledBank",
    "OneShotKit",
    "SoundFontProgram",
]

DPKG_STATUS = Path("/var/lib/dpkg/status")


class BankMissing(SpecError):
    """A requested bank is not installed; the message names it and how to install it."""

    def __init__(self, bank: str, *, instrument: str = "", field_name: str = "instrument") -> None:
        known = BANKS.get(bank)
        needed = f" (needed by {instrument!r})" if instrument else ""
        hint = known.install_hint if known else f"known banks: {', '.join(sorted(BANKS))}"
        super().__init__(field_name, f"sound bank {bank!r} is not installed{needed}; {hint}")
        self.bank = bank
        self.instrument = instrument


class BankChanged(SpecError):
    """The installed bank is another version than the one a spec was made with."""

    def __init__(self, bank: str, recorded: str, installed: str) -> None:
        super().__init__(
            f"banks.{bank}",
            f"this beat was made with sound bank {bank!r} {recorded}, but {installed} is "
            "installed here; make a new version of the beat to render it with this one",
        )
        self.bank = bank


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

    @staticmethod
    def fluidsynth_available() -> bool:
        """pyfluidsynth imports and finds libfluidsynth (needed to render any SoundFont)."""
        try:
            _fluidsynth()
        except SoundFontUnavailable:
            return False
        return True

    @cached_property
    def installed(self) -> dict[str, InstalledBank]:
        """Every known bank present on this machine, by name (versions are computed lazily)."""
        found: dict[str, InstalledBank] = {}
        packages = _dpkg_versions(self.dpkg_status)
        for bank in BANKS.values():
            if bank.kind == "soundfont" and not self.fluidsynth_available():
                # A SoundFont nobody can play is no bank: report it missing, with the hint.
                continue
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

    def versions(self, instruments: Iterable[str]) -> dict[str, str]:
        """Bank name -> installed version for the banks ``instruments`` are played from.

        Raises ``BankMissing`` for the first instrument whose bank is not installed.
        """
        out: dict[str, str] = {}
        for name in sorted(set(instruments)):
            bank = self.instrument(name).bank
            if bank not in out:
                out[bank] = self.bank(bank, instrument=name).version
        return out

    def check(self, instruments: Iterable[str], recorded: dict[str, str]) -> dict[str, str]:
        """``versions(instruments)``, after checking that each bank ``recorded`` names for
        them is installed at that version (``BankChanged`` if not); never a silent swap."""
        found = self.versions(instruments)
        for bank, version in found.items():
            if bank in recorded and recorded[bank] != version:
                raise BankChanged(bank, recorded[bank], version)
        return found
