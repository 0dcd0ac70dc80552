"""What every track builder reads: the plans, the grammar and humanisation."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from ..genres import SECTION_TRACKS, GenreGrammar
from ..spec import BeatSpec
from .model import Section

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
    _leads: dict[tuple[str, int], tuple[int, ...]] = field(default_factory=dict)

    def variant(self, kind: str, bar: int, count: int) -> int:
        """Which of ``count`` bar variants of ``kind`` plays in ``bar``: the groove's
        choice, rotated by the section's lead (see ``_lead``). Every kick, snare and clap
        variant of a genre keeps its pulse (beat 1 and the backbeat)."""
        if self._core(kind):
            # The core hook alternates the genre's first two grids only.
            return self.groove[bar] % min(count, 2)
        section = self.section(bar)
        return (self.groove[bar] + self._lead(kind, count)[self.sections.index(section)]) % count

    def _core(self, kind: str) -> bool:
        """Short beats and loops are the genre's core hook: drums and percussion play the
        genre's own first grids there (what a beat tracker and a listener lock to)."""
        short = self.spec.bars < 16 or self.spec.loop
        return short and kind in ("kick", "snare", "clap", "perc")

    def _lead(self, kind: str, count: int) -> tuple[int, ...]:
        """The variant that leads each section for ``kind``: drawn per section from the
        seed (a hook never takes the lead of the section before it), so sections differ
        from each other and two seeds differ from each other."""
        key = (kind, count)
        if key not in self._leads:
            rng = np.random.default_rng((self.spec.seed, zlib.crc32(kind.encode())))
            leads: list[int] = []
            for section in self.sections:
                lead = int(rng.integers(count))
                if section.name in ("hook", "drop") and leads and leads[-1] == lead and count > 1:
                    lead = (lead + 1) % count
                leads.append(lead)
            self._leads[key] = tuple(leads)
        return self._leads[key]

    def section_step(self, kind: str, section: Section, count: int) -> int:
        """How far ``kind`` has moved through a pool of ``count`` by ``section``: the sum
        of a seeded step in 1..count-1 per earlier section of the same name (0 for the
        first). Two seeds that draw one starting choice still part on the returns."""
        if count < 2:
            return 0
        rng = np.random.default_rng((self.spec.seed, zlib.crc32(kind.encode()), 1))
        steps = rng.integers(1, count, size=len(self.sections))
        return int(
            sum(
                int(step)
                for s, step in zip(self.sections, steps, strict=True)
                if s.name == section.name and s.start_bar < section.start_bar
            )
        )

    def block_step(self, kind: str, bar: int, count: int) -> int:
        """A seeded offset in 0..count-1 for the 8-bar block of its section that ``bar``
        falls in (0 in a section's first block): a long hook's second 8 bars move on by
        the seed's own step, so two seeds that meet in one block part in the next."""
        section = self.section(bar)
        block = (bar - section.start_bar) // 8
        if block == 0 or count < 2:
            return 0
        index = self.sections.index(section)
        rng = np.random.default_rng((self.spec.seed, zlib.crc32(kind.encode()), 2, index, block))
        return int(rng.integers(1, count))

    def returns(self, section: Section) -> int:
        """How many sections of the same name came before ``section``."""
        return sum(
            1 for s in self.sections if s.name == section.name and s.start_bar < section.start_bar
        )

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


def _optional_probability(spec: BeatSpec, track: str) -> float:
    density = spec.tracks[track].density
    return float(np.clip(density * (0.6 + spec.energy), 0.0, 1.0))
