"""Arrangements that move and seeds that differ: forms, builds, impacts, hat feels, the
core hook of short beats, seed overlap and repeated bars (notes only, so it stays fast)."""

from __future__ import annotations

import itertools
import statistics

import numpy as np
import pytest

from generation.engine import GENRES, arrange, default_spec
from generation.engine.arrange import plan_sections
from generation.engine.genres import GRAMMARS, SECTION_TRACKS
from generation.engine.presets import GENRE_DEFAULTS
from generation.engine.report.measure import DRUMS, bars_for_minutes
from generation.engine.report.patterns import (
    OnsetGrid,
    bar_patterns,
    note_keys,
    overlap,
    symbolic_twin_share,
)
from generation.engine.voices import SAMPLE_RATE, HitVariation, drum_hit

SEED_PAIRS = [(1, 2), (3, 4), (5, 9)]


def _three_minutes(genre: str, seed: int):
    return arrange(default_spec(genre, bars=bars_for_minutes(genre, 3.0), seed=seed))


def _groups(tracks: dict) -> dict[str, list[str]]:
    harmony = "chords" if tracks.get("chords") else "pad"
    return {"drums": [n for n in DRUMS if tracks.get(n)], "bass": ["bass"], "chords": [harmony]}


# Reggaeton is left out: its identity is the dembow over a four-on-the-floor kick, and
# every hat grid tried over it (open hats, shaker 16ths, a tresillo grid, pedal-hat 8ths)
# made librosa's beat tracker read 4/3 of the tempo, so its hats keep the plain 8ths (on
# a closed hat or a shaker) and its seeds share about 60 % of their drum notes
# (docs/engine.md; at most 60 % for seeds 1 and 2, test_reggaeton_seeds_differ_in_hat_voice).
@pytest.mark.parametrize("genre", [g for g in GENRES if g != "reggaeton"])
def test_two_seeds_of_a_spec_share_few_notes(genre):
    shares: dict[str, list[float]] = {"drums": [], "bass": [], "chords": []}
    for a, b in SEED_PAIRS:
        first, second = _three_minutes(genre, a), _three_minutes(genre, b)
        spec = first.spec
        grid = OnsetGrid(spec.bars * spec.beats_per_bar, spec.swing)
        for group, names in _groups(first.tracks).items():
            value = overlap(
                note_keys(first.tracks, names, grid), note_keys(second.tracks, names, grid)
            )
            shares[group].append(value)
    # On average over three seed pairs, at most 60 % of any group's notes (track, written
    # onset, pitch) are shared; bass and chords stay well under that.
    assert statistics.mean(shares["drums"]) <= 0.6, shares["drums"]
    assert statistics.mean(shares["bass"]) <= 0.45, shares["bass"]
    assert statistics.mean(shares["chords"]) <= 0.45, shares["chords"]


def test_reggaeton_seeds_differ_in_hat_voice_and_share_under_two_thirds():
    shares = []
    for a, b in SEED_PAIRS:
        first, second = _three_minutes("reggaeton", a), _three_minutes("reggaeton", b)
        spec = first.spec
        grid = OnsetGrid(spec.bars * spec.beats_per_bar, spec.swing)
        names = _groups(first.tracks)["drums"]
        shares.append(
            overlap(note_keys(first.tracks, names, grid), note_keys(second.tracks, names, grid))
        )
        voices = {n.voice for n in first.tracks["hats"]} | {n.voice for n in second.tracks["hats"]}
        assert "shaker" in voices  # some section of either seed plays the 8ths on a shaker
    assert shares[0] <= 0.6 and max(shares) <= 2 / 3, shares


@pytest.mark.parametrize("genre", GENRES)
def test_three_minutes_have_few_bars_that_repeat_another_note_for_note(genre):
    arrangement = _three_minutes(genre, 1)
    spec = arrangement.spec
    grid = OnsetGrid(spec.bars * spec.beats_per_bar, spec.swing)
    per_track = {
        name: bar_patterns(notes, spec.beats_per_bar, spec.bars, grid)
        for name, notes in arrangement.tracks.items()
        if notes
    }
    assert symbolic_twin_share(per_track) <= 0.5


