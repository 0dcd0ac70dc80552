"""Encoders: WAV (16/24-bit), MP3 (lameenc), MIDI (mido) and waveform peaks for the UI."""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import lameenc
import mido
import numpy as np

from .arrange import Arrangement
from .banks.catalog import INSTRUMENTS as SAMPLED_INSTRUMENTS
from .banks.catalog import SoundFontProgram
from .presets import DRUM_TRACKS, PITCHED_TRACKS, TRACK_NAMES

__all__ = [
    "CHUNK_FRAMES",
    "MIDI_PROGRAMS",
    "MP3_BITRATE",
    "MP3_QUALITY",
    "TICKS_PER_BEAT",
    "ChunkSource",
    "midi_bytes",
    "mp3_bytes",
    "mp3_chunks",
    "peaks",
    "wav_bytes",
    "wav_chunks",
    "wav_header",
]

TICKS_PER_BEAT = 480
# General MIDI programs (0-based) for the pitched instruments.
MIDI_PROGRAMS: dict[str, int] = {
    "bass:808": 38,
    "bass:sub": 38,
    "bass:reese": 39,
    "bass:synth": 38,
    "bass:round": 32,
    "bass:pluck": 33,
    "chords:epiano": 4,
    "chords:piano": 0,
    "chords:organ": 16,
    "chords:stab": 81,
    "chords:saw": 81,
    "chords:pluck": 45,
    "melody:bell": 14,
    "melody:pluck": 45,
    "melody:lead": 80,
    "melody:marimba": 12,
    "melody:flute": 73,
    "melody:epiano": 4,
    "pad:warm": 89,
    "pad:dark": 94,
    "pad:choir": 52,
    "pad:strings": 48,
    "pad:saw": 90,
}
# mido names the key signatures it accepts; sharp spellings without one map to flats.
_MIDO_MAJOR = {"D#": "Eb", "G#": "Ab", "A#": "Bb", "C#": "Db"}
_MIDO_MINOR = {"D#": "Eb", "A#": "Bb"}


def _pcm(audio: np.ndarray, bits: int) -> bytes:
    """Interleaved little-endian PCM from float (channels, samples) in [-1, 1]."""
    frames = np.clip(audio.T, -1.0, 1.0)
    if bits == 16:
        return np.round(frames * 32767.0).astype("<i2").tobytes()
    ints = np.round(frames.astype(np.float64) * 8388607.0).astype("<i4")
    return ints.reshape(-1, 1).view(np.uint8)[:, :3].tobytes()


ChunkSource = Callable[[int, int], np.ndarray]
"""``source(start, stop)`` returns float audio (channels, stop - start) for that stretch."""

CHUNK_FRAMES = 1 << 18  # ~6 s per chunk keeps every encoder's copies small
# LAME settings, chosen by measurement (docs/performance.md, "What each format costs"):
# quality 7 at 192 kbit/s CBR encodes a 3-minute mix in ~0.7 s, 3x faster than quality 2,
# and scores as well on SNR and spectral distance against the master.
MP3_BITRATE = 192
MP3_QUALITY = 7


def wav_header(frames: int, channels: int, sample_rate: int, bits: int) -> bytes:
    """The 44-byte RIFF/WAVE header of a PCM file."""
    block = channels * bits // 8
    size = frames * block
    header = b"RIFF" + struct.pack("<I", 36 + size) + b"WAVE"
    fmt = b"fmt " + struct.pack(
        "<IHHIIHH", 16, 1, channels, sample_rate, sample_rate * block, block, bits
    )
    return header + fmt + b"data" + struct.pack("<I", size)


def wav_chunks(
    source: ChunkSource, frames: int, channels: int, sample_rate: int, *, bits: int = 16
) -> Iterator[bytes]:
    """A WAV file as a stream of byte chunks: header first, then PCM a chunk at a time."""
    if bits not in (16, 24):
        raise ValueError("bits must be 16 or 24")
    yield wav_header(frames, channels, sample_rate, bits)
    for start in range(0, frames, CHUNK_FRAMES):
        yield _pcm(source(start, min(frames, start + CHUNK_FRAMES)), bits)


def wav_bytes(audio: np.ndarray, sample_rate: int, *, bits: int = 16) -> bytes:
    """A RIFF/WAVE file of float audio (channels, samples). Byte-identical for equal input."""
    audio = np.atleast_2d(audio)
    source = lambda start, stop: audio[:, start:stop]  # noqa: E731
    return b"".join(wav_chunks(source, audio.shape[1], audio.shape[0], sample_rate, bits=bits))


def mp3_chunks(
    chunks: Iterable[np.ndarray],
    sample_rate: int,
    *,
    channels: int = 2,
    bitrate: int = MP3_BITRATE,
    quality: int = MP3_QUALITY,
) -> Iterator[bytes]:
    """MP3 via LAME, fed a chunk of float audio (channels, k) at a time as they become ready.

    lameenc holds the GIL while it encodes; feeding it ~6 s at a time lets other threads
    (FLAC, uploads) run between chunks.
    """
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_channels(channels)
    encoder.set_quality(quality)
    for chunk in chunks:
        data = encoder.encode(_pcm(chunk, 16))
        if data:
            yield bytes(data)
    yield bytes(encoder.flush())


