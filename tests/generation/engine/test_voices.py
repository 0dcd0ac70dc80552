"""Voices one by one: every note releases without a click, reads as its written pitch,
drum hits vary hit to hit, kicks sit on the key and basses carry harmonics."""

from __future__ import annotations

import numpy as np
import pytest

from generation.engine.dsp.held import shared_bodies
from generation.engine.dsp.theory import midi_to_hz
from generation.engine.voices import (
    DRUM_VOICES,
    PITCHED_VOICES,
    SAMPLE_RATE,
    HitVariation,
    drum_hit,
    kick_pitch_hz,
    pitched_note,
)

PITCHED = [(track, name) for track, names in PITCHED_VOICES.items() for name in names]
WRITTEN = {"bass": 36, "chords": 60, "melody": 69, "pad": 57}  # C2, C4, A4, A3


def _cents(found: float, wanted: float) -> float:
    return 1200.0 * np.log2(found / wanted)


def _peak_hz(audio: np.ndarray, low: float, high: float) -> float:
    window = np.hanning(audio.size)
    spectrum = np.abs(np.fft.rfft(audio * window, n=1 << 18))
    freqs = np.fft.rfftfreq(1 << 18, 1.0 / SAMPLE_RATE)
    band = (freqs >= low) & (freqs <= high)
    return float(freqs[band][np.argmax(spectrum[band])])


@pytest.mark.parametrize(("track", "instrument"), PITCHED)
def test_every_note_releases_to_silence_without_a_click(track, instrument):
    held = int(0.3 * SAMPLE_RATE)
    note = pitched_note(track, instrument, WRITTEN[track], held)
    assert note.size > held, "a note needs a release after its held part"
    peak = np.abs(note).max()
    assert abs(note[-1]) < 1e-3 * peak
    # The last 5 ms move no more per sample than the note does at its loudest.
    tail_step = np.abs(np.diff(note[-220:])).max()
    assert tail_step <= np.abs(np.diff(note)).max()
    assert tail_step < 0.05 * peak


@pytest.mark.parametrize(("track", "instrument"), PITCHED)
def test_every_voice_reads_as_the_written_pitch(track, instrument):
    pitch = WRITTEN[track]
    wanted = midi_to_hz(pitch)
    note = pitched_note(track, instrument, pitch, int(0.6 * SAMPLE_RATE))
    # The strongest partial from a fifth below to two octaves above the written pitch is
    # the fundamental: nothing an octave up (or a sideband) reads as a second pitch.
    found = _peak_hz(note, wanted / 1.5, wanted * 4.0)
    assert abs(_cents(found, wanted)) < 35, f"{track}/{instrument}: {found:.1f} Hz"


@pytest.mark.parametrize("instrument", ["808", "sub"])
def test_basses_carry_harmonics_a_phone_can_play(instrument):
    note = pitched_note("bass", instrument, 29, int(0.8 * SAMPLE_RATE), drive=2.5)  # F1
    spectrum = np.abs(np.fft.rfft(note)) ** 2
    freqs = np.fft.rfftfreq(note.size, 1.0 / SAMPLE_RATE)
    above = spectrum[freqs > 200].sum() / spectrum.sum()
    assert above > (0.01 if instrument == "sub" else 0.02)


@pytest.mark.parametrize(
    ("track", "instrument"), [(t, n) for t, ns in DRUM_VOICES.items() for n in ns]
)
def test_round_robin_hits_differ_but_replay_exactly(track, instrument):
    voice = {"hats": "closed", "perc": "low"}.get(track, "")
    first, second = (HitVariation.draw(99, k, cents=25.0) for k in (1, 2))
    a = drum_hit(track, instrument, voice, hit=first)
    b = drum_hit(track, instrument, voice, hit=second)
    assert a.tobytes() == drum_hit(track, instrument, voice, hit=first).tobytes()
    n = min(a.size, b.size, int(0.08 * SAMPLE_RATE))
    correlation = float(np.dot(a[:n], b[:n]) / np.sqrt(np.dot(a[:n], a[:n]) * np.dot(b[:n], b[:n])))
    assert correlation < 0.995, f"{track}/{instrument} hits are the same waveform"
    assert abs(a[-1]) < 1e-3 and abs(b[-1]) < 1e-3


def test_soft_hits_are_darker_than_hard_ones():
    hard = drum_hit("snare", "acoustic")
    soft = drum_hit("snare", "acoustic", hit=HitVariation(soft=True))

    def centroid(x: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(x))
        return float((np.fft.rfftfreq(x.size, 1 / SAMPLE_RATE) * spectrum).sum() / spectrum.sum())

    assert centroid(soft) < 0.85 * centroid(hard)


@pytest.mark.parametrize("tonic", range(12))
@pytest.mark.parametrize("instrument", DRUM_VOICES["kick"])
def test_kicks_settle_on_the_tonic_of_any_key(instrument, tonic):
    hz = kick_pitch_hz(instrument, tonic)
    midi = 69 + 12 * np.log2(hz / 440.0)
    assert round(midi) % 12 == tonic and abs(midi - round(midi)) < 1e-6
    kick = drum_hit("kick", instrument, kick_hz=hz)
    tail = kick[int(0.06 * SAMPLE_RATE) :]  # after the sweep, the body rings at its pitch
    found = _peak_hz(tail, 25.0, 200.0)
    assert abs(_cents(found, hz)) < 60, f"{instrument} in pc {tonic}: {found:.1f} vs {hz:.1f}"


@pytest.mark.parametrize(("track", "name"), PITCHED)
def test_notes_sharing_a_body_are_byte_identical_to_notes_rendered_alone(track, name):
    # Inside shared_bodies each note of the pitch is cut from the longest body made so far
    # (a longer note makes a new one): every note must come out exactly as alone.
    pitch = WRITTEN[track]
    lengths = (4_410, 30_000, 17_001)
    alone = [pitched_note(track, name, pitch, n) for n in lengths]
    with shared_bodies():
        shared = [pitched_note(track, name, pitch, n) for n in lengths]
    for one, other in zip(alone, shared, strict=True):
        assert one.dtype == other.dtype
        assert np.array_equal(one, other)
