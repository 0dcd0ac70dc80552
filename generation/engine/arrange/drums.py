"""Drum tracks: grid drums (kick, snare, clap, perc), hats with masks and rolls."""

from __future__ import annotations

import numpy as np

from ..presets import GENRE_DEFAULTS
from .context import _CHAR_VELOCITY, _Context, _Humanizer, _optional_probability
from .model import NoteEvent

_GM = {
    ("kick", ""): 36,
    ("snare", ""): 38,
    ("snare", "rim"): 37,
    ("clap", ""): 39,
    ("hats", "closed"): 42,
    ("hats", "open"): 46,
    ("hats", "shaker:closed"): 70,
    ("hats", "shaker:open"): 70,
    ("hats", "ride:closed"): 51,
    ("hats", "ride:open"): 53,
    ("perc", "conga:low"): 64,
    ("perc", "conga:high"): 63,
    ("perc", "shaker"): 70,
    ("perc", "cowbell"): 56,
    ("perc", "log-drum:low"): 45,
    ("perc", "log-drum:high"): 47,
    ("perc", "tom:low"): 45,
    ("perc", "tom:high"): 50,
    ("perc", "rim"): 37,
}


def gm_drum_note(track: str, instrument: str, voice: str) -> int:
    """The General MIDI percussion note for a drum track's instrument and voice."""
    for key in ((track, f"{instrument}:{voice}"), (track, instrument), (track, voice), (track, "")):
        if key in _GM:
            return _GM[key]
    return {"hats": 42, "perc": 64}.get(track, 36)


def _grid_drum(
    ctx: _Context, rng: np.random.Generator, track: str, grids: tuple[str, ...]
) -> list[NoteEvent]:
    spec = ctx.spec
    setting = spec.tracks[track]
    human = _Humanizer(rng, ctx, 0.5 if track == "kick" else 1.0)
    optional = _optional_probability(spec, track)
    events: list[NoteEvent] = []
    for bar in range(spec.bars):
        if not ctx.active(track, bar):
            continue
        grid = ctx.fit(grids[ctx.variant(track, bar, len(grids))])
        fills = ctx.fills[bar]
        last_beat = ctx.steps - 4
        for step, char in enumerate(grid):
            if char == ".":
                continue
            if char == "g" and rng.random() >= optional:
                continue
            if track == "kick" and "kick-drop" in fills and step >= last_beat:
                continue
            if track == "snare" and "snare-roll" in fills and step >= last_beat:
                continue  # the roll replaces the last beat
            voice = {"x": "low", "o": "high", "g": "low"}[char] if track == "perc" else ""
            if track == "perc" and "perc-roll" in fills and step >= last_beat:
                continue
            velocity = human.velocity(_CHAR_VELOCITY[char])
            pitch = gm_drum_note(track, setting.instrument, voice)
            events.append(
                NoteEvent(
                    human.time(ctx.beat(bar, step)),
                    0.25,
                    pitch,
                    velocity,
                    voice,
                    step=bar * ctx.steps + step,
                )
            )
        roll = (track == "snare" and "snare-roll" in fills) or (
            track == "perc" and "perc-roll" in fills
        )
        if roll:
            voice = "high" if track == "perc" else ""
            pitch = gm_drum_note(track, setting.instrument, voice)
            count = 4 if rng.random() < 0.5 else 6
            for i in range(count):
                step = last_beat + 4 * i / count
                velocity = human.velocity(0.4 + 0.55 * i / (count - 1))
                nominal = bar * ctx.steps + int(step) if float(step).is_integer() else -1
                events.append(
                    NoteEvent(
                        human.time(ctx.beat(bar, step)), 0.125, pitch, velocity, voice, step=nominal
                    )
                )
    return events