def mp3_bytes(
    audio: np.ndarray,
    sample_rate: int,
    *,
    bitrate: int = MP3_BITRATE,
    quality: int = MP3_QUALITY,
) -> bytes:
    """MP3 via LAME (``quality`` 2 best .. 7 fast; 7 costs ~0.25 s per stereo minute)."""
    audio = np.atleast_2d(audio)
    pieces = (audio[:, s : s + CHUNK_FRAMES] for s in range(0, audio.shape[1], CHUNK_FRAMES))
    return b"".join(
        mp3_chunks(pieces, sample_rate, channels=audio.shape[0], bitrate=bitrate, quality=quality)
    )


def _key_signature(tonic: str, mode: str) -> str:
    if mode == "major":
        return _MIDO_MAJOR.get(tonic, tonic)
    return _MIDO_MINOR.get(tonic, tonic) + "m"


def _program(track: str, instrument: str) -> int:
    """The General-MIDI program of a pitched track (a sampled one plays its own program)."""
    key = f"{track}:{instrument}"
    if key in MIDI_PROGRAMS:
        return MIDI_PROGRAMS[key]
    sampled = SAMPLED_INSTRUMENTS[instrument]
    return sampled.program if isinstance(sampled, SoundFontProgram) else 0


def midi_bytes(arrangement: Arrangement) -> bytes:
    """A type-1 MIDI file: a conductor track (tempo, time and key signature at tick 0),
    then one track per enabled instrument; drums on channel 10 with General MIDI notes."""
    spec = arrangement.spec
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    conductor = mido.MidiTrack()
    numerator, denominator = (int(x) for x in spec.meter.split("/"))
    conductor.append(mido.MetaMessage("track_name", name="DAWG AI beat", time=0))
    conductor.append(mido.MetaMessage("set_tempo", tempo=round(60_000_000 / spec.bpm), time=0))
    conductor.append(
        mido.MetaMessage("time_signature", numerator=numerator, denominator=denominator, time=0)
    )
    conductor.append(
        mido.MetaMessage("key_signature", key=_key_signature(spec.key.tonic, spec.key.mode), time=0)
    )
    conductor.append(mido.MetaMessage("end_of_track", time=0))
    midi.tracks.append(conductor)
    pitched_channel = 0
    for name in TRACK_NAMES:
        setting = spec.tracks[name]
        if not setting.enabled:
            continue
        track = mido.MidiTrack()
        track.append(mido.MetaMessage("track_name", name=f"{name} ({setting.instrument})", time=0))
        if name in DRUM_TRACKS:
            channel = 9
        else:
            channel = pitched_channel
            pitched_channel += 1
            track.append(
                mido.Message(
                    "program_change",
                    channel=channel,
                    program=_program(name, setting.instrument),
                    time=0,
                )
            )
        messages: list[tuple[int, int, int, int]] = []  # (tick, order, note, velocity); offs first
        for event in arrangement.tracks.get(name, ()):
            start = round(event.start_beat * TICKS_PER_BEAT)
            end = max(start + 1, round((event.start_beat + event.length_beats) * TICKS_PER_BEAT))
            velocity = max(1, min(127, round(event.velocity * 127)))
            messages.append((start, 1, event.pitch, velocity))
            messages.append((end, 0, event.pitch, 0))
        messages.sort()
        now = 0
        for tick, order, note, velocity in messages:
            kind = "note_on" if order else "note_off"
            track.append(
                mido.Message(kind, channel=channel, note=note, velocity=velocity, time=tick - now)
            )
            now = tick
        track.append(mido.MetaMessage("end_of_track", time=0))
        midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def peaks(audio: np.ndarray, sample_rate: int, *, bins: int = 1500) -> dict[str, Any]:
    """Waveform overview: ``bins`` (min, max) pairs over both channels, rounded to 1e-4."""
    audio = np.atleast_2d(audio)
    n = audio.shape[1]
    bins = max(1, min(bins, n))
    edges = (np.arange(bins) * n) // bins
    # reduceat reduces each [edge, next edge) stretch in place: no padded copy of the audio.
    low = np.minimum.reduceat(audio, edges, axis=1).min(axis=0).astype(np.float64)
    high = np.maximum.reduceat(audio, edges, axis=1).max(axis=0).astype(np.float64)
    low, high = np.round(low, 4), np.round(high, 4)
    return {
        "version": 1,
        "sample_rate": sample_rate,
        "duration_s": round(n / sample_rate, 4),
        "bins": bins,
        "samples_per_bin": round(n / bins, 3),
        "min": low.tolist(),
        "max": high.tolist(),
    }


assert set(PITCHED_TRACKS) | set(DRUM_TRACKS) == set(TRACK_NAMES)
