"""The sound banks this process renders with: the engine's registry on SOUND_BANK_PATHS."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from .engine.banks import BANKS, BankMissing, BankRegistry
from .engine.spec import BeatSpec, prefer_sampled

__all__ = [
    "banks_missing_hint",
    "banks_report",
    "sound_banks",
    "spec_for_new_beat",
    "spec_with_banks",
]


@lru_cache(maxsize=4)
def _registry(paths: tuple[str, ...] | None) -> BankRegistry:
    return BankRegistry(search_paths=paths or (), standard_paths=paths is None)


def sound_banks() -> BankRegistry:
    """The registry for ``settings.SOUND_BANK_PATHS``: None looks at Debian's install
    paths; a list looks only in those folders (an empty list means no banks at all)."""
    paths = settings.SOUND_BANK_PATHS
    return _registry(None if paths is None else tuple(str(p) for p in paths))


def spec_for_new_beat(spec: BeatSpec) -> BeatSpec:
    """A new beat's spec with its genre's sampled voices where the banks are installed."""
    return prefer_sampled(spec, sound_banks())


def spec_with_banks(spec: BeatSpec) -> BeatSpec:
    """``spec`` recording the installed versions of the banks it uses, for a new version.

    A bank that is not installed is left as the spec records it: the render then fails
    naming the bank and how to install it, instead of the turn failing here.
    """
    try:
        return spec.with_banks(sound_banks())
    except BankMissing:
        return spec


def banks_report() -> str:
    """One line for check_infra: every known bank, installed (with version) or not."""
    registry = sound_banks()
    parts = []
    for name, bank in BANKS.items():
        found = registry.installed.get(name)
        missing = "not installed" if bank.used else "not installed (optional, unused)"
        parts.append(f"{name} {found.version}" if found else f"{name} {missing}")
    where = "Debian paths" if settings.SOUND_BANK_PATHS is None else "SOUND_BANK_PATHS"
    return f"{', '.join(parts)} ({where}; add missing ones with `make banks`)"


def banks_missing_hint() -> str | None:
    """One line saying how to add the sound banks this process lacks, or None if it has all."""
    registry = sound_banks()
    missing = [n for n, bank in BANKS.items() if bank.used and n not in registry.installed]
    if not missing:
        return None
    return (
        f"Sound banks not installed ({', '.join(missing)}): those sampled instruments are "
        "off and new beats use the synth palette; add them with `make banks` (Debian/Ubuntu)"
    )
