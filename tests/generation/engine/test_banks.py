"""Sound banks: registry, licences, one-shot loading and variation, SoundFont rendering."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pytest
import soundfile

from generation.engine.banks import (
    INSTRUMENTS,
    BankMissing,
    BankRegistry,
    OneShotKit,
    SoundFontNote,
    hit_variation,
    load_oneshot,
    render_hits,
    render_notes,
    render_notes_by_sound,
    render_sounds,
)
from generation.engine.banks.oneshots import SAMPLE_RATE
from generation.engine.spec import SpecError

HERE = BankRegistry()
needs_samples = pytest.mark.skipif(
    "sonic-pi-samples" not in HERE.installed,
    reason="sonic-pi-samples is not installed here (make banks; CI installs it)",
)
needs_fluidr3 = pytest.mark.skipif(
    "fluidr3-gm" not in HERE.installed,
    reason="fluid-soundfont-gm is not installed here (make banks; CI installs it)",
)


def _write_flac(path: Path, freq: float, rate: int = SAMPLE_RATE, seconds: float = 0.3) -> None:
    t = np.arange(int(rate * seconds)) / rate
    tone = 0.5 * np.sin(2 * np.pi * freq * t) * np.exp(-t * 8)
    soundfile.write(path, np.stack([tone, 0.5 * tone], axis=1), rate, format="FLAC")


@pytest.fixture
def private_bank(tmp_path: Path) -> Path:
    """A SOUND_BANK_PATHS folder holding the acoustic kit's files and an Amen loop."""
    kit = INSTRUMENTS["acoustic-kit"]
    stems = {
        stem for voices in kit.pieces.values() for layers in voices.values() for stem in layers
    }
    for i, stem in enumerate(sorted(stems - {"drum_bass_hard", "drum_bass_soft"})):
        _write_flac(tmp_path / f"{stem}.flac", 300 + 50 * i)
    for stem, freq in [("drum_bass_hard", 60), ("drum_bass_soft", 90), ("loop_amen", 200)]:
        _write_flac(tmp_path / f"{stem}.flac", freq)
    return tmp_path


def _peak_hz(x: np.ndarray) -> float:
    """Frequency of the strongest FFT bin, refined by parabolic interpolation."""
    n = 1 << int(math.log2(x.size))
    mag = np.abs(np.fft.rfft(x[:n] * np.hanning(n)))
    k = int(np.argmax(mag[1:])) + 1
    a, b, c = np.log(mag[k - 1 : k + 2] + 1e-12)
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * SAMPLE_RATE / n


# --- registry ---------------------------------------------------------------------------


def test_missing_bank_names_it_and_how_to_install(tmp_path: Path) -> None:
    registry = BankRegistry(search_paths=[tmp_path], standard_paths=False)
    assert registry.installed == {}
    with pytest.raises(BankMissing) as caught:
        registry.kit_sample("acoustic-kit", "kick")
    message = str(caught.value)
    assert "'sonic-pi-samples' is not installed" in message
    assert "'acoustic-kit'" in message
    assert "make banks" in message and "apt-get install sonic-pi-samples" in message
    assert isinstance(caught.value, SpecError) and caught.value.field == "instrument"
    with pytest.raises(BankMissing, match="apt-get install fluid-soundfont-gm"):
        registry.soundfont("rhodes")


def test_search_path_bank_excludes_amen_and_is_versioned_by_content(private_bank: Path) -> None:
    registry = BankRegistry(search_paths=[private_bank], standard_paths=False)
    bank = registry.bank("sonic-pi-samples")
    names = [p.name for p in bank.files()]
    assert "drum_bass_hard.flac" in names and "drum_snare_hard.flac" in names
    assert "loop_amen.flac" not in names and (private_bank / "loop_amen.flac").is_file()
    with pytest.raises(KeyError, match="excluded"):
        bank.sample("loop_amen")
    assert bank.version.startswith("sha256:") and len(bank.version) == 7 + 16
    assert registry.kit_sample("acoustic-kit", "kick", layer=0).name == "drum_bass_soft.flac"
    # Changing a file changes the version: a spec records which bank content it used.
    _write_flac(private_bank / "drum_bass_hard.flac", 70)
    assert BankRegistry([private_bank], standard_paths=False).bank("sonic-pi-samples").version != (
        bank.version
    )


