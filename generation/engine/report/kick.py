"""The kick's fundamental from its stem, and its distance to the key's tonic and fifth."""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "PITCH_CLASSES",
    "folded_cents",
    "hit_fundamental",
    "kick_fundamental",
    "pitch_against_key",
    "pitch_class_hz",
]

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
# The body and tail after the click and most of the pitch sweep, cut at the next hit. A
# long window lets the settled tail, which is the pitch one hears, outweigh the sweep:
# on the engine's kicks (sweep time constants 25-50 ms) a window from 120 ms reads
# within 8 cents of the tail's frequency when hits are 0.5 s apart (a 40 ms + 0.3 s
# window read up to 87 cents sharp), up to 35 cents sharp when they are 0.25 s apart.
# So hits with a long window decide when there are enough of them.
BODY_START_S = 0.12
BODY_LENGTH_S = 0.80
MIN_BODY_S = 0.10
SETTLED_BODY_S = 0.35
MIN_SETTLED_HITS = 4
F0_RANGE_HZ = (25.0, 250.0)
FFT_SIZE = 1 << 17  # 0.34 Hz bins at 44.1 kHz before interpolation


def pitch_class_hz(tonic: str, semitones: int = 0) -> float:
    """Frequency (Hz) of a pitch class in the A4 octave, ``semitones`` above ``tonic``."""
    index = PITCH_CLASSES.index(tonic) + semitones
    return 440.0 * 2.0 ** ((index - 9) / 12.0)


def folded_cents(frequency: float, reference: float) -> float:
    """Cents from ``reference`` to ``frequency`` folded into one octave: [-600, 600)."""
    cents = 1200.0 * math.log2(frequency / reference)
    return (cents + 600.0) % 1200.0 - 600.0


def hit_fundamental(body: np.ndarray, sample_rate: int) -> float | None:
    """Strongest spectral peak in :data:`F0_RANGE_HZ` of one hit's body (Hz), or None.

    A Hann window and a zero-padded FFT; the peak is refined by a parabola through the
    log magnitudes of its bin and its neighbours.
    """
    body = np.asarray(body, dtype=np.float64)
    if body.size < MIN_BODY_S * sample_rate or not np.any(body):
        return None
    spectrum = np.abs(np.fft.rfft(body * np.hanning(body.size), n=max(FFT_SIZE, body.size)))
    size = max(FFT_SIZE, body.size)
    low = int(F0_RANGE_HZ[0] * size / sample_rate)
    high = int(F0_RANGE_HZ[1] * size / sample_rate)
    peak = low + int(np.argmax(spectrum[low:high]))
    if spectrum[peak] <= 0.0:
        return None
    a, b, c = np.log(spectrum[peak - 1 : peak + 2] + 1e-30)
    denominator = a - 2.0 * b + c
    offset = 0.5 * (a - c) / denominator if denominator < 0 else 0.0
    return (peak + offset) * sample_rate / size


def kick_fundamental(
    kick: np.ndarray, onsets: np.ndarray, sample_rate: int
) -> tuple[float | None, int]:
    """Median fundamental (Hz) over the kick's hits, and how many hits it is taken from.

    ``kick`` is the mono kick stem, ``onsets`` the hits' first samples. The median is
    over hits with at least :data:`SETTLED_BODY_S` of body before the next hit when
    there are :data:`MIN_SETTLED_HITS` of them, else over every hit.
    """
    onsets = np.unique(np.asarray(onsets, dtype=np.int64))
    estimates, settled = [], []
    for index, onset in enumerate(onsets):
        start = onset + int(BODY_START_S * sample_rate)
        stop = onset + int((BODY_START_S + BODY_LENGTH_S) * sample_rate)
        if index + 1 < onsets.size:
            stop = min(stop, int(onsets[index + 1]))
        stop = min(stop, kick.size)
        if stop <= start:
            continue
        f0 = hit_fundamental(kick[start:stop], sample_rate)
        if f0 is not None:
            estimates.append(f0)
            if stop - start >= SETTLED_BODY_S * sample_rate:
                settled.append(f0)
    if len(settled) >= MIN_SETTLED_HITS:
        return float(np.median(settled)), len(settled)
    if not estimates:
        return None, 0
    return float(np.median(estimates)), len(estimates)


def pitch_against_key(frequency: float, tonic: str) -> dict[str, float | str]:
    """Folded cents from the tonic and from the fifth, and the nearer of the two."""
    tonic_cents = folded_cents(frequency, pitch_class_hz(tonic))
    fifth_cents = folded_cents(frequency, pitch_class_hz(tonic, 7))
    nearer = "tonic" if abs(tonic_cents) <= abs(fifth_cents) else "fifth"
    return {
        "tonic_cents": tonic_cents,
        "fifth_cents": fifth_cents,
        "nearer": nearer,
        "cents": tonic_cents if nearer == "tonic" else fifth_cents,
    }
