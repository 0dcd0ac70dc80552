"""SAMPLES.txt: which samples and SoundFonts a beat used, under which licence, from where."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .catalog import BANKS, INSTRUMENTS, OneShotKit, SoundFontProgram

if TYPE_CHECKING:
    from ..spec import BeatSpec

__all__ = ["LICENCE_URLS", "samples_txt"]

LICENCE_URLS = {
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "MIT": "https://opensource.org/license/mit",
}


def samples_txt(spec: BeatSpec) -> str | None:
    """The text of ``SAMPLES.txt`` for a beat, or None when every sound is synthesised.

    Written from the spec and the catalogue alone (the web process building a download need
    not have the banks installed): each bank the enabled sampled tracks use, once, with its
    licence, source package and the version the spec records, then per track the sample
    files or the General-MIDI program taken from it.
    """
    sampled = spec.sampled_tracks()
    if not sampled:
        return None
    by_bank: dict[str, list[str]] = {}
    for track, name in sampled.items():
        inst = INSTRUMENTS[name]
        lines = by_bank.setdefault(inst.bank, [])
        if isinstance(inst, OneShotKit):
            for voice, layers in inst.pieces[track].items():
                files = ", ".join(f"{stem}.flac" for stem in layers)
                label = f"{track} {voice}".strip()
                lines.append(f"  {label} ({name}): {files}")
        elif isinstance(inst, SoundFontProgram):
            lines.append(
                f"  {track} ({name}): General MIDI program {inst.program + 1} "
                f"(bank {inst.bank_number}, preset {inst.program}) of {BANKS[inst.bank].marker}"
            )
    out = [
        "Samples and SoundFonts used in this beat",
        "",
        "Every other sound is synthesised by DAWG AI's engine.",
        "",
    ]
    for bank_name in sorted(by_bank):
        bank = BANKS[bank_name]
        url = LICENCE_URLS.get(bank.licence, "")
        version = spec.banks.get(bank_name, "version not recorded")
        out += [
            f"{bank.name} ({bank.package} {version})",
            f"  Licence: {bank.licence}" + (f" <{url}>" if url else ""),
            f"  Source: {bank.source}",
            *by_bank[bank_name],
            "",
        ]
    return "\n".join(out)