def test_dpkg_status_gives_the_package_version(tmp_path: Path) -> None:
    status = tmp_path / "status"
    status.write_text(
        "Package: other\nStatus: install ok installed\nVersion: 1\n\n"
        "Package: sonic-pi-samples\nStatus: install ok installed\nPriority: optional\n"
        "Version: 9.9-test\nDescription: samples\n continued line\n"
    )
    registry = BankRegistry(dpkg_status=status)
    if "sonic-pi-samples" not in registry.installed:
        pytest.skip("sonic-pi-samples is not installed here (make banks; CI installs it)")
    assert registry.bank("sonic-pi-samples").version == "deb:9.9-test"


@needs_samples
def test_installed_samples_exclude_amen_loops_and_cover_every_kit() -> None:
    bank = HERE.bank("sonic-pi-samples")
    names = [p.name for p in bank.files()]
    assert len(names) > 100
    assert not [n for n in names if n.startswith("loop_amen")]
    assert (bank.path / "loop_amen.flac").is_file()  # present on disk, still left out
    assert bank.version.startswith("deb:")
    kits = [inst for inst in INSTRUMENTS.values() if isinstance(inst, OneShotKit)]
    assert {k.name for k in kits} >= {"sampled-808", "acoustic-kit", "vintage-kit"}
    for kit in kits:
        assert {"kick", "snare", "hats"} <= set(kit.pieces)
        for track, voices in kit.pieces.items():
            for voice, layers in voices.items():
                for layer in range(len(layers)):
                    assert HERE.kit_sample(kit.name, track, voice, layer).is_file()
    assert HERE.kit_sample("acoustic-kit", "hats", "open").name == "drum_cymbal_open.flac"


@needs_fluidr3
def test_installed_soundfont_programs() -> None:
    path, program = HERE.soundfont("rhodes")
    assert path.name == "FluidR3_GM.sf2" and program.program == 4
    assert HERE.soundfont("sampled-strings")[1].program == 48
    assert {"grand-piano", "nylon-guitar", "vibraphone"} <= set(HERE.available())
    with pytest.raises(KeyError, match="one-shot kit"):
        HERE.soundfont("acoustic-kit")


# --- one-shots --------------------------------------------------------------------------


def test_oneshot_is_mono_float32_resampled_and_cached(tmp_path: Path) -> None:
    path = tmp_path / "tone48k.flac"
    _write_flac(path, 1000.0, rate=48000, seconds=0.5)
    sound = load_oneshot(path)
    assert sound.dtype == np.float32 and sound.ndim == 1
    assert sound.size == round(0.5 * SAMPLE_RATE)
    assert np.max(np.abs(sound)) == pytest.approx(1.0)
    assert _peak_hz(sound) == pytest.approx(1000.0, rel=0.002)
    assert load_oneshot(path) is sound
    assert not sound.flags.writeable


def test_hit_variations_are_seeded_per_hit() -> None:
    first = [hit_variation(7, "snare", i) for i in range(32)]
    assert first == [hit_variation(7, "snare", i) for i in range(32)]
    assert len({v.gain for v in first}) == 32
    assert len({(v.rate, v.cutoff_hz) for v in first}) > 4
    assert all(abs(1200 * math.log2(v.rate)) <= 12.0 for v in first)
    assert first != [hit_variation(8, "snare", i) for i in range(32)]
    assert first != [hit_variation(7, "kick", i) for i in range(32)]
    assert (
        hit_variation(7, "snare", 0, velocity=0.3).cutoff_hz
        < hit_variation(7, "snare", 0, velocity=1.0).cutoff_hz
    )


def test_render_hits_places_varied_hits_by_index(private_bank: Path) -> None:
    layers = [private_bank / "drum_bass_soft.flac", private_bank / "drum_bass_hard.flac"]
    starts, velocities = [0, 20000, 40000, 60000], [0.9, 0.9, 0.9, 0.2]
    track = render_hits(80000, starts, velocities, layers, seed=3, track="kick")
    again = render_hits(80000, starts, velocities, layers, seed=3, track="kick")
    assert track.dtype == np.float32 and track.shape == (80000,)
    assert track.tobytes() == again.tobytes()
    assert not track[14000:20000].any()  # hits stay where they were placed
    hits = [track[s : s + 8000] for s in starts]
    # Same sample, same velocity, different hit index → different sound.
    assert not np.array_equal(hits[0], hits[1])
    # The soft hit uses the soft layer (90 Hz), the hard ones the hard layer (60 Hz).
    assert np.max(np.abs(hits[3])) < 0.5 * np.max(np.abs(hits[0]))
    assert _peak_hz(hits[3]) == pytest.approx(90, abs=3)
    assert _peak_hz(hits[0]) == pytest.approx(60, abs=3)
    plain = render_hits(80000, starts, velocities, layers, seed=3, track="kick", vary=False)
    np.testing.assert_allclose(plain[:8000], 0.9 * load_oneshot(layers[1])[:8000], atol=1e-6)


