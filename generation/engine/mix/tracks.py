"""One track to a mono stem: sounds, channel strip, tape, fader from its own loudness."""

from __future__ import annotations

import numpy as np

from ..arrange.model import Arrangement, track_seed
from ..banks.catalog import is_sampled
from ..banks.parts import sampled_part
from ..banks.registry import BankRegistry
from ..dsp.held import shared_bodies
from ..dsp.loudness import BIN, energy_bins, gated_loudness
from ..dsp.texture import tape
from ..dsp.theory import midi_to_hz
from ..dsp.tone import shape
from ..genres import GRAMMARS
from ..presets import DRUM_TRACKS
from ..voices.drums import drum_hit
from ..voices.hits import HitVariation
from ..voices.kick import kick_pitch_hz
from ..voices.pitched import pitched_note
from .layout import Layout

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


def _add(
    buffer: np.ndarray, start: int, sound: np.ndarray, gain: float, scratch: np.ndarray
) -> None:
    """``buffer[start:] += gain * sound``, cut at the buffer's end; ``scratch`` (float32,
    at least the sound's length) holds the product, so no temporary is allocated."""
    end = min(buffer.size, start + sound.size)
    if end > start:
        part = scratch[: end - start]
        np.multiply(sound[: end - start], np.float32(gain), out=part)
        buffer[start:end] += part


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
    the genre's balance against the kick; the track's fader (``gain_db``) is not in the
    stem but applied where it is mixed (``bus.fader``), so a level edit reuses the stem.
    The loudness is estimated
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

    def note(key: tuple) -> np.ndarray:
        pitch, length, glide_from = key
        sound = shape(
            name,
            pitched_note(
                name,
                setting.instrument,
                pitch,
                length,
                glide_from=glide_from,
                glide_s=grammar.bass.glide_beats * 60.0 / spec.bpm,
                drive=grammar.mix.drive,
            ),
        )
        if name in texture.tape_tracks:
            # Each note starts at its own point of the wow cycle.
            sound = tape(sound, texture, (pitch * 0.618 + length * 1e-4) % 1.0)
        return sound

    if name not in DRUM_TRACKS and events:
        # Longest first, so the notes of a pitch cut their bodies from one (held_body);
        # every sound is a function of its key alone, so the order changes no sample.
        keys = {(e.pitch, round(e.length_beats * spb), e.glide_from): None for e in events}
        with shared_bodies():
            for key in sorted(keys, key=lambda k: -k[1]):
                cache[key] = note(key)
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
            key = (event.pitch, round(event.length_beats * spb), event.glide_from)
        placed.append((round(event.start_beat * spb), key, event.velocity))
    loudness = _stem_loudness(placed, cache, geometry.work)
    if loudness <= -70.0:
        return
    target = REFERENCE_LUFS + grammar.mix.level_db(name)
    level = 10.0 ** ((target - loudness) / 20.0)
    scratch = np.empty(max((s.size for s in cache.values()), default=0), dtype=np.float32)
    for start, key, velocity in placed:
        _add(out, start, cache[key], velocity * level, scratch)


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
    mix = GRAMMARS[spec.genre].mix
    part = sampled_part(
        name,
        spec.tracks[name].instrument,
        arrangement.tracks[name],
        banks,
        seed=track_seed(spec.seed, name),
        samples_per_beat=geometry.samples_per_beat,
        tonic_pc=spec.key.pitch_class,
        kick_fifth=mix.kick_fifth,
    )
    for key, sound in part.sounds.items():
        cache[key] = shape(name, sound)
        if name in mix.texture.tape_tracks and key[0] == "note":
            # Each note starts at its own point of the wow cycle, as the synth notes do.
            cache[key] = tape(cache[key], mix.texture, (key[1] * 0.618 + key[2] * 1e-4) % 1.0)
    return part.placed
