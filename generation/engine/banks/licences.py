"""SAMPLES.txt: which samples and SoundFonts a beat used, under which licence, from where."""

from __future__ import annotations

from collections.abc import Iterable

from .registry import BankRegistry, OneShotKit, SoundFontProgram

__all__ = ["samples_txt"]

_LICENCE_URLS = {
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "MIT": "https://opensource.org/license/mit",
}


def samples_txt(registry: BankRegistry, instruments: Iterable[str]) -> str:
    """The text of ``SAMPLES.txt`` for the sampled ``instruments`` a beat used.

    ``registry`` is a ``BankRegistry``; each bank is listed once with its licence, source
    package and version, then the files or programs taken from it. Instruments whose bank
    is missing raise ``BankMissing``: a bundle never credits a bank it did not use.
    """
    by_bank: dict[str, list[str]] = {}
    for name in sorted(set(instruments)):
        inst = registry.instrument(name)
        installed = registry.bank(inst.bank, instrument=name)
        lines = by_bank.setdefault(installed.name, [])
        if isinstance(inst, OneShotKit):
            for track, voices in inst.pieces.items():
                for voice, layers in voices.items():
                    files = ", ".join(installed.sample(stem).name for stem in layers)
                    label = f"{track} {voice}".strip()
                    lines.append(f"  {name} / {label}: {files}")
        elif isinstance(inst, SoundFontProgram):
            lines.append(
                f"  {name}: General MIDI program {inst.program + 1} "
                f"(bank {inst.bank_number}, preset {inst.program}) of {installed.path.name}"
            )
    if not by_bank:
        return "This beat uses no samples or SoundFonts: every sound is synthesised.\n"
    out = ["Samples and SoundFonts used in this beat", ""]
    for bank_name, lines in by_bank.items():
        installed = registry.bank(bank_name)
        bank = installed.bank
        licence = bank.licence
        url = _LICENCE_URLS.get(licence, "")
        out += [
            f"{bank.name} ({bank.package} {installed.version})",
            f"  Licence: {licence}" + (f" <{url}>" if url else ""),
            f"  Source: {bank.source}",
            *lines,
            "",
        ]
    return "\n".join(out)
