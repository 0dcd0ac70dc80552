"""SoundFont tracks: render notes of one General-MIDI program offline with its own FluidSynth."""

from __future__ import annotations

import contextlib
import ctypes
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = [
    "BLOCK",
    "SAMPLE_RATE",
    "SoundFontNote",
    "SoundFontUnavailable",
    "render_notes",
    "render_notes_by_sound",
    "render_sounds",
]

SAMPLE_RATE = 44100
# FluidSynth renders in blocks of 64 frames and applies a note event at the next block, so
# onsets land up to 63 samples (1.4 ms) late; identical on every run.
BLOCK = 64


class SoundFontUnavailable(RuntimeError):
    """libfluidsynth or pyfluidsynth is missing, or the SoundFont failed to load."""


@dataclass(frozen=True)
class SoundFontNote:
    """One note: ``start_s``/``duration_s`` in seconds, MIDI ``pitch``, ``velocity`` 0-1."""

    start_s: float
    duration_s: float
    pitch: int
    velocity: float = 0.8


@lru_cache(maxsize=1)
def _fluidsynth():
    # Imported on first use: the module loads libfluidsynth at import, and the engine must
    # import (and render with the synth palette) on machines without it.
    try:
        # pyfluidsynth prints where it found the library on import; stdout is our callers'
        # (a CLI's JSON, a subprocess's answer), so the line is kept out of it.
        with contextlib.redirect_stdout(io.StringIO()):
            import fluidsynth
    except (ImportError, OSError) as exc:
        raise SoundFontUnavailable(
            "FluidSynth is not installed (Debian/Ubuntu: apt-get install libfluidsynth3; "
            "Python: pyfluidsynth)"
        ) from exc
    write_float = fluidsynth.cfunc(
        "fluid_synth_write_float",
        ctypes.c_int,
        ("synth", ctypes.c_void_p, 1),
        ("len", ctypes.c_int, 1),
        ("lout", ctypes.c_void_p, 1),
        ("loff", ctypes.c_int, 1),
        ("lincr", ctypes.c_int, 1),
        ("rout", ctypes.c_void_p, 1),
        ("roff", ctypes.c_int, 1),
        ("rincr", ctypes.c_int, 1),
    )
    return fluidsynth, write_float


def _events(notes: Iterable[SoundFontNote]) -> list[tuple[int, int, int, int]]:
    """(frame, kind, pitch, midi velocity) sorted; note-offs (kind 0) before note-ons at a frame
    so that a repeated pitch retriggers instead of being cut by its own previous note."""
    events = []
    for note in notes:
        if not 0 <= note.pitch <= 127:
            raise ValueError(f"MIDI pitch {note.pitch} is outside 0-127")
        on = round(note.start_s * SAMPLE_RATE)
        off = max(on + 1, round((note.start_s + note.duration_s) * SAMPLE_RATE))
        velocity = int(np.clip(round(note.velocity * 127), 1, 127))
        events.append((on, 1, note.pitch, velocity))
        events.append((off, 0, note.pitch, 0))
    events.sort()
    return events


def _synth(fluidsynth, soundfont: str | Path, program: int, bank: int, gain: float):
    """A fresh FluidSynth on ``program`` of ``soundfont``: no chorus, no reverb, one core."""
    synth = fluidsynth.Synth(
        gain=float(gain),
        samplerate=float(SAMPLE_RATE),
        channels=16,
        **{
            "synth.reverb.active": 0,
            "synth.chorus.active": 0,
            "synth.cpu-cores": 1,
            # Load only the samples of the selected preset: 15 ms instead of 140-600 ms
            # for all 148 MB of FluidR3_GM on every call.
            "synth.dynamic-sample-loading": 1,
        },
    )
    sfid = synth.sfload(str(soundfont))
    if sfid < 0:
        synth.delete()
        raise SoundFontUnavailable(f"FluidSynth could not load {soundfont}")
    if synth.program_select(0, sfid, bank, program) != 0:
        synth.delete()
        raise SoundFontUnavailable(f"{soundfont} has no program {program} in bank {bank}")
    return synth


