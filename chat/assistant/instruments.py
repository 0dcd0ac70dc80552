"""Instrument requests: a synth voice, or a sampled one when its sound bank is installed."""

from __future__ import annotations

from generation.engine.banks import BANKS, SAMPLED, is_sampled, synth_fallback
from generation.engine.banks import INSTRUMENTS as SAMPLED_INSTRUMENTS
from generation.engine.banks.catalog import KIT_TRACKS, OneShotKit
from generation.engine.presets import INSTRUMENTS
from generation.sound_banks import sound_banks

from . import replies

__all__ = ["instrument_choice"]


def instrument_choice(track: str, instrument: str, notes: list[str]) -> dict[str, str]:
    """Track -> instrument for a request of ``instrument`` on ``track`` (empty: not one).

    A sampled instrument whose bank is installed is used as asked (a kit on every drum
    track it has pieces for); without the bank the nearest synth voice is, and a note
    says so plainly.
    """
    if instrument in INSTRUMENTS[track]:
        return {track: instrument}
    if not is_sampled(track, instrument):
        return {}
    inst = SAMPLED_INSTRUMENTS[instrument]
    tracks = (
        [t for t in KIT_TRACKS if instrument in SAMPLED[t]]
        if isinstance(inst, OneShotKit)
        else [track]
    )
    if inst.bank in sound_banks().installed:
        return {t: instrument for t in tracks}
    bank = BANKS[inst.bank]
    fallback = synth_fallback(track, instrument)
    notes.append(replies.bank_missing(instrument, bank.name, bank.package, fallback, track))
    return {t: synth_fallback(t, instrument) for t in tracks}