# --- SoundFont --------------------------------------------------------------------------


@needs_fluidr3
def test_soundfont_render_is_deterministic_and_in_tune() -> None:
    path, program = HERE.soundfont("grand-piano")
    notes = [SoundFontNote(0.0, 1.0, 69, 0.8), SoundFontNote(1.2, 0.8, 60, 0.6)]
    first = render_notes(path, program.program, notes)
    second = render_notes(path, program.program, notes)
    assert first.dtype == np.float32 and first.ndim == 1
    assert first.size == round((2.0 + 1.5) * SAMPLE_RATE)
    assert hashlib.sha256(first.tobytes()).digest() == hashlib.sha256(second.tobytes()).digest()
    for start, pitch in ((0.05, 69), (1.25, 60)):
        segment = first[round(start * SAMPLE_RATE) : round((start + 0.7) * SAMPLE_RATE)]
        expected = 440.0 * 2 ** ((pitch - 69) / 12)
        assert abs(1200 * math.log2(_peak_hz(segment) / expected)) < 20
    # Silence before the first onset would mean a shifted part; the piano starts at once.
    assert np.max(np.abs(first[:1000])) > 1e-3
    stereo = render_notes(path, program.program, notes, stereo=True, length_s=1.0)
    assert stereo.shape == (2, SAMPLE_RATE)


@needs_fluidr3
def test_soundfont_programs_are_isolated_and_distinct() -> None:
    path, _ = HERE.soundfont("sampled-strings")
    notes = [SoundFontNote(0.0, 0.5, 64, 0.8)]
    strings = render_notes(path, 48, notes, length_s=1.0)
    piano = render_notes(path, 0, notes, length_s=1.0)
    assert not np.allclose(strings, piano)
    silent = render_notes(path, 48, [], length_s=0.5)
    assert silent.shape == (SAMPLE_RATE // 2,) and not silent.any()


@needs_fluidr3
def test_render_by_sound_matches_the_polyphonic_render() -> None:
    path, program = HERE.soundfont("rhodes")
    block_s = 64 / SAMPLE_RATE  # block-aligned onsets: both renderers start notes alike
    notes = [
        SoundFontNote(k * 640 * block_s, 280 * block_s, pitch, 0.7)
        for k in range(4)
        for pitch in (57, 60, 64)
    ]
    direct = render_notes(path, program.program, notes, length_s=4.0)
    by_sound = render_notes_by_sound(path, program.program, notes, length_s=4.0)
    assert by_sound.tobytes() == render_notes_by_sound(path, 4, notes, length_s=4.0).tobytes()
    assert by_sound.shape == direct.shape == (4 * SAMPLE_RATE,)
    residual = np.sqrt(np.mean((by_sound - direct) ** 2)) / np.sqrt(np.mean(direct**2))
    assert residual < 0.05


@needs_fluidr3
def test_render_sounds_are_each_the_same_whatever_came_before() -> None:
    path, program = HERE.soundfont("rhodes")
    a, b, c = (60, 90, 44100), (64, 90, 30000), (67, 50, 20000)
    first = render_sounds(path, program.program, [a, b, c])
    reordered = render_sounds(path, program.program, [c, a, b])
    alone = render_sounds(path, program.program, [b])
    assert first[0].tobytes() == reordered[1].tobytes()
    assert first[1].tobytes() == reordered[2].tobytes() == alone[0].tobytes()
    assert first[2].tobytes() == reordered[0].tobytes()
    # Held for the frames asked (to the next 64-frame block), then 1.5 s of release.
    assert first[0].size == 44160 + 64 * -(-round(1.5 * SAMPLE_RATE) // 64)
    assert first[2].max() < first[0].max()  # velocity 50 against 90
    assert abs(1200 * math.log2(_peak_hz(first[0][2000:30000]) / 261.63)) < 20
