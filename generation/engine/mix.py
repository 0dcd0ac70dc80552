"""Synthesis of stems from the arrangement, sidechain ducking, shared reverb bus and stereo mix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pedalboard

from .arrange import Arrangement, track_seed
from .banks.catalog import is_sampled
from .banks.parts import sampled_part
from .banks.registry import BankRegistry
from .genres import GRAMMARS, SECTION_TRACKS
from .presets import DRUM_TRACKS
from .texture import tape
from .theory import midi_to_hz
from .tone import BIN, energy_bins, gated_loudness, shape
from .voices import SAMPLE_RATE, HitVariation, drum_hit, kick_pitch_hz, pitched_note

__all__ = [
    "Layout",
    "fold_loop",
    "layout",
    "mix_down",
    "reverb_return",
    "sidechain_curve",
    "stereo_gains",
    "synthesize_track",
    "upsample_chunk",
]

SR = SAMPLE_RATE
TAIL_S = 1.5  # ring-out after the last bar of a non-loop render
LOOP_TAIL_S = 3.0  # how much of a loop's tail is wrapped back to its start
CHUNK = 1 << 18  # samples per chunk for streaming passes
# The kick stem's loudness (mono LUFS); every other stem sits at the genre's balance
# against it. Low enough that stems and their sum stay well under full scale (stems are
# exported as fixed-point WAVs); the master makes it up.
REFERENCE_LUFS = -27.0
# Drum hits cycle through this many realisations (tuning, decay, noise), so no two
# neighbouring hits are the same waveform; hits below SOFT_VELOCITY are darker.
ROUND_ROBIN = 4
SOFT_VELOCITY = 0.5
HIT_CENTS = 25.0
KICK_CENTS = 6.0  # a kick stays within a few cents of the key


@dataclass(frozen=True)
class Layout:
    """Sample geometry of a render: ``music`` samples of bars, ``total`` with the tail."""

    music: int
    total: int  # length of the rendered audio
    work: int  # length of the working buffers (loop renders fold work -> total)
    samples_per_beat: float
    loop: bool


def layout(arrangement: Arrangement) -> Layout:
    spec = arrangement.spec
    samples_per_beat = 60.0 / spec.bpm * SR
    music = round(spec.bars * spec.beats_per_bar * samples_per_beat)
    if spec.loop:
        return Layout(music, music, music + int(LOOP_TAIL_S * SR), samples_per_beat, True)
    total = music + int(TAIL_S * SR)
    return Layout(music, total, total, samples_per_beat, False)


def _add(buffer: np.ndarray, start: int, sound: np.ndarray, gain: float) -> None:
    """``buffer[start:] += gain * sound``, cut at the buffer's end."""
    end = min(buffer.size, start + sound.size)
    if end > start:
        buffer[start:end] += np.float32(gain) * sound[: end - start]