def _kick(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    return _grid_drum(ctx, rng, "kick", ctx.grammar.drums.kick)


def _snare(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    return _grid_drum(ctx, rng, "snare", ctx.grammar.drums.snare)


def _clap(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    return _grid_drum(ctx, rng, "clap", ctx.grammar.drums.clap)


def _perc(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    return _grid_drum(ctx, rng, "perc", ctx.grammar.drums.perc)


# Bar masks over the hats' 16th steps: "x" keeps a hat that the rate places there, "."
# drops it (never on the beat), "+" adds a 16th the rate would not play.
HAT_MASKS: tuple[str, ...] = (
    "xxxxxxxxxxxxxxxx",  # straight
    "x.x.x.x.x.x.x.x+",  # eighths with a pickup into the next bar
    "x.xxx.xxx.xxx.xx",  # gallop
    "xxx.xxx.xxx.xx+x",  # skip on the "a"
    "x.x+x.x.x.x+x.x.",  # eighths with doubled "and"s
    "x.x.xxx.x.x.xxx.",  # eighths with a 16th run into beats 2 and 4
)


def _hat_bar(
    ctx: _Context, rng: np.random.Generator, bar: int, positions: list[float], masked: bool
) -> tuple[list[float], set[float]]:
    """This bar's hat positions and extra open hats.

    The verse and the hook each play their own mask (chosen per seed, moving on by one
    each time the section returns); the third bar of
    every four borrows the next mask, and the second bar may stutter (a 32nd double) or
    open the hat on the last "and": something small changes every bar or two.
    """
    section = ctx.section(bar)
    name = section.name
    mask_index = ctx.palette.get("hats_hook" if name in ("hook", "drop") else "hats_verse", 0)
    # Each return of a section moves on to the next mask: the second hook is not a copy
    # of the first.
    mask_index += sum(1 for s in ctx.sections if s.name == name and s.start_bar < section.start_bar)
    phrase = (bar - ctx.section(bar).start_bar) % 4
    if phrase == 2:
        mask_index += 1
    steps = list(positions)
    opens: set[float] = set()
    if masked:
        mask = ctx.fit(HAT_MASKS[mask_index % len(HAT_MASKS)])
        kept = [p for p in steps if not float(p).is_integer() or p % 4 == 0 or mask[int(p)] != "."]
        added = [float(i) for i, c in enumerate(mask) if c == "+" and float(i) not in kept]
        steps = sorted(kept + added)
    if phrase == 1:
        choice = rng.random()
        offbeats = [p for p in steps if float(p).is_integer() and p % 4 == 2]
        if choice < 0.5 and offbeats:
            stutter = float(offbeats[int(rng.integers(len(offbeats)))])
            steps = sorted({*steps, stutter + 0.5})
        elif offbeats:
            opens.add(float(offbeats[-1]))
    return steps, opens


def _hats(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    spec = ctx.spec
    setting = spec.tracks["hats"]
    drums = ctx.grammar.drums
    human = _Humanizer(rng, ctx)
    rate = setting.rate or GENRE_DEFAULTS[spec.genre].hats_rate
    if drums.hats_grid and rate == GENRE_DEFAULTS[spec.genre].hats_rate:
        positions = [float(i) for i, c in enumerate(ctx.fit(drums.hats_grid)) if c != "."]
    else:
        spacing = 16.0 / rate  # rate counts notes per 4/4 bar, i.e. per whole note
        positions = [i * spacing for i in range(int(np.ceil(ctx.steps / spacing - 1e-9)))]
    at_default = rate == GENRE_DEFAULTS[spec.genre].hats_rate
    open_grid = ctx.fit(drums.hats_open)
    keep = float(np.clip(0.5 + setting.density, 0.0, 1.0))
    closed = gm_drum_note("hats", setting.instrument, "closed")
    opened = gm_drum_note("hats", setting.instrument, "open")
    events: list[NoteEvent] = []
    for bar in range(spec.bars):
        if not ctx.active("hats", bar):
            continue
        rolling = "hat-roll" in ctx.fills[bar]
        roll_start = ctx.steps - (4 if rng.random() < 0.6 else 2)
        bar_positions, extra_opens = _hat_bar(
            ctx, rng, bar, positions, at_default and not drums.hats_grid
        )
        for step in bar_positions:
            if rolling and step >= roll_start:
                continue
            on_beat = step % 4 == 0
            if not on_beat and keep < 1.0 and rng.random() >= keep:
                continue
            integral = float(step).is_integer()
            is_open = integral and (open_grid[int(step)] == "o" or step in extra_opens)
            accent = 1.0 if on_beat else (0.62 if step % 2 == 0 else 0.42)
            events.append(
                NoteEvent(
                    human.time(ctx.beat(bar, step)),
                    0.5 if is_open else 0.125,
                    opened if is_open else closed,
                    human.velocity(accent * (1.05 if is_open else 1.0)),
                    "open" if is_open else "closed",
                    step=bar * ctx.steps + int(step) if integral else -1,
                )
            )
        if rolling:
            per_beat = 8 if rng.random() < 0.5 else 6  # 32nds or 16th triplets
            count = (ctx.steps - roll_start) * per_beat // 4
            for i in range(count):
                step = roll_start + 4.0 * i / per_beat
                integral = float(step).is_integer()
                events.append(
                    NoteEvent(
                        human.time(ctx.beat(bar, step)),
                        0.0625,
                        closed,
                        human.velocity(0.45 + 0.45 * i / max(1, count - 1)),
                        "closed",
                        step=bar * ctx.steps + int(step) if integral else -1,
                    )
                )
    return events
