"""Sampled tracks: a track's notes as distinct sounds from a bank, and where each one goes.

The synth palette's ``synthesize_track`` levels and places what this returns exactly as it
does its own sounds, so a sampled stem gets the same loudness balance, channel strip and
isolation. Everything is keyed by what the spec holds (seed, track, note index), never by
time or process: the same spec and bank version give the same samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .catalog import OneShotKit
from .oneshots import SAMPLE_RATE, hit_variation, layer_for, load_oneshot, varied
from .registry import BankRegistry
from .soundfont import render_sounds

__all__ = ["NOTE_VELOCITIES", "SampledPart", "fundamental_hz", "sampled_part"]

# SoundFont notes are struck at the nearest of these velocities (their timbre: sample
# layers and velocity filters) and scaled to the written velocity by gain, so a part with
# humanised velocities costs a few renders per note, not one per hit.
NOTE_VELOCITIES = (0.55, 0.85)
NOTE_TAIL_S = 1.5
# A drum hit's tone follows its velocity in this many steps (its gain follows it exactly).
TONE_STEPS = 4
# Longest a kit piece rings (s), faded out over its last RING_FADE_S with a half cosine: an
# open hat is choked as a drummer's foot closes it, a boom kick's tail must not drone under
# the bass (MUSIC.md). A short linear fade on a kick's body reads as a new onset.
RING_S = {"hats": 0.5, "kick": 0.8}
RING_FADE_S = {"hats": 0.06, "kick": 0.3}
TRIM_DB = -54.0


class _Event(Protocol):
    start_beat: float
    length_beats: float
    pitch: int
    velocity: float
    voice: str


@dataclass(frozen=True)
class SampledPart:
    """Distinct sounds of one track and the hits that play them.

    ``sounds`` maps a key to float32 mono at 44.1 kHz; ``placed`` lists
    ``(start sample, key, gain)`` in note order, as the synth voices' placement does.
    """

    sounds: dict[tuple, np.ndarray]
    placed: list[tuple[int, tuple, float]]


def fundamental_hz(sample: np.ndarray, low: float = 30.0, high: float = 250.0) -> float:
    """The strongest frequency between ``low`` and ``high`` Hz in a kick's body (20-300 ms)."""
    body = sample[int(0.02 * SAMPLE_RATE) : int(0.3 * SAMPLE_RATE)].astype(np.float64)
    if body.size < 256:
        body = sample.astype(np.float64)
    n = 1 << 15
    spectrum = np.abs(np.fft.rfft(body * np.hanning(body.size), n))
    freqs = np.fft.rfftfreq(n, 1.0 / SAMPLE_RATE)
    band = (freqs >= low) & (freqs <= high)
    return float(freqs[band][int(np.argmax(spectrum[band]))])


def _key_rate(sample: np.ndarray, tonic_pc: int, fifth: bool) -> float:
    """Playback rate that moves a kick's fundamental to the nearest tonic (or fifth)."""
    f = fundamental_hz(sample)
    midi = 69.0 + 12.0 * np.log2(f / 440.0)
    target_pc = (tonic_pc + (7 if fifth else 0)) % 12
    shift = (target_pc - midi) % 12.0
    shift = shift - 12.0 if shift > 6.0 else shift
    return round(float(2.0 ** (shift / 12.0)), 6)


def _trim(x: np.ndarray, floor_db: float = TRIM_DB, fade_s: float = 0.005) -> np.ndarray:
    """Cut a sound where it stays below ``floor_db`` of its peak, with a short fade."""
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    if peak <= 0:
        return x[:1].copy()
    loud = np.flatnonzero(np.abs(x) > peak * 10.0 ** (floor_db / 20.0))
    end = min(x.size, int(loud[-1]) + 1 + int(fade_s * SAMPLE_RATE))
    out = x[:end].astype(np.float32, copy=True)
    fade = min(end, int(fade_s * SAMPLE_RATE))
    out[end - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return out


def _choked(x: np.ndarray, track: str) -> np.ndarray:
    """``x`` cut to the track's ``RING_S`` with a half-cosine fade (unchanged if shorter)."""
    seconds = RING_S.get(track)
    if seconds is None or x.size <= round(seconds * SAMPLE_RATE):
        return x
    out = x[: round(seconds * SAMPLE_RATE)].copy()
    fade = round(RING_FADE_S[track] * SAMPLE_RATE)
    out[-fade:] *= (0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, fade))).astype(out.dtype)
    return out


