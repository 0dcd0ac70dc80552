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
    # The "closed" instrument's open voice is still the open hat (the lookup would
    # otherwise stop at the instrument's own name and write 42).
    ("hats", "closed:open"): 46,
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


# Voices every hats instrument has besides closed/open: the ride, shaker and pedal-hat
# feels, the impact on a hook's downbeat and the riser into it (crash 49, ride 51,
# shaker 70, pedal hat 44, splash 55 as the riser).
_HAT_EXTRAS = {"ride": 51, "crash": 49, "riser": 55, "shaker": 70, "pedal": 44}


def gm_drum_note(track: str, instrument: str, voice: str) -> int:
    """The General MIDI percussion note for a drum track's instrument and voice."""
    if track == "hats" and voice in _HAT_EXTRAS:
        return _HAT_EXTRAS[voice]
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
            building = "build" in fills and track == _build_track(spec.genre)
            if building and "snare" in ctx.grammar.drums.builds and step >= ctx.steps // 2:
                continue  # the build's roll replaces the second half of the bar
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
        if (
            "build" in fills
            and track == _build_track(spec.genre)
            and "snare" in ctx.grammar.drums.builds
        ):
            events.extend(_build_roll(ctx, human, track, setting.instrument, bar, grid))
            continue
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


def _build_track(genre: str) -> str:
    """The track that plays the build roll: the snare, or the clap where the genre's
    defaults have no snare (a genre default, never another track's setting, so that
    editing one track leaves the others' notes alone)."""
    return "snare" if "snare" in GENRE_DEFAULTS[genre].enabled else "clap"