def render_notes(
    soundfont: str | Path,
    program: int,
    notes: Iterable[SoundFontNote],
    *,
    bank: int = 0,
    length_s: float | None = None,
    tail_s: float = 1.5,
    gain: float = 0.5,
    stereo: bool = False,
) -> np.ndarray:
    """Render ``notes`` with GM ``program`` (0-based) of ``soundfont``; float32 at 44.1 kHz.

    Returns ``(n,)`` mono (L/R averaged) or ``(2, n)`` stereo, ``n`` = ``length_s`` seconds,
    or the last note-off plus ``tail_s`` of release. One synth per call (a stem never hears
    another track), its chorus and reverb off (the mix adds space), one CPU core, no audio
    driver: the same notes and SoundFont give byte-identical samples on every run.
    """
    fluidsynth, write_float = _fluidsynth()
    events = _events(notes)
    last = events[-1][0] if events else 0
    total = (
        round(length_s * SAMPLE_RATE)
        if length_s is not None
        else last + round(tail_s * SAMPLE_RATE)
    )
    out = np.zeros((2, total), dtype=np.float32)
    synth = _synth(fluidsynth, soundfont, program, bank, gain)
    try:
        left, right = out[0].ctypes.data, out[1].ctypes.data
        cursor = 0
        for frame, kind, pitch, velocity in events:
            frame = min(frame, total)
            if frame > cursor:
                write_float(synth.synth, frame - cursor, left, cursor, 1, right, cursor, 1)
                cursor = frame
            if frame >= total:
                break
            if kind:
                synth.noteon(0, pitch, velocity)
            else:
                synth.noteoff(0, pitch)
        if total > cursor:
            write_float(synth.synth, total - cursor, left, cursor, 1, right, cursor, 1)
    finally:
        synth.delete()
    return out if stereo else out.mean(axis=0, dtype=np.float32)


def render_notes_by_sound(
    soundfont: str | Path,
    program: int,
    notes: Iterable[SoundFontNote],
    *,
    length_s: float,
    bank: int = 0,
    tail_s: float = 1.5,
    gain: float = 0.5,
) -> np.ndarray:
    """Like ``render_notes`` (mono), but each distinct (pitch, velocity, length) once.

    Every distinct note is rendered alone by its own synth and added at its sample index,
    as the synth voices do: a part repeating a few chords costs a few notes, not minutes
    of polyphony. Onsets are sample-exact (no 64-frame block). It differs from
    ``render_notes`` only where one pitch is struck again while still sounding (FluidSynth
    would cut the earlier note's release; here both ring out).
    """
    total = round(length_s * SAMPLE_RATE)
    out = np.zeros(total, dtype=np.float32)
    cache: dict[tuple[int, int, int], np.ndarray] = {}
    for note in notes:
        start = round(note.start_s * SAMPLE_RATE)
        frames = max(1, round(note.duration_s * SAMPLE_RATE))
        velocity = int(np.clip(round(note.velocity * 127), 1, 127))
        key = (note.pitch, velocity, frames)
        if key not in cache:
            alone = SoundFontNote(0.0, frames / SAMPLE_RATE, note.pitch, velocity / 127)
            cache[key] = render_notes(
                soundfont, program, [alone], bank=bank, tail_s=tail_s, gain=gain
            )
        sound = cache[key]
        end = min(total, start + sound.size)
        if end > start >= 0:
            out[start:end] += sound[: end - start]
    return out


def _blocks(frames: int) -> int:
    return -(-frames // BLOCK) * BLOCK


def render_sounds(
    soundfont: str | Path,
    program: int,
    sounds: Sequence[tuple[int, int, int]],
    *,
    bank: int = 0,
    tail_s: float = 1.5,
    gain: float = 0.5,
) -> list[np.ndarray]:
    """Each ``(pitch, midi velocity 1-127, frames held)`` rendered alone, by one synth.

    One synth for the whole list (one per track: a stem never hears another track), each
    note struck on a 64-frame block boundary, held ``frames`` (rounded up to the block),
    released for ``tail_s`` and then silenced, so every sound is the same whatever came
    before it. Returns float32 mono ``(held + tail,)`` arrays in the order given.
    """
    fluidsynth, write_float = _fluidsynth()
    tail = _blocks(round(tail_s * SAMPLE_RATE))
    out: list[np.ndarray] = []
    synth = _synth(fluidsynth, soundfont, program, bank, gain)
    scratch = np.zeros((2, BLOCK), dtype=np.float32)
    scratch_out = (scratch[0].ctypes.data, 0, 1, scratch[1].ctypes.data, 0, 1)
    try:
        # A fresh synth's first note differs from every later one (its first block starts
        # from initial smoothing state): strike and kill one before the first real note.
        synth.noteon(0, 60, 64)
        for _ in range(4):
            write_float(synth.synth, BLOCK, *scratch_out)
        synth.all_sounds_off(0)
        write_float(synth.synth, BLOCK, *scratch_out)
        for pitch, velocity, frames in sounds:
            if not 0 <= pitch <= 127:
                raise ValueError(f"MIDI pitch {pitch} is outside 0-127")
            held = _blocks(max(1, frames))
            buffer = np.zeros((2, held + tail), dtype=np.float32)
            left, right = buffer[0].ctypes.data, buffer[1].ctypes.data
            synth.noteon(0, pitch, int(np.clip(velocity, 1, 127)))
            write_float(synth.synth, held, left, 0, 1, right, 0, 1)
            synth.noteoff(0, pitch)
            write_float(synth.synth, tail, left, held, 1, right, held, 1)
            # Kill whatever still rings and let the kill take effect before the next note.
            synth.all_sounds_off(0)
            write_float(synth.synth, BLOCK, *scratch_out)
            out.append(buffer.mean(axis=0, dtype=np.float32))
    finally:
        synth.delete()
    return out
