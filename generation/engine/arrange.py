"""Arrangement: from a spec to sections, chords and timed notes per track (in beats)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .genres import GRAMMARS, SECTION_MELODY, SECTION_TRACKS, GenreGrammar
from .presets import DRUM_TRACKS, GENRE_DEFAULTS, PITCHED_TRACKS, TRACK_NAMES
from .spec import BeatSpec
from .theory import degree_to_midi, nearest_in_range, voice_chord

__all__ = [
    "Arrangement",
    "NoteEvent",
    "Section",
    "arrange",
    "gm_drum_note",
    "plan_sections",
    "track_seed",
]


@dataclass(frozen=True)
class NoteEvent:
    """One note. Times are in quarter-note beats from the start of the beat.

    ``start_beat`` already includes swing and humanisation; ``step`` is the nominal 16th
    step it was written on (drums; -1 when it falls between steps, e.g. a roll).
    ``pitch`` is a MIDI pitch, for drums the General MIDI note. ``voice`` names a drum
    variant (``closed``/``open``, ``low``/``high``). ``glide_from`` is the pitch an 808
    slides in from.
    """

    start_beat: float
    length_beats: float
    pitch: int
    velocity: float
    voice: str = ""
    glide_from: int | None = None
    step: int = -1


@dataclass(frozen=True)
class Section:
    name: str
    start_bar: int
    bars: int

    @property
    def end_bar(self) -> int:
        return self.start_bar + self.bars


@dataclass(frozen=True)
class Arrangement:
    """Everything the synthesiser needs: sections, the chord per bar and notes per track."""

    spec: BeatSpec
    sections: tuple[Section, ...]
    steps_per_bar: int
    bar_roots: tuple[int, ...]  # 0-based scale degree of the chord root, per bar
    tracks: dict[str, tuple[NoteEvent, ...]] = field(default_factory=dict)
    humanized: bool = True

    @property
    def beats_per_bar(self) -> float:
        return self.spec.beats_per_bar

    def section_of_bar(self, bar: int) -> Section:
        for section in self.sections:
            if section.start_bar <= bar < section.end_bar:
                return section
        return self.sections[-1]

    def pattern_view(
        self, section_index: int | None = None, *, max_bars: int = 8
    ) -> dict[str, Any]:
        """JSON-ready view of one section for the UI's pattern editor.

        Drums: per track, one list per bar of ``steps_per_bar`` velocities (0 = rest),
        taken from each note's nominal step (notes between steps, such as triplet rolls,
        are left out). Pitched tracks: ``[start_beat, length_beats,
        midi_pitch, velocity]`` with beats counted from the section start. Defaults to the
        first hook (the fullest section), else a drop, a verse, or the first section.
        """
        if section_index is None:
            names = [s.name for s in self.sections]
            preferred = [n for n in ("hook", "drop", "verse") if n in names]
            section_index = names.index(preferred[0]) if preferred else 0
        section = self.sections[section_index]
        bars = min(section.bars, max_bars)
        start = section.start_bar * self.beats_per_bar
        end = start + bars * self.beats_per_bar
        steps = self.steps_per_bar
        drums: dict[str, list[list[float]]] = {}
        notes: dict[str, list[list[float]]] = {}
        for name in self.spec.enabled_tracks():
            events = self.tracks.get(name, ())
            if name in DRUM_TRACKS:
                grid = np.zeros((bars, steps))
                for event in events:
                    if event.step < 0:
                        continue
                    bar, step = divmod(event.step, steps)
                    bar -= section.start_bar
                    if 0 <= bar < bars:
                        grid[bar, step] = max(grid[bar, step], round(event.velocity, 3))
                drums[name] = grid.tolist()
            else:
                notes[name] = [
                    [
                        round(e.start_beat - start, 4),
                        round(e.length_beats, 4),
                        e.pitch,
                        round(e.velocity, 3),
                    ]
                    for e in events
                    if start <= e.start_beat < end
                ]
        return {
            "section": section.name,
            "start_bar": section.start_bar,
            "bars": bars,
            "steps_per_bar": steps,
            "beats_per_bar": self.beats_per_bar,
            "drums": drums,
            "notes": notes,
        }


def track_seed(seed: int, name: str) -> int:
    """A stable 64-bit seed for one track (Python's ``hash`` is salted per process)."""
    digest = hashlib.sha256(f"dawg:{seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng(track_seed(seed, name))


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


_CHAR_VELOCITY = {"x": 0.85, "o": 1.0, "g": 0.35}


@dataclass
class _Context:
    spec: BeatSpec
    grammar: GenreGrammar
    sections: tuple[Section, ...]
    steps: int
    bar_roots: tuple[int, ...]
    groove: tuple[int, ...]  # bar variant index per bar
    fills: tuple[frozenset[str], ...]  # fills at the end of each bar
    humanize: bool
    palette: dict[str, int] = field(default_factory=dict)  # per-seed choices (see _plan_palette)

    def variant(self, kind: str, bar: int, count: int) -> int:
        """Which of ``count`` bar variants of ``kind`` plays in ``bar``: the groove's
        choice, rotated by the seed's palette (and by one more in hooks and drops, so
        the hook plays a different pattern from the verse). Kick, snare and clap
        are never rotated."""
        if kind in ("kick", "snare", "clap"):
            # Kick and backbeat grids are the genre's pulse: their first variant leads.
            return self.groove[bar] % count
        lift = 1 if self.section(bar).name in ("hook", "drop") and count > 2 else 0
        return (self.groove[bar] + self.palette.get(kind, 0) + lift) % count

    def active(self, track: str, bar: int) -> bool:
        if not self.spec.tracks[track].enabled:
            return False
        section = self.section(bar)
        playing = SECTION_TRACKS[section.name] or self.grammar.intro_tracks
        return track in playing

    def section(self, bar: int) -> Section:
        for section in self.sections:
            if section.start_bar <= bar < section.end_bar:
                return section
        return self.sections[-1]

    def beat(self, bar: int, step: float) -> float:
        """Beat position of a (possibly fractional) 16th step in a bar, with swing."""
        position = bar * self.spec.beats_per_bar + step / 4.0
        if float(step).is_integer() and int(step) % 2 == 1:
            # The off-beat 16th sits at 0.5 + 0.25 * swing of its 8th (see BeatSpec).
            position += 0.125 * self.spec.swing
        return position

    def fit(self, grid: str) -> str:
        """A grid cut or repeated to this meter's steps per bar."""
        return (grid * 2)[: self.steps]


class _Humanizer:
    """Deterministic micro-timing and velocity variation from one track's RNG."""

    def __init__(self, rng: np.random.Generator, ctx: _Context, scale: float = 1.0) -> None:
        self.rng = rng
        self.enabled = ctx.humanize
        mix = ctx.grammar.mix
        self.sigma_beats = mix.humanize_ms * scale / 1000.0 * ctx.spec.bpm / 60.0
        self.sigma_velocity = mix.humanize_velocity

    def _normal(self) -> float:
        # A standard normal clipped at 2 sigma: no outlier lands a note on the wrong step.
        return min(2.0, max(-2.0, float(self.rng.standard_normal())))

    def time(self, beat: float) -> float:
        if not self.enabled:
            return beat
        return max(0.0, beat + self._normal() * self.sigma_beats)

    def velocity(self, velocity: float) -> float:
        if not self.enabled:
            return min(1.0, velocity)
        return min(1.0, max(0.05, velocity * (1.0 + self._normal() * self.sigma_velocity)))


def arrange(spec: BeatSpec, *, humanize: bool = True) -> Arrangement:
    """Plan the beat: sections, harmony, groove, fills and the notes of every track.

    Each track draws from its own RNG seeded by ``(spec.seed, track)`` and reads only
    global plans (sections, chords, groove) plus its own settings, so editing one track
    never changes another's notes. ``humanize=False`` puts every note exactly on its
    (swung) grid position with written velocities, for analysis.
    """
    grammar = GRAMMARS[spec.genre]
    steps = round(spec.beats_per_bar * 4)
    sections = plan_sections(spec)
    bar_roots = _plan_harmony(spec, grammar, sections)
    groove = _plan_groove(spec, sections)
    fills = _plan_fills(spec, sections)
    palette = _plan_palette(spec)
    ctx = _Context(spec, grammar, sections, steps, bar_roots, groove, fills, humanize, palette)
    tracks = {}
    for name in TRACK_NAMES:
        builder = _BUILDERS[name]
        events = builder(ctx, _rng(spec.seed, name)) if spec.tracks[name].enabled else []
        tracks[name] = tuple(sorted(events, key=lambda e: (e.start_beat, e.pitch)))
    return Arrangement(spec, sections, steps, bar_roots, tracks, humanize)


def _plan_harmony(
    spec: BeatSpec, grammar: GenreGrammar, sections: tuple[Section, ...]
) -> tuple[int, ...]:
    harmony = grammar.harmony
    progressions = harmony.minor if spec.key.mode == "minor" else harmony.major
    rng = _rng(spec.seed, "harmony")
    main = int(rng.integers(len(progressions)))
    alternate = (main + 1) % len(progressions)
    roots: list[int] = []
    for section in sections:
        progression = progressions[alternate if section.name in ("bridge", "break") else main]
        for bar in range(section.bars):
            index = (bar // harmony.bars_per_chord) % len(progression)
            roots.append(progression[index] - 1)
    return tuple(roots)


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


def _optional_probability(spec: BeatSpec, track: str) -> float:
    density = spec.tracks[track].density
    return float(np.clip(density * (0.6 + spec.energy), 0.0, 1.0))


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


def _bass_register_root(ctx: _Context, degree: int) -> int:
    low, high = ctx.grammar.bass.register
    return nearest_in_range(degree_to_midi(ctx.spec.key, degree, octave=1), low, high)


def _bass(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    spec = ctx.spec
    grammar = ctx.grammar.bass
    human = _Humanizer(rng, ctx, 0.5)
    events: list[NoteEvent] = []
    previous: int | None = None
    for bar in range(spec.bars):
        if not ctx.active("bass", bar):
            previous = None
            continue
        degree = ctx.bar_roots[bar]
        root = _bass_register_root(ctx, degree)
        fifth = root + (degree_to_midi(spec.key, degree + 4) - degree_to_midi(spec.key, degree))
        if grammar.rhythm == ("kick",):
            kicks = ctx.grammar.drums.kick
            kick = ctx.fit(kicks[ctx.variant("kick", bar, len(kicks))])
            onsets = [(i, "r") for i, c in enumerate(kick) if c in "xo"]
        else:
            grid = ctx.fit(grammar.rhythm[ctx.variant("bass", bar, len(grammar.rhythm))])
            onsets = [(i, c) for i, c in enumerate(grid) if c in "rfo"]
        if ctx.section(bar).name in ("bridge", "break"):
            # The breakdown keeps the harmony's floor: one held root per bar.
            onsets = [(0, "r")]
        drop = "kick-drop" in ctx.fills[bar]
        for index, (step, char) in enumerate(onsets):
            end = onsets[index + 1][0] if index + 1 < len(onsets) else ctx.steps
            if drop:
                if step >= ctx.steps - 4:
                    continue
                end = min(end, ctx.steps - 4)
            pitch = {"r": root, "f": fifth, "o": root + 12}[char]
            if index > 0 and grammar.jumps and rng.random() < grammar.jumps:
                pitch = root + 12 if rng.random() < 0.6 else fifth
            if (
                grammar.tonic_return
                and degree % 7
                and len(onsets) >= 3
                and index == len(onsets) - 1
            ):
                pitch = nearest_in_range(degree_to_midi(spec.key, 0), root - 6, root + 6)
            glide = None
            if previous is not None and previous != pitch and rng.random() < grammar.glide:
                glide = previous
            length = max(1.0, (end - step) * grammar.legato) / 4.0
            velocity = human.velocity(0.9 if step % 4 == 0 else 0.8)
            events.append(
                NoteEvent(
                    human.time(ctx.beat(bar, step)), length, pitch, velocity, glide_from=glide
                )
            )
            previous = pitch
    return events


def _chord_spans(ctx: _Context, track: str) -> list[tuple[int, int, int]]:
    """(first bar, bars, root degree) runs of one chord while the track plays."""
    spans: list[tuple[int, int, int]] = []
    for bar in range(ctx.spec.bars):
        if not ctx.active(track, bar):
            continue
        root = ctx.bar_roots[bar]
        section_start = ctx.section(bar).start_bar == bar
        if (
            spans
            and spans[-1][0] + spans[-1][1] == bar
            and spans[-1][2] == root
            and not section_start
        ):
            first, count, _ = spans[-1]
            spans[-1] = (first, count + 1, root)
        else:
            spans.append((bar, 1, root))
    return spans


def _with_pedal(spec: BeatSpec, voicing: list[int], low: int, high: int) -> list[int]:
    """The voicing plus the key's tonic (placed in ``[low, high)``) if it lacks one.

    A tonic pedal under or inside every chord is what makes i-VI-III-VII heard as minor
    rather than as vi-IV-I-V of the relative major, by ears and key estimators alike.
    """
    tonic = spec.key.pitch_class
    if any(p % 12 == tonic for p in voicing):
        return voicing
    pedal = nearest_in_range(degree_to_midi(spec.key, 0), low, high)
    return sorted({*voicing, pedal})


def _chords(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    spec = ctx.spec
    harmony = ctx.grammar.harmony
    human = _Humanizer(rng, ctx, 0.7)
    events: list[NoteEvent] = []
    voicing: list[int] | None = None
    for bar in range(spec.bars):
        if not ctx.active("chords", bar):
            continue
        # The seed picks the register; hooks voice the chords higher (a new inversion),
        # so verse and hook differ in colour as well as in rhythm.
        center = harmony.chord_center + ctx.palette.get("chord_shift", 0)
        if ctx.section(bar).name in ("hook", "drop"):
            center += 3
        voicing = voice_chord(
            spec.key, ctx.bar_roots[bar], harmony.tones, center=center, previous=voicing
        )
        pitches = _with_pedal(spec, voicing, center - 6, center + 6)
        rhythms = harmony.chord_rhythm
        grid = ctx.fit(rhythms[ctx.variant("chords", bar, len(rhythms))])
        for step, char in enumerate(grid):
            if char != "x":
                continue
            length = 1
            while step + length < len(grid) and grid[step + length] == "-":
                length += 1
            start = human.time(ctx.beat(bar, step))
            velocity = human.velocity(0.75 if step % 4 == 0 else 0.65)
            for pitch in pitches:
                events.append(NoteEvent(start, length / 4.0, pitch, velocity))
    return events


def _pad(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    spec = ctx.spec
    harmony = ctx.grammar.harmony
    human = _Humanizer(rng, ctx, 0.5)
    events: list[NoteEvent] = []
    voicing: list[int] | None = None
    for first, bars, root in _chord_spans(ctx, "pad"):
        voicing = voice_chord(
            spec.key, root, harmony.pad_tones, center=harmony.pad_center, previous=voicing
        )
        start = ctx.beat(first, 0)
        velocity = human.velocity(0.7)
        for pitch in _with_pedal(spec, voicing, harmony.pad_center - 12, harmony.pad_center):
            events.append(NoteEvent(start, bars * spec.beats_per_bar, pitch, velocity))
    return events


@dataclass
class _Motif:
    rhythm: list[tuple[int, int]]  # (step, length in steps)
    moves: list[int]  # scale-degree motion into each note after the first


def _make_motif(ctx: _Context, rng: np.random.Generator, grid: str) -> _Motif:
    grid = ctx.fit(grid)
    onsets = [i for i, c in enumerate(grid) if c == "x"]
    rhythm = []
    for index, step in enumerate(onsets):
        nxt = onsets[index + 1] if index + 1 < len(onsets) else len(grid)
        length = 1
        while step + length < len(grid) and grid[step + length] == "-":
            length += 1
        if length == 1:
            length = min(4, nxt - step)
        rhythm.append((step, length))
    moves = []
    leap = ctx.grammar.melody.leap
    for _ in rhythm[1:]:
        if rng.random() < leap:
            moves.append(int(rng.choice([-4, -3, -2, 2, 3, 4])))
        else:
            moves.append(int(rng.choice([-1, 1, 1, -1, 0])))
    return _Motif(rhythm, moves)


def _melody(ctx: _Context, rng: np.random.Generator) -> list[NoteEvent]:
    spec = ctx.spec
    grammar = ctx.grammar.melody
    human = _Humanizer(rng, ctx, 0.8)
    rhythms = grammar.rhythms
    main = _make_motif(ctx, rng, rhythms[int(rng.integers(len(rhythms)))])
    answer = _make_motif(ctx, rng, rhythms[int(rng.integers(len(rhythms)))])
    octave = grammar.center // 12 - 1
    low, high = grammar.center - 8, grammar.center + 10
    events: list[NoteEvent] = []
    degree = 0
    for bar in range(spec.bars):
        if not ctx.active("melody", bar):
            continue
        section = ctx.section(bar)
        mode = SECTION_MELODY[section.name]
        position = (bar - section.start_bar) % 4
        if mode == "sparse" and position % 2 == 1:
            continue
        motif = answer if position == 3 else main
        moves = list(motif.moves)
        if position == 2 and moves:
            # The third bar varies the motif: one move is re-drawn, the contour survives.
            index = int(rng.integers(len(moves)))
            moves[index] = int(rng.choice([-2, -1, 1, 2]))
        if mode == "varied":
            moves = [-m for m in moves]
        chord = ctx.bar_roots[bar]
        chord_tones = [chord, chord + 2, chord + 4]
        # Start each bar on a chord tone near the last note, preferring tones of the tonic
        # triad: the line follows the harmony and keeps pointing home.
        home = [t for t in chord_tones if t % 7 in (0, 2, 4)] or chord_tones
        # The key's third names the mode: where the chord has it, it wins a near tie.
        anchor = min(
            (t + 7 * k for t in home for k in (-2, -1, 0, 1)),
            key=lambda d: (abs(d - degree) - (1.5 if d % 7 == 2 else 0.0), d),
        )
        degree = anchor
        notes = []
        for index, (step, length) in enumerate(motif.rhythm):
            if index > 0:
                degree += moves[index - 1]
            notes.append([step, length, degree])
        if position == 3 and notes:
            # Phrase ends resolve to the tonic.
            notes[-1][2] = 7 * round(notes[-1][2] / 7)
            degree = notes[-1][2]
        for step, length, note_degree in notes:
            pitch = degree_to_midi(spec.key, note_degree, octave=octave)
            folded = nearest_in_range(pitch, low, high)
            if folded != pitch:
                degree += 7 * ((folded - pitch) // 12)
            pitch = folded
            if (
                grammar.harmonic_minor
                and spec.key.mode == "minor"
                and note_degree % 7 == 6
                and position == 3
            ):
                pitch += 1  # the raised leading tone of harmonic minor, only into the cadence
            velocity = human.velocity(0.8 if step % 4 == 0 else 0.68)
            events.append(
                NoteEvent(human.time(ctx.beat(bar, step)), length / 4.0 * 0.95, pitch, velocity)
            )
    return events


_BUILDERS: dict[str, Callable[[_Context, np.random.Generator], list[NoteEvent]]] = {
    "kick": _kick,
    "snare": _snare,
    "clap": _clap,
    "hats": _hats,
    "perc": _perc,
    "bass": _bass,
    "chords": _chords,
    "melody": _melody,
    "pad": _pad,
}
assert set(_BUILDERS) == set(TRACK_NAMES) and set(PITCHED_TRACKS) <= set(_BUILDERS)