def _build_roll(
    ctx: _Context, human: _Humanizer, track: str, instrument: str, bar: int, grid: str
) -> list[NoteEvent]:
    """A 16th-note roll over the second half of the bar before a hook, rising from a
    ghost to full velocity; its last 16ths double into 32nds. A backbeat the bar's grid
    has inside the roll (trap's snare on 3) keeps its full velocity."""
    pitch = gm_drum_note(track, instrument, "")
    events = []
    half = ctx.steps // 2
    steps = [float(i) for i in range(half, ctx.steps - 2)] + [
        ctx.steps - 2 + i / 2 for i in range(4)
    ]
    for i, step in enumerate(steps):
        ramp = 0.3 + 0.7 * i / (len(steps) - 1)
        integral = float(step).is_integer()
        if integral and grid[int(step)] in "xo":
            ramp = max(ramp, _CHAR_VELOCITY[grid[int(step)]])
        velocity = human.velocity(ramp)
        nominal = bar * ctx.steps + int(step) if integral else -1
        events.append(
            NoteEvent(human.time(ctx.beat(bar, step)), 0.125, pitch, velocity, step=nominal)
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
    "xx.xxx.xxx.xxx.x",  # the "and"s left out: "1 e . a" per beat
    "x..xx..xx..xx..x",  # the beat and its "a" (a shuffle under the open hats)
    "xxx.x.xxxxx.x.xx",  # 16ths on beats 1 and 3, 8ths on 2 and 4
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
    # Each return of a section moves on by its own seeded step (never zero): the second
    # hook is not a copy of the first, and two seeds that start on one mask part after
    # the first section instead of stepping through the pool together.
    mask_index += ctx.section_step("hat-mask", section, len(HAT_MASKS))
    mask_index += ctx.block_step("hat-mask", bar, len(HAT_MASKS))
    phrase = (bar - ctx.section(bar).start_bar) % 4
    if phrase == 2:
        mask_index += 1
    steps = list(positions)
    opens: set[float] = set()
    if masked:
        mask = ctx.fit(HAT_MASKS[mask_index % len(HAT_MASKS)])
        # A mask drops an "and" only under 16ths: 8th hats (boom-bap, reggaeton, pop)
        # keep their 8ths, which is what the beat trackers lock to.
        sixteenths = any(float(p).is_integer() and p % 2 == 1 for p in steps)
        kept = [
            p
            for p in steps
            if not float(p).is_integer()
            or p % 4 == 0
            or mask[int(p)] != "."
            or (p % 2 == 0 and not sixteenths)
        ]
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


# Feels played by another hat voice: "shaker" and "pedal" with their own grids,
# "shaker-eighths" and "pedal-eighths" on the rate's own grid (reggaeton's 8ths, whose
# grid stays plain so the beat tracker keeps the dembow's pulse).
_VOICED_FEELS = {
    "shaker": "shaker",
    "pedal": "pedal",
    "shaker-eighths": "shaker",
    "pedal-eighths": "pedal",
}
# The ride feel's patterns, one per 8-bar block as the seed's run picks: the beats and
# each "a"; the 8ths; the jazz "ding, ding-a-ding" (the "a" of 2 and 4). The open hats
# stay on their "and"s.
_RIDE_STEPS = (
    (0.0, 3.0, 4.0, 7.0, 8.0, 11.0, 12.0, 15.0),
    (0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0),
    (0.0, 4.0, 7.0, 8.0, 12.0, 15.0),
)
RISER_S = 1.5  # the riser's length (voices.hats): it ends on the hook's downbeat


def _section_feels(ctx: _Context) -> list[tuple[str, ...]]:
    """The hat feel of each 8-bar block of each section, drawn per seed from the genre's
    pool. A hook never opens on the feel of the block before it, and a section's second
    8 bars change feel, when the pool has another one: every 8 bars something bigger
    changes, and two seeds that meet on one feel part again 8 bars later."""
    pool = ctx.grammar.drums.hat_feels
    rng = np.random.default_rng(ctx.palette.get("hats_feel", 0))
    feels: list[tuple[str, ...]] = []
    previous = ""
    for section in ctx.sections:
        blocks: list[str] = []
        for block in range((section.bars + 7) // 8):
            feel = pool[int(rng.integers(len(pool)))]
            fresh = block == 0 and section.name in ("hook", "drop")
            if fresh and previous == feel and len(set(pool)) > 1:
                feel = next(f for f in pool if f != feel)
            blocks.append(feel)
            previous = feel
        feels.append(tuple(blocks))
    return feels


def _triplet_positions(ctx: _Context, bar: int, run: int = 0, switch: bool = False) -> list[float]:
    """8th-note triplets (the trap and drill "triplet flow"), back to 16ths on one beat
    of every second bar: the last beat, or the second where the seed's ``run`` is odd
    (``run // 2`` picks which bars). With ``switch`` (trap's hat runs) the flow switches
    every beat instead: 16ths on beats 2 and 4, or on 1 and 3, per the seed's ``run``."""
    beats = ctx.steps // 4
    positions = [b * 4 + k * 4 / 3 for b in range(beats) for k in range(3)]
    if switch:
        sixteenths = [b for b in range(beats) if b % 2 == (1 + run) % 2]
    elif bar % 2 == (1 + run // 2) % 2:
        sixteenths = [beats - 1 if run % 2 == 0 else 1]
    else:
        sixteenths = []
    for beat in sixteenths:
        positions = [p for p in positions if not beat * 4 <= p < beat * 4 + 4] + [
            float(beat * 4 + i) for i in range(4)
        ]
    return sorted(positions)


# The beats that carry the sextuplet feel's 16th-triplet runs, per the seed's ``run``: never
# nested choices (8ths are a subset of a run), so two seeds share only the 8ths.
_SEXTUPLET_BEATS = ((1, 3), (0, 2), (1, 3), (0, 2))


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
    keep = float(np.clip(0.5 + setting.density, 0.0, 1.0))
    closed = gm_drum_note("hats", setting.instrument, "closed")
    opened = gm_drum_note("hats", setting.instrument, "open")
    # Feels other than straight replace the rate's grid, so they play only at the
    # genre's default rate (a rate the spec sets is played as written).
    # Short beats and loops are the genre's core hook: they keep its first feel.
    long_beat = spec.bars >= 16 and not spec.loop
    feels = _section_feels(ctx) if at_default and ctx.steps == 16 and long_beat else []
    run_rng = np.random.default_rng((ctx.palette.get("hats_feel", 0), 7))
    runs = [int(run_rng.integers(4)) for _ in ctx.sections] if feels else []
    opens_pool = (drums.hats_open_pool or (drums.hats_open,)) if long_beat else (drums.hats_open,)
    events: list[NoteEvent] = []
    for bar in range(spec.bars):
        if not ctx.active("hats", bar):
            continue
        section = ctx.section(bar)
        section_index = ctx.sections.index(section)
        blocks = feels[section_index] if feels else ("straight",)
        feel = blocks[min((bar - section.start_bar) // 8, len(blocks) - 1)]
        open_grid = ctx.fit(
            opens_pool[
                (
                    ctx.palette.get("hats_open", 0)
                    + ctx.section_step("hat-open", section, len(opens_pool))
                    + ctx.block_step("hat-open", bar, len(opens_pool))
                )
                % len(opens_pool)
            ]
        )
        rolling = "hat-roll" in ctx.fills[bar]
        roll_start = ctx.steps - (4 if rng.random() < 0.6 else 2)
        bar_positions, extra_opens = _hat_bar(
            ctx, rng, bar, positions, at_default and not drums.hats_grid
        )
        ride: set[float] = set()
        run = runs[section_index] if runs else 0
        if feel == "triplet":
            bar_positions = _triplet_positions(ctx, bar, run, drums.hat_runs)
        elif feel == "sextuplet":
            # 8ths, and 16th-triplet runs on the backbeat beats (trap flow); seeds with
            # hat runs pick other run beats.
            run_beats = _SEXTUPLET_BEATS[run if drums.hat_runs else 0]
            bar_positions = [
                b * 4 + (k * 2 / 3 if b in run_beats else k * 2.0)
                for b in range(ctx.steps // 4)
                for k in range(6 if b in run_beats else 2)
            ]
        elif feel == "ride":
            block = (bar - section.start_bar) // 8
            ride = set(_RIDE_STEPS[(run + block) % len(_RIDE_STEPS)])
            bar_positions = sorted(ride | {float(i) for i, c in enumerate(open_grid) if c == "o"})
        elif feel == "eighths":
            # Sparse 8ths with a 16th pickup into the next bar (trap verses).
            bar_positions = [float(i) for i in range(0, ctx.steps, 2)] + [float(ctx.steps - 1)]
        elif feel == "alt" and drums.hats_alt_grid:
            grid = ctx.fit(drums.hats_alt_grid)
            bar_positions = [float(i) for i, c in enumerate(grid) if c != "."]
        elif feel == "pedal":
            # Pedal hats on the "e" and "a", the open hats on the "and"s, nothing on the beat.
            bar_positions = sorted(
                {float(i) for i in range(1, ctx.steps, 2)}
                | {float(i) for i, c in enumerate(open_grid) if c == "o"}
            )
        elif feel == "shaker":
            # A shaker plays the 16ths (accenting the "and"s), the open hats stay.
            bar_positions = [float(i) for i in range(ctx.steps)]
        elif feel == "bounce":
            # Each beat: its 8ths, then a 16th-triplet pair closing the second 8th (trap's
            # skipping hats between the plain 16ths and the triplet flow).
            bar_positions = [
                b * 4 + k for b in range(ctx.steps // 4) for k in (0.0, 2.0, 8 / 3, 10 / 3)
            ]
        if feel in ("straight", "split") and drums.hat_runs and runs:
            # One beat of the bar becomes a 16th-triplet run; the last bar of each four
            # moves it on a beat.
            beat = (run + ((bar - section.start_bar) % 4 == 3)) % (ctx.steps // 4)
            run = [beat * 4 + k * 2 / 3 for k in range(1, 6)]
            bar_positions = sorted(
                [p for p in bar_positions if not beat * 4 < p < beat * 4 + 4] + run
            )
        if (
            bar == section.start_bar
            and bar > 0
            and section.name in ("hook", "drop")
            and drums.impact
        ):
            # The impact on the hook's downbeat.
            events.append(
                NoteEvent(
                    human.time(ctx.beat(bar, 0)),
                    2.0,
                    gm_drum_note("hats", setting.instrument, "crash"),
                    human.velocity(0.95),
                    "crash",
                    step=bar * ctx.steps,
                )
            )
        if "build" in ctx.fills[bar] and "riser" in drums.builds:
            # A noise riser ending on the next bar's downbeat.
            start = ctx.beat(bar + 1, 0) - RISER_S * spec.bpm / 60.0
            events.append(
                NoteEvent(
                    max(0.0, start),
                    RISER_S * spec.bpm / 60.0,
                    gm_drum_note("hats", setting.instrument, "riser"),
                    0.9,
                    "riser",
                )
            )
        # The split feel: the straight grid with the notes between the pulse (the "e" and
        # "a" under 16ths, the "and"s under 8ths) on the pedal hat, as a drummer's stick
        # moves between tip and shoulder.
        pulse = 2 if any(float(p).is_integer() and p % 2 == 1 for p in bar_positions) else 4
        for step in bar_positions:
            if rolling and step >= roll_start:
                continue
            on_beat = step % 4 == 0
            if not on_beat and keep < 1.0 and rng.random() >= keep:
                continue
            integral = float(step).is_integer()
            is_open = integral and (open_grid[int(step)] == "o" or step in extra_opens)
            is_ride = step in ride and not is_open
            accent = 1.0 if on_beat else (0.62 if integral and step % 2 == 0 else 0.42)
            voice = "open" if is_open else ("ride" if is_ride else "closed")
            if feel == "split" and voice == "closed" and not (integral and step % pulse == 0):
                voice = "pedal"
            voiced = _VOICED_FEELS.get(feel, "")
            if voiced and not is_open:
                voice = voiced
                accent = 0.85 if on_beat else (0.6 if integral and step % 4 == 2 else 0.45)
            pitch = opened if voice == "open" else _HAT_EXTRAS.get(voice, closed)
            events.append(
                NoteEvent(
                    human.time(ctx.beat(bar, step)),
                    0.5 if is_open else 0.125,
                    pitch,
                    human.velocity(accent * (1.05 if is_open else 1.0)),
                    voice,
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