@pytest.mark.parametrize("bars", [32, 40, 56, 64, 90, 130, 300])
@pytest.mark.parametrize("seed", range(12))
def test_every_form_fills_the_bars_and_ends_bridge_hook_outro(bars, seed):
    sections = plan_sections(default_spec("pop", bars=bars, seed=seed))
    assert sum(s.bars for s in sections) == bars
    assert all(s.bars > 0 for s in sections)
    assert all(a.end_bar == b.start_bar for a, b in itertools.pairwise(sections))
    names = [s.name for s in sections]
    assert names[0] == "intro" and names[-1] == "outro" and names[-2] == "hook"
    assert sections[0].bars == (8 if bars >= 64 else 4) and sections[-1].bars == 4
    if len(names) > 5:
        assert names[-3] == "bridge"
    # No two bridges in a row, no hook right before the last bridge.
    assert all(not (a == b == "bridge") for a, b in itertools.pairwise(names))


def test_seeds_choose_different_forms_but_short_beats_keep_theirs():
    forms = {
        tuple((s.name, s.bars) for s in plan_sections(default_spec("house", bars=96, seed=seed)))
        for seed in range(10)
    }
    assert len(forms) >= 3
    sixteen = {
        tuple((s.name, s.bars) for s in plan_sections(default_spec("house", bars=16, seed=seed)))
        for seed in range(10)
    }
    assert sixteen == {(("intro", 2), ("hook", 12), ("outro", 2))}


@pytest.mark.parametrize("genre", GENRES)
def test_every_hook_opens_with_a_crash_after_a_built_bar(genre):
    arrangement = arrange(default_spec(genre, bars=64, seed=3), humanize=False)
    per_bar = arrangement.beats_per_bar
    drums = GRAMMARS[genre].drums
    roller = "snare" if "snare" in GENRE_DEFAULTS[genre].enabled else "clap"
    hooks = [s for s in arrangement.sections if s.name == "hook" and s.start_bar > 0]
    assert hooks
    hats = arrangement.tracks["hats"]
    for hook in hooks:
        start = hook.start_bar * per_bar
        crashes = [e for e in hats if e.voice == "crash" and abs(e.start_beat - start) < 1e-9]
        assert len(crashes) == (1 if drums.impact else 0)
        before = arrangement.section_of_bar(hook.start_bar - 1)
        if before.name == "intro":
            continue  # the intro builds nothing
        risers = [
            e for e in hats if e.voice == "riser" and start - 2 * per_bar <= e.start_beat < start
        ]
        assert len(risers) == 1 and risers[0].start_beat + risers[0].length_beats == pytest.approx(
            start
        )
        if roller not in SECTION_TRACKS[before.name]:
            continue  # a bridge without drums builds with the riser alone
        # The roll: 16ths over the second half of the bar before, rising to full velocity.
        roll = [
            e for e in arrangement.tracks[roller] if start - per_bar / 2 <= e.start_beat < start
        ]
        assert len(roll) >= 8
        velocities = [e.velocity for e in roll]
        # From a ghost to full velocity (a backbeat inside the roll keeps its accent).
        assert min(velocities) < 0.6 and velocities[-1] == pytest.approx(1.0)
        assert velocities[-2:] == sorted(velocities[-2:])


@pytest.mark.parametrize("genre", ["trap", "drill", "house", "afrobeats"])
def test_long_beats_change_hat_feel_between_sections(genre):
    voices, triplets = set(), 0
    for seed in range(1, 5):
        arrangement = arrange(default_spec(genre, bars=96, seed=seed), humanize=False)
        for event in arrangement.tracks["hats"]:
            voices.add(event.voice)
            sixteenths = event.start_beat * 4
            triplets += abs(sixteenths - round(sixteenths)) > 1e-6 and event.length_beats > 0.07
    feels = set(GRAMMARS[genre].drums.hat_feels)
    if feels & {"ride", "shaker", "pedal"}:
        assert voices & {"ride", "shaker", "pedal"}
    if feels & {"triplet", "sextuplet"}:
        assert triplets > 0


