"""Content-addressed stems: the key of what shapes one track's audio, and its lossless FLAC form."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import asdict
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile

from .arrange import Arrangement, track_seed
from .genres import GRAMMARS
from .voices import SAMPLE_RATE

__all__ = [
    "STEM_BITS",
    "StemCache",
    "engine_version",
    "quantize_stem",
    "reverb_flac",
    "reverb_stereo_chunks",
    "stem_flac",
    "stem_from_flac",
    "stem_key",
    "stereo_stem_chunks",
]

STEM_BITS = 24
_FULL_SCALE = float(2 ** (STEM_BITS - 1))
_QUANTIZE_CHUNK = 1 << 16  # samples per in-place pass of quantize_stem
_CHUNK = 1 << 18
# Files of the engine whose code cannot change a stem's samples (benches, reports, CLI,
# the mix's encoders); everything else, this module's rounding included, is in the digest.
_NOT_SOUND = {"bench.py", "cli.py", "encode.py", "jobfiles.py", "mp3proc.py"}
# Libraries whose numerics end up in a stem.
_SOUND_LIBRARIES = ("numpy", "scipy", "pedalboard", "pyloudnorm", "soundfile")


class StemCache(Protocol):
    """Where :func:`generation.engine.render.render_master` looks for finished stems."""

    def load(self, key: str, samples: int) -> np.ndarray | None:
        """The verified stem (float32, ``samples``) stored under ``key``, or None to render it."""
        ...


@cache
def engine_version() -> str:
    """A digest of the engine's sound-making source files and library versions.

    Part of every stem key, so a deploy that changes how anything sounds can never be
    served a stem rendered by older code: no hand-bumped constant to forget.
    """
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in ("report",) or str(relative) in _NOT_SOUND:
            continue
        digest.update(str(relative).encode())
        digest.update(path.read_bytes())
    for name in _SOUND_LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}:absent".encode())
    return digest.hexdigest()[:16]


def stem_key(arrangement: Arrangement, name: str, *, work: int, total: int) -> str:
    """sha256 of everything one track's stem depends on, and nothing else.

    The track's own spec and notes (after swing and humanisation), the musical context
    every track shares (genre, tempo, key, meter, bars, sections, the seed the track's
    hits draw from, the render geometry, the sidechain grid it ducks to) and the engine
    version. Other tracks' settings are left out on purpose: editing one track keeps
    every other track's key, so their stored stems are reused. So is the track's own
    fader (``gain_db``): stems are stored pre-fader and the mix applies it, so a level
    edit reuses the stem too and writes none.
    """
    spec = arrangement.spec
    sidechained = name in GRAMMARS[spec.genre].mix.sidechain_tracks
    context = {
        "engine": engine_version(),
        "rate": SAMPLE_RATE,
        "bits": STEM_BITS,
        "genre": spec.genre,
        "bpm": float(spec.bpm),  # 140 and 140.0 are the same tempo
        "key": [spec.key.tonic, spec.key.mode],
        "meter": spec.meter,
        "bars": spec.bars,
        "loop": spec.loop,
        "geometry": [work, total],
        "seed": track_seed(spec.seed, name),
        "sections": [[s.name, s.start_bar, s.bars] for s in arrangement.sections],
        "sidechained": sidechained,
        "steps_per_bar": arrangement.steps_per_bar,
        "humanized": arrangement.humanized,
        "track": name,
        "fader": "pre",
        "setting": {
            k: float(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
            for k, v in asdict(spec.tracks[name]).items()
            if k != "gain_db"
        },
        "notes": [
            [
                float(e.start_beat),
                float(e.length_beats),
                int(e.pitch),
                float(e.velocity),
                e.voice,
                e.glide_from,
                e.step,
            ]
            for e in arrangement.tracks.get(name, ())
        ],
    }
    if name in spec.sampled_tracks():
        # A sampled stem also depends on the sound bank's version (a new package release may
        # change the samples); synth stems keep their keys.
        context["banks"] = dict(sorted(spec.banks.items()))
    text = json.dumps(context, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def quantize_stem(stem: np.ndarray) -> np.ndarray:
    """Round a float32 stem in place onto the 24-bit grid it is stored at, and return it.

    Every render mixes quantised stems, so a mix from stored stems is byte-identical to a
    fresh one; the rounding is 144 dB below full scale.
    """
    # A chunk at a time: the five passes then run in cache, not over the whole stem each.
    for start in range(0, stem.size, _QUANTIZE_CHUNK):
        part = stem[start : start + _QUANTIZE_CHUNK]
        np.multiply(part, np.float32(_FULL_SCALE), out=part)
        np.rint(part, out=part)
        part += np.float32(0.0)  # -0.0 (a rounded tiny negative) reads back from FLAC as +0.0
        np.clip(part, -_FULL_SCALE, _FULL_SCALE - 1.0, out=part)
        np.multiply(part, np.float32(1.0 / _FULL_SCALE), out=part)
    return stem


def _flac(frames: np.ndarray, rate: int) -> bytes:
    """24-bit FLAC of float32 samples on the 24-bit grid, (n,) or (n, channels).

    Written a chunk at a time, so the integer copy is never longer than a chunk.
    """
    channels = 1 if frames.ndim == 1 else frames.shape[1]
    buffer = io.BytesIO()
    # Level 0: the fastest FLAC setting, within ~10 % of the best size for these signals
    # (docs/performance.md, "What each format costs").
    with soundfile.SoundFile(
        buffer,
        "w",
        samplerate=rate,
        channels=channels,
        format="FLAC",
        subtype="PCM_24",
        compression_level=0.0,
    ) as out:
        for start in range(0, frames.shape[0], _CHUNK):
            block = np.rint(frames[start : start + _CHUNK] * np.float32(_FULL_SCALE))
            np.clip(block, -_FULL_SCALE, _FULL_SCALE - 1.0, out=block)
            ints = block.astype(np.int32)
            ints <<= 8  # soundfile reads int32 as left-aligned: the top 24 bits are the sample
            out.write(ints)
    return buffer.getvalue()


def stem_flac(stem: np.ndarray) -> bytes:
    """A quantised mono stem (float32) as a 24-bit FLAC file: lossless for what was mixed."""
    return _flac(stem, SAMPLE_RATE)


def reverb_flac(reverb_half: np.ndarray) -> bytes:
    """The shared reverb return (float32 (2, m) at half rate) as a 24-bit stereo FLAC."""
    frames = reverb_half.T  # a view: _flac quantises a chunk at a time
    return _flac(frames, SAMPLE_RATE // 2)


def stem_from_flac(data: bytes, samples: int | None = None) -> np.ndarray:
    """The float32 mono stem a :func:`stem_flac` file holds; ValueError if it is not one."""
    try:
        audio, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise ValueError(f"not a readable FLAC stem: {exc}") from exc
    if rate != SAMPLE_RATE or audio.shape[1] != 1:
        raise ValueError(f"not a mono {SAMPLE_RATE} Hz stem ({rate} Hz, {audio.shape[1]} ch)")
    if samples is not None and audio.shape[0] != samples:
        raise ValueError(f"stem has {audio.shape[0]} samples, expected {samples}")
    return np.ascontiguousarray(audio[:, 0])


def stereo_stem_chunks(
    source: soundfile.SoundFile,
    *,
    left: float,
    right: float,
    delay: int,
    loop: bool,
    chunk: int = 1 << 18,
) -> Iterator[np.ndarray]:
    """A mono FLAC stem as it sits in the mix, stereo float32 (2, k) a chunk at a time.

    ``left``/``right``/``delay`` come from ``mix.stereo_gains``: the right channel lags by
    ``delay`` samples (Haas width); in a loop its first samples come from the end. Reads
    ``chunk`` frames at a time, so a 15-minute stem never sits in memory whole.
    """
    frames = source.frames
    carry = np.zeros(delay, dtype=np.float32)
    if loop and delay:
        source.seek(frames - delay)
        carry = source.read(delay, dtype="float32", always_2d=True)[:, 0].copy()
        source.seek(0)
    while True:
        mono = source.read(chunk, dtype="float32", always_2d=True)[:, 0]
        if mono.size == 0:
            return
        out = np.empty((2, mono.size), dtype=np.float32)
        np.multiply(mono, np.float32(left), out=out[0])
        if delay:
            joined = np.concatenate([carry, mono])
            np.multiply(joined[: mono.size], np.float32(right), out=out[1])
            carry = joined[mono.size :].copy()
        else:
            np.multiply(mono, np.float32(right), out=out[1])
        yield out


def reverb_stereo_chunks(
    source: soundfile.SoundFile, *, frames: int, loop: bool, chunk: int = 1 << 18
) -> Iterator[np.ndarray]:
    """The half-rate reverb return (a :func:`reverb_flac` file) at 44.1 kHz, ``frames`` long,
    a chunk (``chunk`` frames, even) at a time: even samples are the stored ones, odd ones
    the mean of their neighbours, as ``mix.upsample_chunk`` makes them."""
    half = chunk // 2
    block = source.read(half, dtype="float32", always_2d=True).T
    first = block[:, :1].copy()
    produced = 0
    while block.shape[1] and produced < frames:
        following = source.read(half, dtype="float32", always_2d=True).T
        fallback = first if loop else block[:, -1:]  # past the end: wrap, or hold the last
        after = following[:, :1] if following.shape[1] else fallback
        nxt = np.concatenate([block[:, 1:], after], axis=1)
        out = np.empty((2, 2 * block.shape[1]), dtype=np.float32)
        out[:, 0::2] = block
        np.add(block, nxt, out=out[:, 1::2])
        out[:, 1::2] *= 0.5
        take = min(out.shape[1], frames - produced)
        produced += take
        yield out[:, :take]
        block = following
