"""Sampled one-shots: load FLAC to float32 mono 44.1 kHz, vary each hit, place hits by index."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import gcd
from pathlib import Path

import numpy as np
import soundfile
from scipy import signal

__all__ = [
    "SAMPLE_RATE",
    "HitVariation",
    "hit_variation",
    "layer_for",
    "load_oneshot",
    "place_hits",
    "render_hits",
    "varied",
]

SAMPLE_RATE = 44100
F32 = np.float32


@lru_cache(maxsize=256)
def _load(path: str, mtime_ns: int) -> np.ndarray:
    data, rate = soundfile.read(path, dtype="float32", always_2d=True)
    mono = data.mean(axis=1, dtype=np.float64)
    if rate != SAMPLE_RATE:
        # Polyphase resampling: exact rational ratio, deterministic, no FFT wrap-around.
        common = gcd(SAMPLE_RATE, int(rate))
        mono = signal.resample_poly(mono, SAMPLE_RATE // common, int(rate) // common)
    peak = float(np.max(np.abs(mono))) if mono.size else 0.0
    out = (mono / peak if peak > 0 else mono).astype(F32)
    out.flags.writeable = False  # shared by every caller of this process
    return out


def load_oneshot(path: str | Path) -> np.ndarray:
    """One sample file as float32 mono at 44.1 kHz, peak 1 (like the synth's ``drum_hit``).

    Shape ``(n,)``. Stereo files are averaged; other rates are resampled. Cached per process
    (keyed by path and modification time); the returned array is read-only.
    """
    p = Path(path)
    return _load(str(p), p.stat().st_mtime_ns)


@dataclass(frozen=True)
class HitVariation:
    """How one hit differs from the bare sample: pitch (ratio), tone (lowpass Hz), gain."""

    rate: float
    cutoff_hz: float
    gain: float


def _rng(seed: int, track: str, index: int, salt: int) -> np.random.Generator:
    # crc32, not hash(): Python's str hash is salted per process and would break determinism.
    return np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(track.encode()), index, salt])


def hit_variation(
    seed: int,
    track: str,
    index: int,
    *,
    velocity: float = 1.0,
    slots: int = 12,
    cents: float = 12.0,
    gain_db: float = 1.0,
    tone_steps: int = 0,
) -> HitVariation:
    """The deterministic variation of hit ``index`` (0-based, in track order) of ``track``.

    Pitch and tone come from one of ``slots`` seeded slots (so a renderer can cache ``slots``
    variants per sample instead of one per hit); gain varies per hit by up to ±``gain_db``.
    Softer ``velocity`` (0-1) darkens the tone, as a softer stroke does; with
    ``tone_steps`` the tone follows velocity in that many steps (so a part with humanised
    velocities still has few distinct sounds), while the gain follows it exactly.
    """
    slot = int(_rng(seed, track, index, 0).integers(slots))
    shape = _rng(seed, track, slot, 1).uniform(-1.0, 1.0, 2)
    rate = 2.0 ** (cents * shape[0] / 1200.0)
    v = min(max(velocity, 0.0), 1.0)
    tone = max(1, round(v * tone_steps)) / tone_steps if tone_steps else v
    cutoff = (4000.0 + 14000.0 * tone**0.7) * 2.0 ** (0.25 * shape[1])
    jitter = float(_rng(seed, track, index, 2).uniform(-gain_db, gain_db))
    return HitVariation(
        rate=round(float(rate), 6),
        cutoff_hz=round(float(min(cutoff, 0.45 * SAMPLE_RATE)), 1),
        gain=float(v * 10.0 ** (jitter / 20.0)),
    )


def layer_for(velocity: float, layers: int) -> int:
    """Velocity layer index (0 = softest) of ``layers`` equal velocity bands for 0-1 input."""
    return min(layers - 1, max(0, int(velocity * layers)))


def varied(sample: np.ndarray, rate: float, cutoff_hz: float) -> np.ndarray:
    """``sample`` (float32 ``(n,)``) played ``rate`` times faster and lowpassed at ``cutoff_hz``.

    Linear-interpolation resampling: variations are a few cents, far below where its
    aliasing would be audible. A 2nd-order Butterworth sets the tone.
    """
    out = sample
    if rate != 1.0:
        positions = np.arange(0.0, sample.size - 1, rate)
        out = np.interp(positions, np.arange(sample.size), sample).astype(F32)
    if cutoff_hz < 0.45 * SAMPLE_RATE:
        sos = signal.butter(2, cutoff_hz, btype="low", fs=SAMPLE_RATE, output="sos")
        out = signal.sosfilt(sos, out).astype(F32)
    return out


def place_hits(
    buffer: np.ndarray,
    starts: Sequence[int] | np.ndarray,
    sounds: Sequence[np.ndarray],
    gains: Sequence[float] | np.ndarray,
) -> None:
    """``buffer[start:] += gain * sound`` for each hit, in place, cut at the buffer's end.

    ``buffer`` is float32 ``(n,)`` at 44.1 kHz; ``starts`` are sample indices (like the
    synth voices' placement); hits starting at or past the end are skipped.
    """
    for start, sound, gain in zip(starts, sounds, gains, strict=True):
        start = int(start)
        end = min(buffer.size, start + sound.size)
        if end > start >= 0:
            buffer[start:end] += F32(gain) * sound[: end - start]


def render_hits(
    n_samples: int,
    starts: Sequence[int] | np.ndarray,
    velocities: Sequence[float] | np.ndarray,
    layers: Sequence[str | Path],
    *,
    seed: int,
    track: str,
    vary: bool = True,
) -> np.ndarray:
    """One drum track from one kit piece: float32 ``(n_samples,)`` at 44.1 kHz.

    ``starts`` are sample indices, ``velocities`` 0-1 per hit; ``layers`` are the piece's
    sample files soft → hard, picked by velocity. With ``vary`` each hit gets its
    ``hit_variation``; the same (seed, track, hits, files) always give the same samples.
    """
    loaded = [load_oneshot(p) for p in layers]
    cache: dict[tuple[int, float, float], np.ndarray] = {}
    sounds, gains = [], []
    for index, velocity in enumerate(velocities):
        layer = layer_for(float(velocity), len(loaded))
        if vary:
            v = hit_variation(seed, track, index, velocity=float(velocity))
            key = (layer, v.rate, v.cutoff_hz)
            gain = v.gain
        else:
            key = (layer, 1.0, SAMPLE_RATE / 2.0)
            gain = float(velocity)
        if key not in cache:
            cache[key] = varied(loaded[layer], key[1], key[2])
        sounds.append(cache[key])
        gains.append(gain)
    out = np.zeros(n_samples, dtype=F32)
    place_hits(out, starts, sounds, gains)
    return out