def test_split_hats_put_the_notes_between_the_pulse_on_the_pedal_hat():
    # House hats are 16ths: a split bar plays closed hats on the 8ths and pedal hats on
    # the "e" and "a" (the pedal feel has no closed hat at all).
    split_bars = 0
    for seed in range(1, 5):
        arrangement = arrange(default_spec("house", bars=96, seed=seed), humanize=False)
        steps = arrangement.steps_per_bar
        by_bar: dict[int, list] = {}
        for event in arrangement.tracks["hats"]:
            if event.voice in ("closed", "pedal") and event.step >= 0:
                by_bar.setdefault(event.step // steps, []).append(event)
        for events in by_bar.values():
            if {e.voice for e in events} != {"closed", "pedal"}:
                continue
            split_bars += 1
            assert all(e.step % 2 == 1 for e in events if e.voice == "pedal")
    assert split_bars >= 8


@pytest.mark.parametrize("genre", ["drum-and-bass", "afrobeats", "house"])
def test_downbeat_octaves_lift_the_first_bass_note_only_where_the_genre_has_them(genre):
    share = GRAMMARS[genre].bass.downbeat_octaves
    top = GRAMMARS[genre].bass.register[1]
    lifted = bars = 0
    for seed in range(1, 4):
        arrangement = arrange(default_spec(genre, bars=64, seed=seed), humanize=False)
        per_bar = arrangement.beats_per_bar
        firsts: dict[int, int] = {}
        for note in arrangement.tracks["bass"]:
            firsts.setdefault(int(note.start_beat // per_bar), note.pitch)
        bars += len(firsts)
        lifted += sum(pitch > top for pitch in firsts.values())
    if share:
        assert 0.1 * bars <= lifted <= 0.8 * bars
    else:
        assert lifted == 0


@pytest.mark.parametrize("genre", GENRES)
def test_short_beats_and_loops_keep_the_genres_core_grids(genre):
    drums = GRAMMARS[genre].drums
    for spec in (
        default_spec(genre, bars=8, seed=11),
        default_spec(genre, bars=4, seed=12).with_changes(loop=True),
    ):
        arrangement = arrange(spec, humanize=False)
        allowed = {step for grid in drums.kick[:2] for step, char in enumerate(grid) if char != "."}
        per_bar = arrangement.beats_per_bar
        for event in arrangement.tracks["kick"]:
            step = round((event.start_beat % per_bar) * 4, 6)
            if step.is_integer() and spec.meter == "4/4":
                assert int(step) in allowed or spec.swing  # swing moves odd steps
        assert not [e for e in arrangement.tracks.get("hats", ()) if e.voice in ("crash", "riser")]


@pytest.mark.parametrize("voice", ["crash", "riser", "ride", "shaker", "pedal"])
@pytest.mark.parametrize("instrument", ["closed", "808"])
def test_hat_extras_are_clean_one_shots(voice, instrument):
    one, other = (
        drum_hit("hats", instrument, voice, hit=HitVariation.draw(5, index, cents=25.0))
        for index in (0, 1)
    )
    for sound in (one, other):
        assert np.isfinite(sound).all()
        assert np.abs(sound).max() == pytest.approx(1.0, abs=1e-3)
        # Ends in silence (a fade or a full decay, no cut).
        assert np.abs(sound[-32:]).max() < 2e-2 and abs(float(sound[-1])) < 1e-3
    assert not np.array_equal(one[: min(one.size, other.size)], other[: min(one.size, other.size)])
    if voice == "riser":
        # A riser swells: its last quarter is louder than its first and brighter.
        quarter = one.size // 4
        assert np.sqrt(np.mean(one[-quarter:] ** 2)) > 4 * np.sqrt(np.mean(one[:quarter] ** 2))
        assert one.size == pytest.approx(1.5 * SAMPLE_RATE, rel=0.05)


@pytest.mark.parametrize("genre", GENRES)
def test_the_worst_of_fifteen_seed_pairs_shares_at_most_60_percent_of_its_chords(genre):
    # Every pair of seeds 1-6: the pad's figure (held, re-struck per bar or half bar; on,
    # before or after the bar line) is drawn per section, so two seeds that pick one
    # progression still part (drill and techno shared 88-94 % of pad notes before).
    arrangements = {seed: _three_minutes(genre, seed) for seed in range(1, 7)}
    spec = arrangements[1].spec
    grid = OnsetGrid(spec.bars * spec.beats_per_bar, spec.swing)
    names = _groups(arrangements[1].tracks)["chords"]
    shares = [
        overlap(
            note_keys(arrangements[a].tracks, names, grid),
            note_keys(arrangements[b].tracks, names, grid),
        )
        for a, b in itertools.combinations(range(1, 7), 2)
    ]
    assert max(shares) <= 0.6, shares


def test_pad_notes_of_one_pitch_never_overlap():
    for seed in range(1, 7):
        pad = arrange(default_spec("techno", bars=96, seed=seed)).tracks["pad"]
        ends: dict[int, float] = {}
        for note in sorted(pad, key=lambda n: n.start_beat):
            assert note.start_beat >= ends.get(note.pitch, -1.0) - 1e-9, (seed, note)
            ends[note.pitch] = note.start_beat + note.length_beats
