"""Synthesised voices: drum one-shots and pitched notes, vectorised numpy at 44.1 kHz."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import signal

from .presets import INSTRUMENTS
from .theory import midi_to_hz

__all__ = [
    "DRUM_VOICES",
    "PITCHED_VOICES",
    "SAMPLE_RATE",
    "HitVariation",
    "drum_hit",
    "kick_pitch_hz",
    "pitched_note",
]

SAMPLE_RATE = 44100
SR = SAMPLE_RATE
F32 = np.float32


def _time(n: int) -> np.ndarray:
    return np.arange(n, dtype=np.float64) / SR


def _cycles(freq: float | np.ndarray, n: int) -> np.ndarray:
    """Phase in cycles (float64: long notes would drift in float32)."""
    if np.ndim(freq) == 0:
        return np.arange(n, dtype=np.float64) * (float(freq) / SR)
    return np.cumsum(freq, dtype=np.float64) / SR


def _wrapped(freq: float | np.ndarray, n: int, phase: float) -> np.ndarray:
    """Phase in cycles wrapped to [0, 1), float32 (accumulated in float64, then wrapped)."""
    cycles = _cycles(freq, n)
    if phase:
        cycles += phase
    cycles -= np.floor(cycles)
    return cycles.astype(np.float32)


def _sine(freq: float | np.ndarray, n: int, phase: float = 0.0) -> np.ndarray:
    # float32 sine of a wrapped phase: SIMD-fast and exact to ~1e-7 of a cycle.
    return np.sin(np.float32(2 * np.pi) * _wrapped(freq, n, phase))


def _saw(freq: float | np.ndarray, n: int, phase: float = 0.0) -> np.ndarray:
    """Sawtooth with polyBLEP corrections at the wrap: far less aliasing than a naive ramp."""
    ph = _wrapped(freq, n, phase)
    y = np.float32(2.0) * ph - np.float32(1.0)
    if np.ndim(freq) == 0:
        dt = np.float32(float(freq) / SR)
        head = ph < dt
        t = ph[head] / dt
        y[head] -= t + t - t * t - 1.0
        tail = ph > 1.0 - dt
        t = (ph[tail] - 1.0) / dt
        y[tail] -= t * t + t + t + 1.0
        return y
    dt = (np.asarray(freq) / SR).astype(np.float32)
    head = ph < dt
    t = ph[head] / dt[head]
    y[head] -= t + t - t * t - 1.0
    tail = ph > 1.0 - dt
    t = (ph[tail] - 1.0) / dt[tail]
    y[tail] -= t * t + t + t + 1.0
    return y


def _square(freq: float | np.ndarray, n: int) -> np.ndarray:
    return 0.5 * (_saw(freq, n) - _saw(freq, n, 0.5))


def _noise(n: int, seed: int) -> np.ndarray:
    # Fixed seeds: a voice sounds the same in every render, whatever the spec's seed.
    return np.random.default_rng(seed).uniform(-1.0, 1.0, n)


@lru_cache(maxsize=256)
def _sos(kind: str, low: float, high: float = 0.0, order: int = 2) -> np.ndarray:
    nyquist = 0.49 * SR
    if kind == "bandpass":
        return signal.butter(order, [low, min(high, nyquist)], "bandpass", fs=SR, output="sos")
    return signal.butter(order, min(low, nyquist), kind, fs=SR, output="sos")


def _lowpass(x: np.ndarray, cutoff: float, order: int = 2) -> np.ndarray:
    return signal.sosfilt(_sos("lowpass", round(cutoff), order=order), x)


def _highpass(x: np.ndarray, cutoff: float, order: int = 2) -> np.ndarray:
    return signal.sosfilt(_sos("highpass", round(cutoff), order=order), x)


def _bandpass(x: np.ndarray, low: float, high: float, order: int = 2) -> np.ndarray:
    return signal.sosfilt(_sos("bandpass", round(low), round(high), order), x)


def _decay(n: int, tau: float) -> np.ndarray:
    return np.exp(-_time(n) / tau)


def _envelope(
    n_note: int, attack: float, decay: float, sustain: float, release: float
) -> np.ndarray:
    """ADSR over a note of ``n_note`` samples plus its release tail (linear release)."""
    t = np.arange(n_note, dtype=np.float64)
    a = max(1.0, attack * SR)
    env = np.where(t < a, t / a, sustain + (1.0 - sustain) * np.exp(-(t - a) / (decay * SR)))
    r = max(1, int(release * SR))
    end = env[-1] if n_note else 0.0
    return np.concatenate([env, end * (1.0 - np.arange(r) / r)])


def _saturate(x: np.ndarray, drive: float) -> np.ndarray:
    if drive <= 1.0:
        return x
    return np.tanh(drive * x) / np.tanh(drive)


def _normalize(x: np.ndarray, peak: float = 1.0) -> np.ndarray:
    top = float(np.max(np.abs(x))) if x.size else 0.0
    return (x * (peak / top)).astype(F32) if top > 0 else x.astype(F32)


# --- drums -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HitVariation:
    """One round-robin realisation of a drum hit: micro-tuning, decay and noise seed.

    ``tune`` multiplies every frequency, ``decay`` every time constant; ``salt`` offsets
    the noise seeds, so each variant has its own noise. ``soft`` darkens a quiet hit.
    """

    tune: float = 1.0
    decay: float = 1.0
    salt: int = 0
    soft: bool = False

    @classmethod
    def draw(cls, seed: int, variant: int, *, cents: float, soft: bool = False) -> HitVariation:
        if variant == 0:
            return cls(soft=soft)
        rng = np.random.default_rng([seed & 0xFFFFFFFF, variant])
        return cls(
            tune=float(2.0 ** (rng.uniform(-cents, cents) / 1200.0)),
            decay=float(1.0 + rng.uniform(-0.1, 0.1)),
            salt=int(rng.integers(1, 1 << 30)),
            soft=soft,
        )


_PLAIN = HitVariation()


def _kick_voice(
    f0: float,
    f1: float,
    sweep: float,
    decay: float,
    click: float,
    drive: float,
    dark: bool = False,
    hit: HitVariation = _PLAIN,
) -> np.ndarray:
    decay *= hit.decay
    n = int((decay * 5 + 0.05) * SR)
    t = _time(n)
    f0, f1 = f0 * hit.tune, f1 * hit.tune
    # The sweep falls in pitch (log frequency), so the body settles on f1 in tune rather
    # than approaching it from a few hertz sharp.
    freq = f1 * (f0 / f1) ** np.exp(-t / sweep)
    body = _sine(freq, n) * np.exp(-t / decay)
    body[: int(0.002 * SR)] *= np.linspace(0.3, 1.0, int(0.002 * SR))
    if click:
        # A beater click with a 0.3 ms onset: noise starting at full level would be a
        # one-sample step that overshoots every true-peak ceiling.
        onset = np.minimum(t / 0.0003, 1.0)
        body += click * _highpass(_noise(n, 11 + hit.salt), 2500) * onset * np.exp(-t / 0.004)
    if dark:
        body = _lowpass(body, 2000)
    return _normalize(_saturate(body, drive))


def _snare_voice(
    tone: float,
    tone_decay: float,
    noise_decay: float,
    band: tuple[float, float],
    tone_mix: float,
    gate: float = 0.0,
    hit: HitVariation = _PLAIN,
) -> np.ndarray:
    tone_decay *= hit.decay
    noise_decay *= hit.decay
    n = int((max(tone_decay, noise_decay) * 5 + 0.02) * SR)
    t = _time(n)
    freq = tone * hit.tune * (1.0 + 0.4 * np.exp(-t / 0.01))
    body = tone_mix * (_sine(freq, n) + 0.5 * _sine(freq * 1.6, n)) * np.exp(-t / tone_decay)
    noise = _bandpass(_noise(n, 23 + hit.salt), *band) * np.exp(-t / noise_decay)
    y = body + noise
    if gate:
        y *= np.clip((gate - t) / 0.006, 0.0, 1.0)
    return _normalize(y)


def _rim_voice(hit: HitVariation = _PLAIN) -> np.ndarray:
    n = int(0.12 * SR)
    t = _time(n)
    y = (_sine(1700.0 * hit.tune, n) + 0.8 * _sine(820.0 * hit.tune, n)) * np.exp(
        -t / (0.012 * hit.decay)
    )
    y += 0.5 * _bandpass(_noise(n, 5 + hit.salt), 2000, 6000) * np.exp(-t / 0.006)
    return _normalize(y)


def _clap_voice(
    bursts: tuple[float, ...],
    band: tuple[float, float],
    tail: float,
    hit: HitVariation = _PLAIN,
) -> np.ndarray:
    tail *= hit.decay
    n = int((tail * 5 + 0.05) * SR)
    t = _time(n)
    env = np.zeros(n)
    # Hands never land on the same grid twice: the burst spacing breathes with the variant.
    spread = hit.tune**8
    for start in bursts:
        shifted = t - start * spread
        env = np.maximum(env, np.where(shifted >= 0, np.exp(-np.maximum(shifted, 0) / 0.006), 0.0))
    last = bursts[-1] * spread
    env = np.maximum(env, np.where(t >= last, 0.7 * np.exp(-np.maximum(t - last, 0) / tail), 0.0))
    low, high = band
    return _normalize(_bandpass(_noise(n, 31 + hit.salt), low * hit.tune, high * hit.tune) * env)


_HAT_808 = (205.3, 304.4, 369.6, 522.7, 540.0, 800.0)


def _hat_voice(kind: str, open_: bool, hit: HitVariation = _PLAIN) -> np.ndarray:
    salt, tune, stretch = hit.salt, hit.tune, hit.decay
    if kind == "closed":
        decay = (0.28 if open_ else 0.035) * stretch
        n = int(decay * 6 * SR)
        return _normalize(_highpass(_noise(n, 41 + salt), 7000 * tune) * _decay(n, decay))
    if kind == "808":
        decay = (0.32 if open_ else 0.045) * stretch
        n = int(decay * 6 * SR)
        metal = sum(_square(f * 1.7 * tune, n) for f in _HAT_808)
        y = _bandpass(metal, 7000, 12000) + 0.3 * _highpass(_noise(n, 43 + salt), 8000)
        return _normalize(y * _decay(n, decay))
    if kind == "shaker":
        decay = (0.16 if open_ else 0.05) * stretch
        n = int((decay * 6 + 0.01) * SR)
        t = _time(n)
        env = np.minimum(t / 0.008, 1.0) * np.exp(-np.maximum(t - 0.008, 0) / decay)
        return _normalize(_bandpass(_noise(n, 47 + salt), 4000 * tune, 10000) * env)
    # ride: inharmonic partials ring longer; the open variant adds the bell
    decay = (1.0 if open_ else 0.45) * stretch
    n = int(decay * 4 * SR)
    partials = (3150.0, 4020.0, 5230.0, 6400.0, 7700.0, 9100.0)
    y = sum(_sine(f * tune, n, 0.13 * i) for i, f in enumerate(partials)) / len(partials)
    if open_:
        y = y + 0.6 * (_sine(910.0 * tune, n) + _sine(1370.0 * tune, n))
    y += 0.3 * _highpass(_noise(n, 53 + salt), 6000) * _decay(n, 0.05)
    return _normalize(y * _decay(n, decay))


def _tuned_perc(
    freq: float,
    decay: float,
    bend: float,
    overtone: float,
    slap: float,
    hit: HitVariation = _PLAIN,
) -> np.ndarray:
    decay *= hit.decay
    n = int((decay * 5 + 0.02) * SR)
    t = _time(n)
    f = freq * hit.tune * (1.0 + bend * np.exp(-t / 0.02))
    y = _sine(f, n) * np.exp(-t / decay) + overtone * _sine(f * 2.0, n) * np.exp(-t / (decay / 4))
    if slap:
        y += slap * _bandpass(_noise(n, 61 + hit.salt), 1500, 4500) * np.exp(-t / 0.01)
    return _normalize(_saturate(y, 1.3))


def _cowbell(hit: HitVariation = _PLAIN) -> np.ndarray:
    n = int(0.5 * SR)
    t = _time(n)
    y = _square(540.0 * hit.tune, n) + _square(800.0 * hit.tune, n)
    env = 0.6 * np.exp(-t / 0.02) + 0.4 * np.exp(-t / (0.15 * hit.decay))
    return _normalize(_bandpass(y, 600, 3500) * env)


def _perc_voice(instrument: str, voice: str, tonic_hz: float, hit: HitVariation) -> np.ndarray:
    high = voice == "high"
    if instrument == "conga":
        return _tuned_perc(310.0 if high else 205.0, 0.16, 0.15, 0.2, 0.3, hit)
    if instrument == "shaker":
        return _hat_voice("shaker", high, hit)
    if instrument == "cowbell":
        return _cowbell(hit)
    if instrument == "log-drum":
        # The log drum is melodic: tonic and fifth of the key, an octave below middle C.
        return _tuned_perc(tonic_hz * (1.5 if high else 1.0), 0.3, 0.5, 0.35, 0.0, hit)
    if instrument == "tom":
        return _tuned_perc(165.0 if high else 110.0, 0.28, 0.5, 0.15, 0.1, hit)
    return _rim_voice(hit)


# (start Hz, settled Hz, sweep s, decay s, click, drive). The settled pitch is the voice's
# nominal one; drum_hit retunes it to the key. Decays are short enough that the tail
# does not drone under the bass.
_KICKS = {
    "punchy": (160.0, 52.0, 0.025, 0.22, 0.5, 1.5),
    "808": (130.0, 48.0, 0.03, 0.32, 0.15, 2.0),
    "deep": (120.0, 45.0, 0.03, 0.3, 0.45, 1.6),
    "soft": (120.0, 55.0, 0.03, 0.18, 0.0, 1.0),
    "acoustic": (100.0, 58.0, 0.02, 0.2, 0.6, 1.2),
}
_SNARES = {
    "tight": (200.0, 0.06, 0.12, (1800.0, 9000.0), 0.5),
    "808": (240.0, 0.1, 0.18, (1000.0, 7000.0), 0.7),
    "gated": (190.0, 0.08, 0.35, (1200.0, 8000.0), 0.6, 0.22),
    "acoustic": (185.0, 0.09, 0.22, (1200.0, 9500.0), 0.55),
}
_CLAPS = {
    "classic": ((0.0, 0.011, 0.022, 0.034), (900.0, 2600.0), 0.14),
    "layered": ((0.0, 0.009, 0.02, 0.03), (700.0, 4000.0), 0.2),
    "snap": ((0.0, 0.008), (2000.0, 5500.0), 0.05),
}


def kick_pitch_hz(instrument: str, tonic_pc: int, *, fifth: bool = False) -> float:
    """The settled pitch of a kick voice tuned to the key: the tonic (or fifth) nearest
    the voice's nominal pitch, so that the kick's tail agrees with the bass."""
    nominal = _KICKS[instrument][1]
    target_pc = (tonic_pc + (7 if fifth else 0)) % 12
    midi = 69.0 + 12.0 * np.log2(nominal / 440.0)
    offset = (target_pc - round(midi)) % 12
    candidates = [round(midi) + offset + 12 * k for k in (-1, 0)]
    best = min(candidates, key=lambda m: abs(m - midi))
    return midi_to_hz(best)


def _drum(
    track: str, instrument: str, voice: str, tonic_hz: float, kick_hz: float, hit: HitVariation
) -> np.ndarray:
    if track == "kick":
        f0, f1, *rest = _KICKS[instrument]
        if kick_hz:
            f0, f1 = f0 * kick_hz / f1, kick_hz
        return _kick_voice(f0, f1, *rest, dark=instrument == "soft", hit=hit)
    if track == "snare":
        if instrument == "rim":
            return _rim_voice(hit)
        return _snare_voice(*_SNARES[instrument], hit=hit)
    if track == "clap":
        y = _clap_voice(*_CLAPS[instrument], hit=hit)
        if instrument == "layered":
            body = _snare_voice(*_SNARES["tight"], hit=hit)
            y = np.pad(y, (0, max(0, body.size - y.size)))
            y[: body.size] += 0.5 * body
        return _normalize(y)
    if track == "hats":
        return _hat_voice(instrument, voice == "open", hit)
    return _perc_voice(instrument, voice, tonic_hz, hit)


DRUM_VOICES: dict[str, tuple[str, ...]] = {
    t: INSTRUMENTS[t] for t in ("kick", "snare", "clap", "hats", "perc")
}


def _trim(x: np.ndarray, floor_db: float = -45.0, fade_s: float = 0.005) -> np.ndarray:
    """Cut a one-shot where it stays below ``floor_db`` of its peak, with a short fade.

    Exponential decays are computed over several time constants; placing their inaudible
    tails hundreds of times per beat is most of the synthesis cost.
    """
    threshold = np.max(np.abs(x)) * 10.0 ** (floor_db / 20.0)
    loud = np.flatnonzero(np.abs(x) > threshold)
    end = min(x.size, int(loud[-1]) + 1 + int(fade_s * SR)) if loud.size else x.size
    out = x[:end].copy()
    fade = min(end, int(fade_s * SR))
    out[end - fade :] *= np.linspace(1.0, 0.0, fade, dtype=out.dtype)
    return out


def drum_hit(
    track: str,
    instrument: str,
    voice: str = "",
    *,
    tonic_hz: float = 110.0,
    kick_hz: float = 0.0,
    hit: HitVariation = _PLAIN,
) -> np.ndarray:
    """One drum one-shot, float32 mono at 44.1 kHz, peak 1, trimmed below -45 dB.

    ``voice`` picks a variant: hats ``closed``/``open``; perc ``low``/``high``.
    ``tonic_hz`` tunes the melodic log drum; ``kick_hz`` (0 = the voice's own) is the
    pitch a kick settles on. ``hit`` is the round-robin realisation (tuning, decay, noise)
    and velocity colour. Deterministic for equal arguments.
    """
    if instrument not in DRUM_VOICES.get(track, ()):
        raise ValueError(f"no drum voice {instrument!r} for track {track!r}")
    y = _drum(track, instrument, voice, tonic_hz, kick_hz, hit)
    if hit.soft and track != "kick":
        # Softer hits are darker, as a drum struck lightly is.
        y = 0.45 * y + 0.55 * _lowpass(y, 2800.0)
    return _trim(y)


# --- pitched ---------------------------------------------------------------------------


def _glide_freq(pitch: int, n: int, glide_from: int | None, glide_s: float) -> np.ndarray | float:
    if glide_from is None:
        return midi_to_hz(pitch)
    g = max(1, min(n, int(glide_s * SR)))
    ramp = np.full(n, float(pitch))
    # Pitch moves in semitones with an ease-out, like a portamento knob.
    x = np.arange(g) / g
    ramp[:g] = glide_from + (pitch - glide_from) * (1.0 - (1.0 - x) ** 2)
    return 440.0 * 2.0 ** ((ramp - 69.0) / 12.0)


def _root_harmonics(s: np.ndarray, amounts: tuple[float, float, float, float, float]) -> np.ndarray:
    """Harmonics 2, 3, 4, 6 and 8 of a sine ``s = sin(theta)``, weighted by ``amounts``.

    Chebyshev identities give each as a polynomial of ``s`` (cheap, and they follow any
    glide of the phase). Only octaves and fifths of the root: the 5th and 10th harmonics,
    a major third, would turn a minor key's bass major.
    """
    u = 1.0 - 2.0 * s * s  # cos 2θ
    h4 = 2.0 * u * u - 1.0  # cos 4θ
    a2, a3, a4, a6, a8 = amounts
    out = a2 * u + a3 * (3.0 * s - 4.0 * s * s * s) + a4 * h4
    out += a6 * (4.0 * u * u * u - 3.0 * u) + a8 * (2.0 * h4 * h4 - 1.0)
    return out


def _808(pitch: int, n: int, glide_from: int | None, glide_s: float, drive: float) -> np.ndarray:
    total = n + int(0.04 * SR)
    freq = _glide_freq(pitch, total, glide_from, glide_s)
    t = _time(total)
    knock = 1.0 + 0.8 * np.exp(-t / 0.008)
    y = _sine(np.asarray(freq) * knock, total)
    env = _envelope(n, 0.002, 1.6, 0.0, 0.04)
    # Audible on phones through a distorted layer of octaves and fifths up to the 8th
    # harmonic (250-450 Hz for a 40-55 Hz note); more drive, more of it. The tanh glues.
    amount = float(np.clip(0.4 + 0.4 * (drive - 1.0), 0.0, 1.0))
    layer = _root_harmonics(y, (0.5, 0.4, 0.3, 0.22, 0.14))
    return _saturate(env * (y + amount * layer), min(drive, 1.4))


def _sub(freq: float, n: int) -> np.ndarray:
    m = n + int(0.06 * SR)
    y = _sine(freq, m)
    y = y + _root_harmonics(y, (0.3, 0.2, 0.14, 0.1, 0.07))
    return y * _envelope(n, 0.005, 2.0, 0.85, 0.06)


def _round(freq: float, n: int) -> np.ndarray:
    m = n + int(0.08 * SR)
    y = _saturate(_sine(freq, m), 1.8) + 0.08 * _sine(3 * freq, m)
    return y * _envelope(n, 0.004, 0.6, 0.5, 0.08)


def _reese(freq: float, n: int) -> np.ndarray:
    m = n + int(0.08 * SR)
    detune = 2 ** (0.12 / 12)
    saws = _saw(freq / detune, m) + _saw(freq * detune, m, 0.3)
    y = 0.5 * _lowpass(saws, 700) + 0.7 * _sine(freq, m)
    return y * _envelope(n, 0.01, 2.0, 0.9, 0.08)


def _filter_sweep(x: np.ndarray, bright: float, dark: float, tau: float) -> np.ndarray:
    """A decaying low-pass: crossfade of a bright and a dark copy (two static filters)."""
    mix = np.exp(-_time(x.size) / tau)
    return mix * _lowpass(x, bright) + (1.0 - mix) * _lowpass(x, dark)


def _synth_bass(freq: float, n: int) -> np.ndarray:
    m = n + int(0.05 * SR)
    osc = _saw(freq, m) + 0.5 * _square(freq, m)
    y = _filter_sweep(osc, 1800, 350, 0.12) + 0.5 * _sine(freq, m)
    return y * _envelope(n, 0.003, 0.3, 0.6, 0.05)


def _pluck(
    freq: float, n: int, bright: float = 4000.0, dark: float = 600.0, tau: float = 0.4
) -> np.ndarray:
    m = n + int(0.1 * SR)
    osc = _saw(freq, m) + 0.4 * _square(2 * freq, m)
    y = _filter_sweep(osc, bright, dark, 0.1)
    return y * _envelope(n, 0.002, tau, 0.0, 0.1)


def _bass_pluck(freq: float, n: int) -> np.ndarray:
    y = _pluck(freq, n, 1200.0, 250.0, 0.35)
    sub = _sub(freq, n)
    # The sub layer carries the pitch; the filtered pluck is its attack and colour.
    y[: sub.size] += 0.9 * sub[: y.size]
    return y


def _fm(
    freq: float,
    n: int,
    ratio: float,
    index: float,
    index_tau: float,
    release: float,
    amp_tau: float,
    sustain: float = 0.0,
) -> np.ndarray:
    m = n + int(release * SR)
    t = _time(m)
    modulator = (index * np.exp(-t / index_tau) + 0.2) * _sine(freq * ratio, m)
    carrier = np.sin(2 * np.pi * _cycles(freq, m) + modulator)
    return carrier * _envelope(n, 0.002, amp_tau, sustain, release)


def _epiano(freq: float, n: int) -> np.ndarray:
    m = n + int(0.25 * SR)
    y = _fm(freq, n, 1.0, 1.8, 0.25, 0.25, 1.2, 0.15)
    tine = 0.12 * _sine(freq * 7.0, m) * _decay(m, 0.04)
    return y + tine


def _piano(freq: float, n: int) -> np.ndarray:
    """Six stretched partials (string inharmonicity), higher ones dying faster, plus a
    hammer thump. Each partial is a sine at a fixed frequency, so float32 phase is exact
    enough (phase = sample index times cycles per sample, wrapped before the sine)."""
    m = n + int(0.2 * SR)
    index = np.arange(m, dtype=np.float64)
    y = np.zeros(m, dtype=np.float32)
    for k in range(1, 7):
        partial = k * freq * np.sqrt(1.0 + 3e-4 * k * k)
        if partial >= 0.45 * SR:
            break
        tau = 2.2 / (1.0 + 0.6 * k) * (261.0 / freq) ** 0.3
        phase = ((index * (partial / SR)) % 1.0).astype(np.float32)
        decay = np.exp(np.float32(-1.0 / (tau * SR)) * index.astype(np.float32))
        y += np.float32(1.0 / k**1.3) * np.sin(np.float32(2 * np.pi) * phase) * decay
    t = _time(m)
    y += 0.05 * _lowpass(_noise(m, 71), 3000) * np.exp(-t / 0.006)
    return y * _envelope(n, 0.002, 10.0, 1.0, 0.2)


def _organ(freq: float, n: int) -> np.ndarray:
    m = n + int(0.06 * SR)
    ratios = (0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0)
    amps = (0.6, 1.0, 0.7, 0.5, 0.35, 0.25, 0.2)
    y = sum(
        a * _sine(freq * r, m) for r, a in zip(ratios, amps, strict=True) if freq * r < 0.45 * SR
    )
    return y * _envelope(n, 0.008, 5.0, 1.0, 0.06)


def _stab(freq: float, n: int) -> np.ndarray:
    m = n + int(0.08 * SR)
    d = 2 ** (8 / 1200)
    osc = _saw(freq / d, m) + _saw(freq * d, m, 0.4) + 0.5 * _square(freq, m)
    return _filter_sweep(osc, 2500, 800, 0.08) * _envelope(n, 0.002, 0.15, 0.2, 0.08)


def _supersaw(
    freq: float, n: int, cents: tuple[float, ...], cutoff: float, vibrato: float = 0.0
) -> np.ndarray:
    m = n
    f: float | np.ndarray = freq
    if vibrato:
        f = freq * 2 ** (vibrato / 12 * np.sin(2 * np.pi * 5.3 * _time(m)))
    y = sum(_saw(np.asarray(f) * 2 ** (c / 1200), m, 0.17 * i) for i, c in enumerate(cents)) / len(
        cents
    )
    return _lowpass(y, cutoff)


def _saw_chord(freq: float, n: int) -> np.ndarray:
    m = n + int(0.25 * SR)
    return _supersaw(freq, m, (-10, 0, 10), 4500) * _envelope(n, 0.015, 0.4, 0.7, 0.25)


def _chord_pluck(freq: float, n: int) -> np.ndarray:
    return _pluck(freq, n, 4000.0, 600.0, 0.4)


def _bell(freq: float, n: int) -> np.ndarray:
    # A glassy strike that settles on the fundamental: the 1:3.5 sidebands fade within a
    # few tens of milliseconds and a plain sine carries the pitch, so the bell reads as
    # one note (an octave layer made trackers hear a second pitch above it).
    m = n + int(0.3 * SR)
    strike = _fm(freq, n, 3.5, 1.2, 0.06, 0.3, 0.9)
    return 0.6 * strike + 0.7 * _sine(freq, m) * _envelope(n, 0.002, 1.0, 0.0, 0.3)


def _melody_pluck(freq: float, n: int) -> np.ndarray:
    return _pluck(freq, n, 5000.0, 900.0, 0.3)


def _lead(freq: float, n: int) -> np.ndarray:
    m = n + int(0.12 * SR)
    t = _time(m)
    depth = 0.15 * np.clip((t - 0.15) / 0.2, 0.0, 1.0)
    f = freq * 2 ** (depth / 12 * np.sin(2 * np.pi * 5.5 * t))
    osc = _saw(f, m) + 0.4 * _square(f, m)
    return _lowpass(osc, 3500) * _envelope(n, 0.01, 0.5, 0.8, 0.12)


def _marimba(freq: float, n: int) -> np.ndarray:
    """A struck bar: the fundamental with its 3.93x and 9.2x modes dying fast, and a
    damping release once the note ends (a bar cut mid-ring clicks)."""
    release = int(0.12 * SR)
    m = n + release
    t = _time(m)
    y = _sine(freq, m) + 0.35 * _sine(freq * 3.93, m) * np.exp(-t / 0.05)
    y += 0.15 * _sine(freq * 9.2, m) * np.exp(-t / 0.015)
    return y * np.exp(-t / 0.35) * _envelope(n, 0.001, 10.0, 1.0, release / SR)


def _flute(freq: float, n: int) -> np.ndarray:
    m = n + int(0.1 * SR)
    t = _time(m)
    f = freq * 2 ** (0.1 / 12 * np.sin(2 * np.pi * 5.0 * t))
    y = _sine(f, m) + 0.2 * _sine(2 * f, m) + 0.08 * _sine(3 * f, m)
    y += 0.06 * _bandpass(_noise(m, 83), 1500, 6000)
    return y * _envelope(n, 0.06, 1.0, 0.85, 0.1)


def _pad_warm(freq: float, n: int) -> np.ndarray:
    m = n + int(0.6 * SR)
    return _supersaw(freq, m, (-12, 0, 12), 1500) * _envelope(n, 0.35, 0.5, 0.9, 0.6)


def _pad_dark(freq: float, n: int) -> np.ndarray:
    m = n + int(0.8 * SR)
    y = _supersaw(freq, m, (-8, 8), 1100) + 0.3 * _sine(freq, m)
    return y * _envelope(n, 0.5, 0.5, 0.9, 0.8)


def _choir(freq: float, n: int) -> np.ndarray:
    m = n + int(0.6 * SR)
    source = _supersaw(freq, m, (-10, 0, 10), 8000, vibrato=0.08)
    # "ah" formants over a chest tone that carries the written pitch
    y = (
        0.7 * _lowpass(source, 1.3 * freq, 2)
        + _bandpass(source, 600, 900, 1)
        + 0.5 * _bandpass(source, 950, 1250, 1)
        + 0.25 * _bandpass(source, 2200, 2700, 1)
    )
    return 2.0 * y * _envelope(n, 0.3, 0.5, 0.9, 0.6)


def _strings(freq: float, n: int) -> np.ndarray:
    m = n + int(0.4 * SR)
    return _supersaw(freq, m, (-12, -5, 5, 12), 3500, vibrato=0.06) * _envelope(
        n, 0.25, 0.5, 0.9, 0.4
    )


def _pad_saw(freq: float, n: int) -> np.ndarray:
    m = n + int(0.35 * SR)
    return _supersaw(freq, m, (-10, 0, 10), 5000) * _envelope(n, 0.05, 0.6, 0.85, 0.35)


_PITCHED: dict[str, dict[str, Callable[[float, int], np.ndarray]]] = {
    "bass": {
        "sub": _sub,
        "reese": _reese,
        "synth": _synth_bass,
        "round": _round,
        "pluck": _bass_pluck,
    },
    "chords": {
        "epiano": _epiano,
        "piano": _piano,
        "organ": _organ,
        "stab": _stab,
        "saw": _saw_chord,
        "pluck": _chord_pluck,
    },
    "melody": {
        "bell": _bell,
        "pluck": _melody_pluck,
        "lead": _lead,
        "marimba": _marimba,
        "flute": _flute,
        "epiano": _epiano,
    },
    "pad": {
        "warm": _pad_warm,
        "dark": _pad_dark,
        "choir": _choir,
        "strings": _strings,
        "saw": _pad_saw,
    },
}
PITCHED_VOICES: dict[str, tuple[str, ...]] = {
    track: (*voices, "808") if track == "bass" else tuple(voices)
    for track, voices in _PITCHED.items()
}


def pitched_note(
    track: str,
    instrument: str,
    pitch: int,
    n_samples: int,
    *,
    glide_from: int | None = None,
    glide_s: float = 0.0,
    drive: float = 1.5,
) -> np.ndarray:
    """One note held for ``n_samples`` plus its release, float32 mono at 44.1 kHz.

    Peak is about 1 for one voice; the caller scales by velocity and level. ``glide_from``
    and ``glide_s`` slide the 808 in from another pitch; ``drive`` saturates the 808.
    """
    n_samples = max(1, int(n_samples))
    if track == "bass" and instrument == "808":
        y = _808(pitch, n_samples, glide_from, glide_s, drive)
    else:
        try:
            voice = _PITCHED[track][instrument]
        except KeyError:
            raise ValueError(f"no pitched voice {instrument!r} for track {track!r}") from None
        y = voice(midi_to_hz(pitch), n_samples)
    return _fade_out(np.asarray(y, dtype=F32))


def _fade_out(y: np.ndarray, fade_s: float = 0.004) -> np.ndarray:
    """The last ``fade_s`` of a note ramps to zero: no voice may stop on a click."""
    fade = min(y.size, int(fade_s * SR))
    if fade:
        y[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=y.dtype)
    return y