def _kit_part(
    kit: OneShotKit,
    track: str,
    events: Sequence[_Event],
    registry: BankRegistry,
    *,
    seed: int,
    samples_per_beat: float,
    tonic_pc: int,
    kick_fifth: bool,
) -> SampledPart:
    bank = registry.bank(kit.bank, instrument=kit.name)
    pieces = kit.pieces.get(track)
    if pieces is None:
        raise KeyError(f"{kit.name!r} has no {track!r}; it has {', '.join(kit.pieces)}")
    sounds: dict[tuple, np.ndarray] = {}
    placed: list[tuple[int, tuple, float]] = []
    tuning: dict[str, float] = {}
    for index, event in enumerate(events):
        voice = event.voice if event.voice in pieces else next(iter(pieces))
        layers = pieces[voice]
        layer = layer_for(float(event.velocity), len(layers))
        stem = layers[layer]
        if track == "kick" and stem not in tuning:
            # Like the synth kick, the sampled one sits on the key so its tail agrees with
            # the bass (within a tritone of the sample's own pitch).
            tuning[stem] = _key_rate(load_oneshot(bank.sample(stem)), tonic_pc, kick_fifth)
        hit = hit_variation(
            seed, track, index, velocity=float(event.velocity), tone_steps=TONE_STEPS
        )
        rate = round(hit.rate * tuning.get(stem, 1.0), 6)
        key = ("sample", stem, rate, hit.cutoff_hz)
        if key not in sounds:
            sound = varied(load_oneshot(bank.sample(stem)), rate, hit.cutoff_hz)
            sounds[key] = _trim(_choked(sound, track))
        placed.append((round(event.start_beat * samples_per_beat), key, hit.gain))
    return SampledPart(sounds, placed)


def _soundfont_part(
    instrument: str,
    events: Sequence[_Event],
    registry: BankRegistry,
    *,
    samples_per_beat: float,
) -> SampledPart:
    path, program = registry.soundfont(instrument)
    placed: list[tuple[int, tuple, float]] = []
    wanted: dict[tuple, None] = {}
    for event in events:
        frames = max(1, round(event.length_beats * samples_per_beat))
        strike = min(NOTE_VELOCITIES, key=lambda v: abs(v - event.velocity))
        key = ("note", int(event.pitch), frames, strike)
        wanted.setdefault(key, None)
        placed.append((round(event.start_beat * samples_per_beat), key, event.velocity / strike))
    # Rendered in sorted order: each sound is independent of the others (render_sounds),
    # and a fixed order keeps that true even if a FluidSynth release changed it.
    keys = sorted(wanted)
    rendered = render_sounds(
        path,
        program.program,
        [(pitch, round(strike * 127), frames) for _, pitch, frames, strike in keys],
        bank=program.bank_number,
        tail_s=NOTE_TAIL_S,
    )
    return SampledPart({k: _trim(s) for k, s in zip(keys, rendered, strict=True)}, placed)


def sampled_part(
    track: str,
    instrument: str,
    events: Sequence[_Event],
    registry: BankRegistry,
    *,
    seed: int,
    samples_per_beat: float,
    tonic_pc: int = 0,
    kick_fifth: bool = False,
) -> SampledPart:
    """The sounds and placement of ``events`` on ``track`` played by sampled ``instrument``.

    Drum kits vary every hit (``hit_variation``: a few cents, tone by velocity, ±1 dB) and
    pick velocity layers; a kit's kick is retuned to the key. SoundFont programs render
    each distinct (pitch, length, strike velocity) once with one synth for the track.
    Raises ``BankMissing`` (a ``SpecError``) if the instrument's bank is not installed.
    """
    inst = registry.instrument(instrument)
    if isinstance(inst, OneShotKit):
        return _kit_part(
            inst,
            track,
            events,
            registry,
            seed=seed,
            samples_per_beat=samples_per_beat,
            tonic_pc=tonic_pc,
            kick_fifth=kick_fifth,
        )
    return _soundfont_part(instrument, events, registry, samples_per_beat=samples_per_beat)