def _stem_loudness(
    placed: list[tuple[int, tuple, float]], cache: dict[tuple, np.ndarray], work: int
) -> float:
    """Integrated loudness (mono LUFS) of the sum of ``placed`` sounds at unit level.

    Each sound's K-weighted energy per 10 ms bin is added at its onset's bin (sounds of
    different notes are uncorrelated, so energies add), then gated as BS.1770 gates:
    the stem's loudness without rendering or filtering the stem itself.
    """
    total = np.zeros(work // BIN + 2, dtype=np.float64)
    by_key: dict[tuple, list[tuple[int, float]]] = {}
    for start, key, velocity in placed:
        by_key.setdefault(key, []).append((start, velocity))
    for key, hits in by_key.items():
        profile = energy_bins(cache[key])
        starts = np.array([h[0] for h in hits]) // BIN
        weights = np.array([h[1] for h in hits]) ** 2
        span = min(profile.size, total.size)
        index = starts[:, None] + np.arange(span)[None, :]
        inside = index < total.size
        np.add.at(total, index[inside], (weights[:, None] * profile[None, :span])[inside])
    return gated_loudness(total)


def synthesize_track(
    arrangement: Arrangement,
    name: str,
    geometry: Layout,
    out: np.ndarray,
    *,
    banks: BankRegistry | None = None,
) -> None:
    """Render one track's notes into ``out`` (float32, ``geometry.work`` samples), in place.

    One-shots and notes are synthesised once per distinct sound, shaped by the track's
    channel strip and added by slice. The fader is set so that the stem's loudness hits
    the genre's balance against the kick (plus ``gain_db``): the loudness is estimated
    from the K-weighted energy of each sound times its gain over the bars the track plays,
    so it reads nothing but this track's own notes. A sampled instrument (``banks``
    catalogue) takes its sounds from ``banks`` instead and is levelled the same way.
    """
    spec = arrangement.spec
    grammar = GRAMMARS[spec.genre]
    setting = spec.tracks[name]
    events = arrangement.tracks.get(name, ())
    if not events:
        return
    cache: dict[tuple, np.ndarray] = {}
    spb = geometry.samples_per_beat
    tonic_hz = midi_to_hz(45 + (spec.key.pitch_class - 9) % 12)
    kick_hz = 0.0
    sampled = is_sampled(name, setting.instrument)
    if name == "kick" and not sampled:
        kick_hz = kick_pitch_hz(
            setting.instrument, spec.key.pitch_class, fifth=grammar.mix.kick_fifth
        )
    texture = grammar.mix.texture
    hit_seed = track_seed(spec.seed, name) if name in DRUM_TRACKS else 0
    placed: list[tuple[int, tuple, float]] = []
    if sampled:
        placed = _sampled(arrangement, name, geometry, cache, banks or BankRegistry())
        events = ()
    for index, event in enumerate(events):
        if name in DRUM_TRACKS:
            soft = event.velocity < SOFT_VELOCITY
            key = (event.voice, index % ROUND_ROBIN, soft)
            if key not in cache:
                hit = HitVariation.draw(
                    hit_seed, key[1], cents=KICK_CENTS if name == "kick" else HIT_CENTS, soft=soft
                )
                sound = drum_hit(
                    name,
                    setting.instrument,
                    event.voice,
                    tonic_hz=tonic_hz,
                    kick_hz=kick_hz,
                    hit=hit,
                )
                cache[key] = shape(name, sound)
        else:
            length = round(event.length_beats * spb)
            key = (event.pitch, length, event.glide_from)
            if key not in cache:
                sound = pitched_note(
                    name,
                    setting.instrument,
                    event.pitch,
                    length,
                    glide_from=event.glide_from,
                    glide_s=grammar.bass.glide_beats * 60.0 / spec.bpm,
                    drive=grammar.mix.drive,
                )
                cache[key] = shape(name, sound)
                if name in texture.tape_tracks:
                    # Each note starts at its own point of the wow cycle.
                    phase = (event.pitch * 0.618 + length * 1e-4) % 1.0
                    cache[key] = tape(cache[key], texture, phase)
        placed.append((round(event.start_beat * spb), key, event.velocity))
    loudness = _stem_loudness(placed, cache, geometry.work)
    if loudness <= -70.0:
        return
    target = REFERENCE_LUFS + grammar.mix.level_db(name) + setting.gain_db
    level = 10.0 ** ((target - loudness) / 20.0)
    for start, key, velocity in placed:
        _add(out, start, cache[key], velocity * level)


def _sampled(
    arrangement: Arrangement,
    name: str,
    geometry: Layout,
    cache: dict[tuple, np.ndarray],
    banks: BankRegistry,
) -> list[tuple[int, tuple, float]]:
    """Fill ``cache`` with a sampled track's sounds (through its channel strip and, where
    the genre tapes this track, its tape); return their placement."""
    spec = arrangement.spec
    texture = GRAMMARS[spec.genre].mix.texture
    part = sampled_part(
        name,
        spec.tracks[name].instrument,
        arrangement.tracks[name],
        banks,
        seed=track_seed(spec.seed, name),
        samples_per_beat=geometry.samples_per_beat,
        tonic_pc=spec.key.pitch_class,
        kick_fifth=GRAMMARS[spec.genre].mix.kick_fifth,
    )
    for key, sound in part.sounds.items():
        cache[key] = shape(name, sound)
        if name in texture.tape_tracks and key[0] == "note":
            cache[key] = tape(cache[key], texture, (key[1] * 0.618 + key[2] * 1e-4) % 1.0)
    return part.placed


def sidechain_curve(arrangement: Arrangement, geometry: Layout) -> np.ndarray | None:
    """Gain curve (float32, ``work`` samples) that ducks on the genre's pulse; None if off.

    Triggers come from the genre's sidechain grid in sections where the kick would play,
    not from the kick track, so that editing the kick never alters another stem.
    """
    spec = arrangement.spec
    mix = GRAMMARS[spec.genre].mix
    if mix.sidechain_depth <= 0:
        return None
    spb = geometry.samples_per_beat
    release = max(8, int(mix.sidechain_release_beats * spb))
    attack = int(0.004 * SR)
    shape = np.ones(attack + release, dtype=np.float32)
    shape[:attack] = 1.0 - mix.sidechain_depth * np.linspace(0.0, 1.0, attack)
    x = np.linspace(0.0, 1.0, release)
    shape[attack:] = 1.0 - mix.sidechain_depth * np.cos(0.5 * np.pi * x) ** 2
    curve = np.ones(geometry.work, dtype=np.float32)
    steps = arrangement.steps_per_bar
    grid = (mix.sidechain_grid * 2)[:steps]
    for bar in range(spec.bars):
        section = arrangement.section_of_bar(bar)
        playing = SECTION_TRACKS[section.name] or GRAMMARS[spec.genre].intro_tracks
        if "kick" not in playing:
            continue
        for step, char in enumerate(grid):
            if char == ".":
                continue
            start = round((bar * spec.beats_per_bar + step / 4.0) * spb) - attack
            start = max(0, start)
            end = min(curve.size, start + shape.size)
            np.minimum(curve[start:end], shape[: end - start], out=curve[start:end])
    return curve


def stereo_gains(track: str, genre: str) -> tuple[float, float, int]:
    """Constant-power pan gains (left, right; 1.0 each at centre) and Haas delay in samples."""
    mix = GRAMMARS[genre].mix
    angle = (mix.pan(track) + 1.0) * np.pi / 4.0
    return (
        float(np.cos(angle) * np.sqrt(2.0)),
        float(np.sin(angle) * np.sqrt(2.0)),
        int(mix.width_ms(track) * SR / 1000.0),
    )


def fold_loop(buffer: np.ndarray, length: int) -> np.ndarray:
    """Wrap everything past ``length`` samples back onto the start (last axis); a view."""
    work = buffer.shape[-1]
    start = length
    while start < work:
        chunk = min(length, work - start)
        buffer[..., :chunk] += buffer[..., start : start + chunk]
        start += chunk
    return buffer[..., :length]


REVERB_SPREAD_S = 0.011  # the right channel of the reverb return lags the left by this


def reverb_return(send: np.ndarray, genre: str, geometry: Layout) -> np.ndarray:
    """The shared reverb bus at half rate: mono send (float32, ``total`` samples) -> stereo
    return (float32, (2, ceil(total / 2))) at 22.05 kHz.

    The return is dark anyway (the reverb damps the highs), so it runs at half rate and
    in mono; its right channel is the same tail 11 ms later, which a diffuse tail makes
    as wide as a second reverb at a quarter of the cost. :func:`upsample_chunk` brings
    any stretch back to 44.1 kHz.
    """
    mix = GRAMMARS[genre].mix
    n = send.size
    half_n = (n + 1) // 2
    tail = int(LOOP_TAIL_S * SR) // 2 if geometry.loop else 0
    half = np.zeros((1, half_n + tail), dtype=np.float32)
    pairs = n // 2
    np.add(send[0 : 2 * pairs : 2], send[1 : 2 * pairs : 2], out=half[0, :pairs])
    half[0, :pairs] *= 0.5
    if n % 2:
        half[0, pairs] = send[-1]
    reverb = pedalboard.Reverb(
        room_size=mix.reverb_room,
        damping=mix.reverb_damping,
        wet_level=1.0,
        dry_level=0.0,
        width=1.0,
    )
    wet = reverb(half, SR // 2)[0]
    del half
    if geometry.loop:
        wet = fold_loop(wet, half_n)
    spread = int(REVERB_SPREAD_S * SR / 2)
    out = np.empty((2, half_n), dtype=np.float32)
    out[0] = wet[:half_n]
    out[1, spread:] = wet[: half_n - spread]
    out[1, :spread] = wet[half_n - spread : half_n] if geometry.loop else 0.0
    return out


def upsample_chunk(half: np.ndarray, start: int, stop: int, *, loop: bool = False) -> np.ndarray:
    """Samples ``start:stop`` at 44.1 kHz of a half-rate (2, m) signal, by linear interpolation.

    Even samples are the half-rate samples; odd ones the mean of their neighbours (the last
    one repeats, or wraps to the first in a loop). Returns float32 (2, stop - start).
    """
    m = half.shape[1]
    lo, hi = start // 2, min(m, (stop + 1) // 2 + 1)
    piece = half[:, lo:hi]
    nxt = np.empty_like(piece)
    nxt[:, :-1] = piece[:, 1:]
    nxt[:, -1] = half[:, hi] if hi < m else (half[:, 0] if loop else piece[:, -1])
    out = np.empty((2, 2 * piece.shape[1]), dtype=np.float32)
    out[:, 0::2] = piece
    np.add(piece, nxt, out=out[:, 1::2])
    out[:, 1::2] *= 0.5
    offset = start - 2 * lo
    return out[:, offset : offset + (stop - start)]


def mix_down(
    stems: np.ndarray,
    names: list[str],
    genre: str,
    reverb_half: np.ndarray | None,
    *,
    loop: bool = False,
) -> np.ndarray:
    """Pan and sum mono stems (k, n) to stereo (2, n) float32, plus the reverb return.

    The dry pan is one (2, k) @ (k, n) product; Haas-widened tracks add their delayed
    right channel separately (in a loop the first samples come from the end).
    """
    n = stems.shape[1]
    gains = np.zeros((2, len(names)), dtype=np.float32)
    delayed = []
    for i, name in enumerate(names):
        left, right, delay = stereo_gains(name, genre)
        gains[0, i] = left
        if delay:
            delayed.append((i, right, delay))
        else:
            gains[1, i] = right
    mix = gains @ stems if names else np.zeros((2, n), dtype=np.float32)
    for i, right, delay in delayed:
        for start in range(delay, n, CHUNK):
            stop = min(n, start + CHUNK)
            mix[1, start:stop] += right * stems[i, start - delay : stop - delay]
        if loop:
            mix[1, :delay] += right * stems[i, n - delay :]
    if reverb_half is not None:
        for start in range(0, n, CHUNK):
            stop = min(n, start + CHUNK)
            mix[:, start:stop] += upsample_chunk(reverb_half, start, stop, loop=loop)
    return mix
