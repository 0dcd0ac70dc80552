"""Genre textures: tape (wow, flutter, saturation) on notes and a vinyl bed on the master."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

__all__ = ["Texture", "add_vinyl", "tape"]

SR = 44100


@dataclass(frozen=True)
class Texture:
    """How worn a genre sounds. Zeros mean clean.

    ``wow_cents``/``flutter_cents`` are the pitch drift of tape (0.55 Hz and 6.5 Hz) on
    the ``tape_tracks``; ``tape_drive`` their saturation. ``crackle`` is vinyl clicks per
    second and ``hiss_dbfs`` the noise bed's level in the premaster.
    """

    wow_cents: float = 0.0
    flutter_cents: float = 0.0
    tape_drive: float = 1.0
    tape_tracks: tuple[str, ...] = ()
    crackle: float = 0.0
    hiss_dbfs: float = -120.0

    @property
    def vinyl(self) -> bool:
        return self.crackle > 0 or self.hiss_dbfs > -100.0


CLEAN = Texture()


def _sine_of_cycles(cycles: np.ndarray) -> np.ndarray:
    """sin(2 pi cycles) as float32 of the wrapped phase: SIMD-fast, and ~1e-7 of a cycle
    off the float64 sine, a read-head error of under 1e-4 samples."""
    cycles -= np.floor(cycles)
    return np.sin(np.float32(2 * np.pi) * cycles.astype(np.float32))


def tape(sound: np.ndarray, texture: Texture, phase: float) -> np.ndarray:
    """``sound`` (float32 mono) read off a wobbly tape and saturated, same length.

    The read head runs a sinusoidally varying delay: wow (slow) plus flutter (fast);
    ``phase`` (0-1) sets where in the wow cycle the note starts, so notes drift apart.
    """
    n = sound.size
    index = np.arange(n, dtype=np.float64)
    t = index / SR
    # A delay d(t) = A sin(2 pi f t) detunes by about 1731 * 2 pi f A cents.
    wow = texture.wow_cents / (1731.0 * 2 * np.pi * 0.55)
    flutter = texture.flutter_cents / (1731.0 * 2 * np.pi * 6.5)
    delay = wow * (1.0 + _sine_of_cycles(0.55 * t + phase))
    delay += flutter * (1.0 + _sine_of_cycles(6.5 * t + 3.1 * phase))
    read = index - delay * SR
    y = np.interp(read, index, sound, left=0.0, right=0.0)
    if texture.tape_drive > 1.0:
        y = np.tanh(texture.tape_drive * y) / np.tanh(texture.tape_drive)
    return y.astype(np.float32)


_CLICK = 48  # samples per crackle click
_CHUNK = 1 << 18


def add_vinyl(audio: np.ndarray, texture: Texture, seed: int = 7) -> None:
    """Add a vinyl bed (filtered hiss and random clicks) to stereo ``audio`` in place.

    Generated a chunk at a time from an RNG per chunk, so it costs no full-length copies
    and the same audio length always gets the same record.
    """
    if not texture.vinyl:
        return
    n = audio.shape[1]
    hiss = 10.0 ** (texture.hiss_dbfs / 20.0)
    sos = signal.butter(2, [300.0, 5000.0], "bandpass", fs=SR, output="sos")
    click_shape = np.exp(-np.arange(_CLICK) / 6.0).astype(np.float32)
    for index, start in enumerate(range(0, n, _CHUNK)):
        stop = min(n, start + _CHUNK)
        size = stop - start
        rng = np.random.default_rng([seed, index])
        bed = signal.sosfilt(sos, rng.standard_normal(size).astype(np.float32)).astype(np.float32)
        bed *= np.float32(hiss * 2.0)
        clicks = rng.poisson(texture.crackle * size / SR)
        if clicks:
            where = rng.integers(0, max(1, size - _CLICK), clicks)
            heights = (rng.exponential(1.0, clicks) * rng.choice([-1.0, 1.0], clicks)).astype(
                np.float32
            )
            index_grid = where[:, None] + np.arange(_CLICK)[None, :]
            np.add.at(bed, index_grid, 30.0 * hiss * heights[:, None] * click_shape[None, :])
        audio[0, start:stop] += bed
        # The right channel hears the same record a hair later: mono-ish, as vinyl is.
        audio[1, start:stop] += np.roll(bed, 3)
