"""Section, groove, palette and fill plans of a beat."""

from __future__ import annotations

import numpy as np

from ..genres import GRAMMARS
from ..spec import BeatSpec
from .drums import HAT_MASKS
from .model import Section, _rng


def plan_sections(spec: BeatSpec) -> tuple[Section, ...]:
    """The spec's sections, or a verse/hook structure sized to the length.

    Loops and beats shorter than 16 bars are one hook. Longer beats get an intro (2 bars
    under 32 bars, 4 under 64, else 8), verses and hooks in one of the seed's forms
    (see ``_body_form``), a bridge before the last hook (from four body sections on), and
    an outro (2 bars under 32, else 4); leftover bars lengthen the last hook.
    """
    if spec.sections:
        plan, bar = [], 0
        for s in spec.sections:
            plan.append(Section(s.name, bar, s.bars))
            bar += s.bars
        return tuple(plan)
    if spec.loop or spec.bars < 16:
        return (Section("hook", 0, spec.bars),)
    # Short beats are mostly body: 2 + 2 bars of intro and outro under 32 bars.
    intro = 8 if spec.bars >= 64 else (4 if spec.bars >= 32 else 2)
    outro = 4 if spec.bars >= 32 else 2
    body = spec.bars - intro - outro
    count = max(1, body // 8)
    names, units = _body_form(count, _rng(spec.seed, "sections"))
    lengths = [8 * u for u in units]
    lengths[-1] += body - sum(lengths)
    plan = [Section("intro", 0, intro)]
    bar = intro
    for name, length in zip(names, lengths, strict=True):
        plan.append(Section(name, bar, length))
        bar += length
    plan.append(Section("outro", bar, outro))
    return tuple(plan)


# Body forms in 8-bar units, drawn per seed (MUSIC.md: verse 8-16, hook 8): which of verse
# and hook opens and how long each runs, so two seeds of a spec differ in their layout.
_FORMS: tuple[tuple[tuple[str, int], ...], ...] = (
    (("hook", 1), ("verse", 1)),
    (("verse", 1), ("hook", 1)),
    (("verse", 2), ("hook", 1)),
    (("hook", 1), ("verse", 2)),
    (("verse", 1), ("hook", 2)),
)


def _body_form(count: int, rng: np.random.Generator) -> tuple[list[str], list[int]]:
    """Section names and lengths (8-bar units) filling ``count`` units of body.

    One or two units are a hook (after a verse when there are two); three are hook,
    verse, hook or verse, hook x2; from four on, the seed's form repeats up to a bridge and
    the last hook, and every third verse of a long beat breaks down to a bridge.
    """
    if count <= 2:
        names = ["verse", "hook"][-count:]
        return names, [1] * len(names)
    if count == 3:
        if rng.random() < 0.5:
            return ["hook", "verse", "hook"], [1, 1, 1]
        return ["verse", "hook"], [1, 2]
    form = _FORMS[int(rng.integers(len(_FORMS)))]
    names: list[str] = []
    units: list[int] = []
    room = count - 2
    while room > 0:
        name, length = form[len(names) % len(form)]
        units.append(min(length, room))
        names.append(name)
        room -= units[-1]
    tail = 1
    if names[-1] == "hook" and len(names) > 1:
        # The body before the bridge ends on a verse, so that the bridge does not sit
        # between two hooks: a trailing hook doubles the last hook instead.
        extra = units.pop()
        names.pop()
        tail += min(1, extra)
        units[-1] += extra - min(1, extra)  # the rest joins the verse before it
    # Long beats break every third verse down to a bridge (never the verse just before
    # the last bridge), so minutes never repeat.
    verses = [i for i, name in enumerate(names) if name == "verse"][:-1]
    for i in verses[2::3]:
        names[i] = "bridge"
    return [*names, "bridge", "hook"], [*units, 1, tail]


def _plan_groove(spec: BeatSpec, sections: tuple[Section, ...]) -> tuple[int, ...]:
    """A variant index per bar: A A' A B phrases whose choices differ phrase to phrase."""
    rng = _rng(spec.seed, "groove")
    groove: list[int] = []
    for section in sections:
        for bar in range(section.bars):
            position = bar % 4
            if position == 0:
                phrase = [0, int(rng.integers(2)), 0, 1 + int(rng.integers(3))]
            groove.append(phrase[position])
    return tuple(groove)


def _plan_palette(spec: BeatSpec) -> dict[str, int]:
    """Per-seed choices every track may read: which variant leads each pattern pool,
    the hat masks of verse and hook, and the chord register. Drawn from the seed only,
    so two seeds differ in their grooves, not just in their melodies."""
    rng = _rng(spec.seed, "palette")
    palette = {
        "perc": int(rng.integers(8)),
        "bass": int(rng.integers(8)),
        "chords": int(rng.integers(8)),
        "hats_verse": int(rng.integers(len(HAT_MASKS))),
        "hats_hook": int(rng.integers(len(HAT_MASKS))),
        "chord_shift": int(rng.choice([-3, 0, 2, 4])),
    }
    # Drawn after the older choices so that those stay what they were for a seed.
    palette.update(
        kick=int(rng.integers(8)),
        snare=int(rng.integers(8)),
        clap=int(rng.integers(8)),
        hats_open=int(rng.integers(8)),
        hats_feel=int(rng.integers(1 << 16)),
        bass_contour=int(rng.integers(1 << 16)),
        chord_spread=int(rng.integers(2)),
        pad_shift=int(rng.choice([-4, -2, 0, 3, 5])),
        pad_rhythm=int(rng.integers(3)),
        harmonic_rhythm=int(rng.integers(8)),
    )
    palette.update(bass_downbeats=int(rng.integers(1 << 8)))
    return palette


def _plan_fills(spec: BeatSpec, sections: tuple[Section, ...]) -> tuple[frozenset[str], ...]:
    """The fills at the end of each bar: the genre's phrase fills every 8th bar and at a
    section's end, its bar fills every 4th, a build and a kick drop before a hook. Long
    beats add a small fill (a bar fill, never a kick drop) on the second bar of some
    phrases, where the seed chooses, so two seeds' fills fall on different bars."""
    grammar = GRAMMARS[spec.genre].drums
    rng = _rng(spec.seed, "fills")
    extra = tuple(f for f in grammar.bar_fills or grammar.phrase_fills if f != "kick-drop")
    seeded = spec.bars >= 16 and not spec.loop and not spec.sections
    fills: list[frozenset[str]] = []
    for index, section in enumerate(sections):
        following = sections[index + 1].name if index + 1 < len(sections) else ""
        for bar in range(section.bars):
            kinds: set[str] = set()
            count = bar + 1
            last = count == section.bars
            if section.bars >= 4 and (count % 8 == 0 or (last and count % 4 == 0)):
                kinds.update(grammar.phrase_fills)
            elif section.bars >= 4 and count % 4 == 0:
                kinds.update(grammar.bar_fills)
            elif seeded and section.bars >= 8 and count % 4 == 2 and rng.random() < 0.4:
                kinds.update(extra)
            if last and following in ("hook", "drop"):
                kinds.add("kick-drop")
                if section.bars >= 2:
                    kinds.add("build")  # the bar before a hook builds into it
            fills.append(frozenset(kinds))
    return tuple(fills)
