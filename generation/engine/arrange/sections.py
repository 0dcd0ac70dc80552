"""Section, groove, palette and fill plans of a beat."""

from __future__ import annotations

from ..genres import GRAMMARS
from ..spec import BeatSpec
from .drums import HAT_MASKS
from .model import Section, _rng


def plan_sections(spec: BeatSpec) -> tuple[Section, ...]:
    """The spec's sections, or a verse/hook structure sized to the length.

    Loops and beats shorter than 16 bars are one hook. Longer beats get an intro (2 bars
    under 32 bars, 4 under 64, else 8), 8-bar verses and hooks alternating, a bridge
    before the last hook (from four body sections on), and an outro (2 bars under 32,
    else 4); leftover bars lengthen the last hook.
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
    if count <= 2:
        names = ["verse", "hook"][-count:]
    elif count == 3:
        names = ["hook", "verse", "hook"]  # hook first, as trap and pop often open
    else:
        # Alternate verse and hook, then a bridge and the last hook; never end on a verse.
        lead = count - 2
        names = [("hook", "verse")[(lead - i) % 2] for i in range(lead)] + ["bridge", "hook"]
        # Long beats break every third verse down to a bridge so minutes never repeat.
        verses = [i for i, name in enumerate(names) if name == "verse"]
        for i in verses[2::3]:
            names[i] = "bridge"
    lengths = [8] * len(names)
    lengths[-1] += body - 8 * len(names)
    plan = [Section("intro", 0, intro)]
    bar = intro
    for name, length in zip(names, lengths, strict=True):
        plan.append(Section(name, bar, length))
        bar += length
    plan.append(Section("outro", bar, outro))
    return tuple(plan)


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
    return {
        "perc": int(rng.integers(8)),
        "bass": int(rng.integers(8)),
        "chords": int(rng.integers(8)),
        "hats_verse": int(rng.integers(len(HAT_MASKS))),
        "hats_hook": int(rng.integers(len(HAT_MASKS))),
        "chord_shift": int(rng.choice([-3, 0, 2, 4])),
    }


def _plan_fills(spec: BeatSpec, sections: tuple[Section, ...]) -> tuple[frozenset[str], ...]:
    grammar = GRAMMARS[spec.genre].drums
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
            if last and following in ("hook", "drop"):
                kinds.add("kick-drop")
            fills.append(frozenset(kinds))
    return tuple(fills)
