"""Mastering: high-pass, make-up gain and a look-ahead limiter to -14 LUFS, -1 dBTP."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pedalboard
from scipy import ndimage, signal

from ..dsp.loudness import _kweighting
from ..dsp.texture import CLEAN, Texture, add_vinyl

TARGET_LUFS = -14.0
# Peak ceiling for samples and their 2x-interpolated midpoints. The limiter's gain is
# smooth (no clipping), but noise-bright mixes (hats up to Nyquist) still overshoot by up
# to 1.7 dB between samples; -2.8 dBFS keeps every genre under -1 dBTP.
CEILING_DBFS = -2.8
BLOCK = 32  # limiter resolution in samples (0.7 ms at 44.1 kHz)
ATTACK_S = 0.002
CHUNK = 1 << 18  # samples per chunk for streaming passes
RELEASE_S = 0.04


def _channel_peak(magnitudes: np.ndarray) -> np.ndarray:
    """The larger of the channels per sample of (channels, k) magnitudes (exact, and
    faster than a max reduction over the short axis)."""
    peak = magnitudes[0].copy()
    for row in magnitudes[1:]:
        np.maximum(peak, row, out=peak)
    return peak


def _block_peaks(audio: np.ndarray, blocks: int) -> np.ndarray:
    """Peak per limiter block of the samples and of the cubic midpoints between them.

    The midpoints (a 4-tap half-band interpolation, i.e. 2x oversampling) catch most of
    the inter-sample overshoot that bright mixes have, so the limiter holds the true peak.
    """
    n = audio.shape[1]
    peaks = np.zeros(blocks, dtype=np.float32)
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        lo, hi = max(0, start - 1), min(n, stop + 2)
        piece = _channel_peak(np.abs(audio[:, start:stop]))
        window = audio[:, lo:hi]
        if window.shape[1] >= 4:
            # The same arithmetic as 9/16 (b + c) - 1/16 (a + d), in place.
            mid = window[:, 1:-2] + window[:, 2:-1]
            mid *= np.float32(9 / 16)
            outer = window[:, :-3] + window[:, 3:]
            outer *= np.float32(1 / 16)
            mid -= outer
            del outer
            mid = _channel_peak(np.abs(mid, out=mid))
            offset = start - lo - 1  # mid[k] lies between samples lo + 1 + k and lo + 2 + k
            span = min(piece.size, mid.size - max(0, offset))
            if offset >= 0 and span > 0:
                np.maximum(piece[:span], mid[offset : offset + span], out=piece[:span])
            elif span > 0:
                np.maximum(piece[1 : 1 + span], mid[:span], out=piece[1 : 1 + span])
        first = start // BLOCK
        full = piece.size // BLOCK
        body = piece[: full * BLOCK].reshape(full, BLOCK).max(axis=1)
        peaks[first : first + full] = np.maximum(peaks[first : first + full], body)
        if piece.size > full * BLOCK:
            peaks[first + full] = max(peaks[first + full], piece[full * BLOCK :].max())
    return peaks


@lru_cache(maxsize=4)
def _kweighting_half_sos(sr: int) -> np.ndarray:
    """The K-weighting stages at ``sr / 2`` as float32 second-order sections."""
    stages = [signal.tf2sos(b, a) for b, a in _kweighting(sr // 2)]
    return np.concatenate(stages).astype(np.float32)


def _block_energy(audio: np.ndarray, sr: int, blocks: int) -> np.ndarray:
    """K-weighted energy per limiter block, summed over channels (BS.1770 weights L=R=1).

    Measured on a 2x decimated copy (every other sample): loudness lives well below 11 kHz,
    and it halves the cost of the filters. Filtered a chunk at a time with carried
    state, so long beats need no full-length float64 copies.
    """
    half = audio.shape[1] // 2
    per_block = BLOCK // 2
    # float32 throughout: the energies only need a few significant digits. Both stages
    # as one second-order cascade over both channels at once: half the cost of a
    # float32 lfilter per stage and channel.
    sos = _kweighting_half_sos(sr)
    power = np.zeros(half, dtype=np.float32)
    state = np.zeros((sos.shape[0], audio.shape[0], 2), dtype=np.float32)
    for start in range(0, half, CHUNK):
        stop = min(half, start + CHUNK)
        # Every other sample, not pair means: averaging would low-pass away the hats'
        # and snares' energy (and read bright mixes quiet); subsampling folds it down.
        chunk, state = signal.sosfilt(sos, audio[:, 2 * start : 2 * stop : 2], zi=state)
        chunk *= chunk
        np.sum(chunk, axis=0, out=power[start:stop])
    full = half // per_block
    energy = np.zeros(blocks, dtype=np.float64)
    energy[:full] = power[: full * per_block].reshape(full, per_block).sum(axis=1, dtype=np.float64)
    # Scale back to full-rate sample counts: each decimated sample stands for two.
    return 2.0 * energy


def block_loudness(energy: np.ndarray, gain_squared: np.ndarray, sr: int) -> float:
    """Integrated loudness (LUFS) from per-block energies and per-block squared gains.

    BS.1770-4: 400 ms gating blocks with 75 % overlap, absolute gate -70 LUFS, relative
    gate -10 LU. Segments are 100 ms rounded to whole limiter blocks.
    """
    per_segment = max(1, round(0.1 * sr / BLOCK))
    weighted = energy * gain_squared
    segments = weighted.size // per_segment
    if segments < 4:
        total = weighted.sum() / max(1, weighted.size * BLOCK)
        return float(-0.691 + 10 * np.log10(max(total, 1e-12)))
    sums = weighted[: segments * per_segment].reshape(segments, per_segment).sum(axis=1)
    windows = (sums[:-3] + sums[1:-2] + sums[2:-1] + sums[3:]) / (4 * per_segment * BLOCK)
    loudness = -0.691 + 10 * np.log10(np.maximum(windows, 1e-12))
    gated = windows[loudness > -70.0]
    if gated.size == 0:
        return -70.0
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10.0
    final = windows[(loudness > -70.0) & (loudness > relative)]
    return float(-0.691 + 10 * np.log10(final.mean()))


def _limiter_gains(peaks: np.ndarray, ceiling: float, sr: int) -> np.ndarray:
    """Gain at each block boundary (blocks + 1 points) that keeps every sample under ceiling.

    Need per block -> min with the neighbour (so linear interpolation inside a block never
    exceeds that block's need) -> centred min filter then moving average of the same width:
    every averaged value is at most the need at its centre, so no sample overshoots, and
    the gain ramps down ahead of a peak (look-ahead) and recovers smoothly after it.
    """
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-9))
    boundary = np.minimum(np.concatenate([need[:1], need]), np.concatenate([need, need[-1:]]))
    width = 2 * max(1, round((ATTACK_S + RELEASE_S) * sr / BLOCK / 2)) + 1
    held = ndimage.minimum_filter1d(boundary, width, mode="nearest")
    return np.minimum(ndimage.uniform_filter1d(held, width, mode="nearest"), boundary)


GLUE_THRESHOLD_DB = 1.0  # over the mix's own K-weighted RMS
GLUE_WINDOW_S = 0.03  # the detector's averaging window (an attack-to-release time)


def _glue_gains(energy: np.ndarray, ratio: float, sr: int) -> np.ndarray:
    """Bus-compressor gain at each block boundary (blocks + 1 points).

    The detector is the K-weighted energy per block averaged over ``GLUE_WINDOW_S``
    (centred: it ramps down slightly ahead of a hit, like the limiter); above a threshold
    ``GLUE_THRESHOLD_DB`` over the whole mix's RMS, the level is reduced by
    ``1 - 1/ratio`` of the excess, so the glue works the same at any mix level. Each
    boundary takes the smaller gain of its two blocks.
    """
    if ratio <= 1.0 or not np.any(energy > 0):
        return np.ones(energy.size + 1)
    width = max(1, round(GLUE_WINDOW_S * sr / BLOCK))
    level = ndimage.uniform_filter1d(energy, width, mode="nearest")
    threshold = 10.0 * np.log10(np.mean(energy) + 1e-20) + GLUE_THRESHOLD_DB
    excess = np.maximum(0.0, 10.0 * np.log10(level + 1e-20) - threshold)
    block = 10.0 ** (-excess * (1.0 - 1.0 / ratio) / 20.0)
    return np.minimum(np.concatenate([block[:1], block]), np.concatenate([block, block[-1:]]))


def master(
    mix: np.ndarray,
    sr: int,
    *,
    lowpass_hz: float = 0.0,
    texture: Texture = CLEAN,
    target_lufs: float = TARGET_LUFS,
    ceiling_dbfs: float = CEILING_DBFS,
    glue_ratio: float = 1.0,
) -> tuple[np.ndarray, dict[str, float]]:
    """Master a stereo mix (float32, (2, n)) **in place** to ``target_lufs`` under ``ceiling_dbfs``.

    The genre's vinyl bed (``texture``) is laid under the mix first; then a high-pass at
    25 Hz (removing DC) and the genre's low-pass colour, then the make-up
    gain and the limiter are solved together on block statistics (peak and K-weighted
    energy per 32 samples), so the audio itself is filtered once and multiplied twice.
    ``glue_ratio`` > 1 adds the genre's bus compression, solved on the same block
    statistics (see ``_glue_gains``) and folded into the one gain curve. Returns the
    master (float32, (2, n)) and figures: estimated LUFS, gain, limiting.
    """
    add_vinyl(mix, texture)
    chain = [pedalboard.HighpassFilter(25.0)]

    if lowpass_hz:
        chain.append(pedalboard.LowpassFilter(lowpass_hz))
    board = pedalboard.Pedalboard(chain)
    # In place, a chunk at a time (the filters keep their state between calls): the
    # mix buffer becomes the master without a second full-length copy.
    audio = mix
    for start in range(0, audio.shape[1], CHUNK):
        stop = min(audio.shape[1], start + CHUNK)
        audio[:, start:stop] = board(
            np.ascontiguousarray(audio[:, start:stop]), sr, reset=start == 0
        )
    # No separate DC pass: the 25 Hz high-pass has no gain at 0 Hz.
    n = audio.shape[1]
    blocks = -(-n // BLOCK)
    peaks = _block_peaks(audio, blocks)
    energy = _block_energy(audio, sr, blocks)
    ceiling = 10.0 ** (ceiling_dbfs / 20.0) * 0.999
    if not np.any(peaks > 0):
        return audio, {"lufs": -70.0, "gain_db": 0.0, "limiting_db": 0.0}
    glue = _glue_gains(energy, glue_ratio, sr)  # per block boundary, 1 = none
    # Each block's peak under the larger glue gain of its two boundaries: the limiter sees
    # (at most) what the glue leaves, so glue times limiter never exceeds the ceiling.
    peaks = peaks * np.maximum(glue[:-1], glue[1:])
    ones = np.ones(blocks)
    gain = 10.0 ** ((target_lufs - block_loudness(energy, ones, sr)) / 20.0)
    gains = np.ones(blocks + 1)
    loudness = target_lufs
    for _ in range(12):
        gains = _limiter_gains(peaks * gain, ceiling, sr) * glue
        squared = 0.5 * (gains[:-1] ** 2 + gains[1:] ** 2)
        loudness = block_loudness(energy, squared * gain * gain, sr)
        error = target_lufs - loudness
        if abs(error) < 0.03:
            break
        gain *= 10.0 ** (error / 20.0)
    ramp = np.arange(BLOCK, dtype=np.float32) / BLOCK
    gains32 = (gains * gain).astype(np.float32)
    step = CHUNK // BLOCK
    for first in range(0, blocks, step):
        last = min(blocks, first + step)
        curve = (
            gains32[first:last, None]
            + (gains32[first + 1 : last + 1] - gains32[first:last])[:, None] * ramp
        ).ravel()
        start = first * BLOCK
        stop = min(n, start + curve.size)
        audio[:, start:stop] *= curve[: stop - start]
    peak = max(float(audio.max()), -float(audio.min()))
    if peak > ceiling:  # float rounding only; the gains above already respect the ceiling
        audio *= np.float32(ceiling / peak)
    return audio, {
        "lufs": round(loudness, 3),
        "gain_db": round(float(20 * np.log10(gain)), 3),
        "limiting_db": round(float(-20 * np.log10(max(gains.min(), 1e-9))), 3),
    }
