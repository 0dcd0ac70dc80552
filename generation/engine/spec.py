"""BeatSpec: the versioned, JSON-serialisable description of a beat, with validation."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .banks.catalog import BANKS, SAMPLED
from .banks.registry import BankRegistry
from .errors import SpecError
from .presets import GENRE_DEFAULTS, GENRES, INSTRUMENTS, TRACK_NAMES

__all__ = [
    "BPM_MAX",
    "BPM_MIN",
    "HAT_RATES",
    "MAX_DURATION_S",
    "METERS",
    "MODES",
    "SECTION_NAMES",
    "SPEC_VERSION",
    "BeatSpec",
    "KeySpec",
    "SectionSpec",
    "SpecError",
    "TrackSpec",
    "default_spec",
    "normalize_tonic",
    "prefer_sampled",
]

SPEC_VERSION = 1
BPM_MIN, BPM_MAX = 40.0, 220.0
MAX_DURATION_S = 15 * 60.0
MODES = ("major", "minor")
# meter -> (beats per bar, beat unit); 6/8 is counted in eighth notes.
METERS: dict[str, tuple[int, int]] = {"4/4": (4, 4), "3/4": (3, 4), "6/8": (6, 8)}
SECTION_NAMES = ("intro", "verse", "hook", "bridge", "outro", "break", "drop")
HAT_RATES = (4, 8, 12, 16, 24, 32)
MOOD_PATTERN = re.compile(r"^[a-z][a-z -]{0,31}$")

# Sharps are canonical; flats are accepted and mapped.
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_ENHARMONIC = {
    "DB": "C#",
    "EB": "D#",
    "GB": "F#",
    "AB": "G#",
    "BB": "A#",
    "CB": "B",
    "FB": "E",
    "E#": "F",
    "B#": "C",
}


def normalize_tonic(tonic: str) -> str:
    """Return the canonical (sharp) spelling of a pitch class such as ``"Gb"`` -> ``"F#"``."""
    if not isinstance(tonic, str):
        raise SpecError("key.tonic", "must be a note name such as F, F# or Gb")
    text = tonic.strip().replace("♯", "#").replace("♭", "b")
    if not text or text[0].upper() not in "ABCDEFG" or len(text) > 2:
        raise SpecError("key.tonic", f"{tonic!r} is not a note name (A-G, optional # or b)")
    upper = text[0].upper() + text[1:].upper()
    if len(upper) == 2 and upper[1] not in "#B":
        raise SpecError("key.tonic", f"{tonic!r} is not a note name (A-G, optional # or b)")
    return _ENHARMONIC.get(upper, upper)


@dataclass(frozen=True)
class KeySpec:
    """Tonic (canonical sharp spelling) and mode."""

    tonic: str = "C"
    mode: str = "minor"

    @property
    def pitch_class(self) -> int:
        """0 for C up to 11 for B."""
        return PITCH_CLASSES.index(self.tonic)

    def label(self) -> str:
        return f"{self.tonic} {self.mode}"


@dataclass(frozen=True)
class TrackSpec:
    """One track's settings. ``rate`` is notes per bar and only meaningful for hats."""

    enabled: bool = True
    instrument: str = ""
    density: float = 0.5
    rate: int | None = None
    gain_db: float = 0.0


@dataclass(frozen=True)
class SectionSpec:
    name: str
    bars: int


@dataclass(frozen=True)
class BeatSpec:
    """A complete beat description. Immutable; derive edits with ``dataclasses.replace``.

    ``bars`` is the length; ``duration_s`` is derived from bars, meter and bpm. ``sections``
    empty means the engine chooses a structure for the length (none in loop mode).
    ``swing`` runs from 0 (straight) to 1 (hard shuffle): the off-beat 16th of each 8th sits
    at ``0.5 + 0.25 * swing`` of the 8th, so 0.32 is the classic 58 %, 0.48 is 62 %.
    ``energy`` 0-1 scales density and intensity; ``density`` 0-1 per track likewise.
    A track's ``instrument`` is a synth voice or a sampled one (``banks.catalog.SAMPLED``);
    ``banks`` records which bank versions the sampled ones come from.
    """

    genre: str
    bpm: float
    key: KeySpec
    bars: int
    meter: str = "4/4"
    sections: tuple[SectionSpec, ...] = ()
    swing: float = 0.0
    energy: float = 0.6
    mood: str = ""
    seed: int = 1
    loop: bool = False
    tracks: dict[str, TrackSpec] = field(default_factory=dict)
    version: int = SPEC_VERSION
    # Sound bank name -> the bank version this beat's sampled tracks were made with (e.g.
    # ``{"fluidr3-gm": "deb:3.1-5.3"}``); empty for an all-synth beat, and then left out of
    # the JSON so that synth specs keep their hash.
    banks: dict[str, str] = field(default_factory=dict)

    # --- derived -------------------------------------------------------------------------
    @property
    def beats_per_bar(self) -> float:
        """Quarter-note beats per bar (6/8 has three)."""
        count, unit = METERS[self.meter]
        return count * 4 / unit

    @property
    def seconds_per_bar(self) -> float:
        return self.beats_per_bar * 60.0 / self.bpm

    @property
    def duration_s(self) -> float:
        return self.bars * self.seconds_per_bar

    def track(self, name: str) -> TrackSpec:
        return self.tracks[name]

    def enabled_tracks(self) -> list[str]:
        return [name for name in TRACK_NAMES if self.tracks[name].enabled]

    # --- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The inputs only: ``BeatSpec.from_dict(spec.to_dict()) == spec``."""
        data = asdict(self)
        data["sections"] = [asdict(s) for s in self.sections]
        data["tracks"] = {name: asdict(self.tracks[name]) for name in TRACK_NAMES}
        if not self.banks:
            del data["banks"]
        else:
            data["banks"] = dict(sorted(self.banks.items()))
        return data

    def summary(self) -> dict[str, Any]:
        """Values derived from the inputs, for display beside them (never fed back in)."""
        return {"duration_s": round(self.duration_s, 3)}

    def with_banks(self, registry: BankRegistry) -> BeatSpec:
        """This spec recording the installed version of every bank its sampled tracks use.

        For a new version of a beat. Raises ``BankMissing`` (a ``SpecError``) naming the
        bank and how to install it when one is not installed; an all-synth spec comes back
        unchanged.
        """
        sampled = self.sampled_tracks()
        if not sampled and not self.banks:
            return self
        return replace(self, banks=registry.versions(sampled.values()))

    def checked_banks(self, registry: BankRegistry) -> BeatSpec:
        """The spec a render uses: every bank its sampled tracks need installed, at the
        version the spec records (``BankChanged`` if another is; ``BankMissing`` if none
        is), and the record completed for banks the spec did not name yet."""
        sampled = self.sampled_tracks()
        if not sampled:
            return self
        found = registry.check(sampled.values(), self.banks)
        return (
            self
            if found.items() <= self.banks.items()
            else replace(self, banks={**self.banks, **found})
        )

    def sampled_tracks(self) -> dict[str, str]:
        """Enabled track -> sampled instrument, for the tracks played from a sound bank."""
        return {
            name: self.tracks[name].instrument
            for name in self.enabled_tracks()
            if self.tracks[name].instrument in SAMPLED[name]
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    def spec_hash(self) -> str:
        """sha256 of the canonical JSON: equal specs render identical beats.

        Hashed over the inputs and :meth:`summary` together, the form every stored
        ``BeatVersion.spec_hash`` was taken over, so a new version still matches an older
        identical one (``duration_s`` is a function of the inputs: nothing more is told apart).
        """
        canonical = {**self.to_dict(), **self.summary()}
        return hashlib.sha256(
            json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()
        ).hexdigest()

    @classmethod
    def from_dict(cls, data: Any) -> BeatSpec:
        """Build and validate a spec; missing fields take the genre's defaults.

        Accepts ``bars`` or ``duration_s`` (rounded to whole bars); ``bars`` wins if both.
        Raises :class:`SpecError` naming the first invalid field.
        """
        if not isinstance(data, dict):
            raise SpecError("spec", "must be a JSON object")
        known = {
            "genre",
            "bpm",
            "key",
            "bars",
            "duration_s",
            "meter",
            "sections",
            "swing",
            "energy",
            "mood",
            "seed",
            "loop",
            "tracks",
            "version",
            "banks",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise SpecError(unknown[0], "unknown field")
        version = data.get("version", SPEC_VERSION)
        if version != SPEC_VERSION:
            raise SpecError(
                "version", f"unsupported spec version {version!r}; this is {SPEC_VERSION}"
            )
        genre = data.get("genre")
        if genre not in GENRES:
            raise SpecError("genre", f"{genre!r} is not one of {', '.join(GENRES)}")
        base = default_spec(genre)

        bpm = _number(data.get("bpm", base.bpm), "bpm")
        if not BPM_MIN <= bpm <= BPM_MAX:
            raise SpecError("bpm", f"must be between {BPM_MIN:g} and {BPM_MAX:g}, got {bpm:g}")
        bpm = round(bpm, 3)

        key_data = data.get("key", {})
        if isinstance(key_data, str):
            parts = key_data.split()
            key_data = {
                "tonic": parts[0] if parts else "",
                "mode": parts[1] if len(parts) > 1 else "minor",
            }
        if not isinstance(key_data, dict):
            raise SpecError("key", "must be an object with tonic and mode")
        tonic = normalize_tonic(key_data.get("tonic", base.key.tonic))
        mode = key_data.get("mode", base.key.mode)
        if mode not in MODES:
            raise SpecError("key.mode", f"{mode!r} is not major or minor")

        meter = data.get("meter", "4/4")
        if meter not in METERS:
            raise SpecError("meter", f"{meter!r} is not one of {', '.join(METERS)}")
        count, unit = METERS[meter]
        seconds_per_bar = count * 4 / unit * 60.0 / bpm

        if data.get("bars") is not None:
            bars = data["bars"]
            if isinstance(bars, bool) or not isinstance(bars, int):
                raise SpecError("bars", "must be a whole number of bars")
        elif data.get("duration_s") is not None:
            seconds = _number(data["duration_s"], "duration_s")
            if seconds <= 0:
                raise SpecError("duration_s", "must be positive")
            bars = max(1, round(seconds / seconds_per_bar))
        else:
            bars = base.bars
        if bars < 1:
            raise SpecError("bars", "must be at least 1")
        if bars * seconds_per_bar > MAX_DURATION_S:
            raise SpecError(
                "bars", f"{bars} bars at {bpm:g} bpm is longer than {MAX_DURATION_S / 60:g} minutes"
            )

        sections = _sections(data.get("sections", []), bars)
        swing = _unit_interval(data.get("swing", base.swing), "swing")
        energy = _unit_interval(data.get("energy", base.energy), "energy")
        mood = data.get("mood", base.mood)
        if not isinstance(mood, str) or (mood and not MOOD_PATTERN.match(mood)):
            raise SpecError("mood", "must be a short lowercase word or phrase")
        seed = data.get("seed", base.seed)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
            raise SpecError("seed", "must be a whole number from 0 to 4294967295")
        loop = data.get("loop", False)
        if not isinstance(loop, bool):
            raise SpecError("loop", "must be true or false")
        tracks = _tracks(data.get("tracks", {}), base.tracks)
        banks = _banks(data.get("banks", {}))
        return cls(
            genre=genre,
            bpm=bpm,
            key=KeySpec(tonic, mode),
            bars=bars,
            meter=meter,
            sections=sections,
            swing=swing,
            energy=energy,
            mood=mood,
            seed=seed,
            loop=loop,
            tracks=tracks,
            banks=banks,
        )

    @classmethod
    def from_json(cls, text: str) -> BeatSpec:
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise SpecError("spec", f"is not valid JSON ({exc})") from exc
        return cls.from_dict(data)

    def with_changes(self, **changes: Any) -> BeatSpec:
        """A validated copy with top-level fields replaced (``tracks`` merged per track)."""
        data = self.to_dict()
        for name, value in changes.items():
            if name == "tracks":
                for track, settings in value.items():
                    data["tracks"].setdefault(track, {}).update(settings)
            elif name == "key" and isinstance(value, dict):
                data["key"].update(value)
            else:
                data[name] = value
        if "duration_s" in changes and "bars" not in changes:
            data.pop("bars")
        return BeatSpec.from_dict(data)


def default_spec(
    genre: str, *, bars: int = 32, seed: int = 1, banks: BankRegistry | None = None
) -> BeatSpec:
    """The genre's starting point: default tempo, key, swing and instrumentation.

    With ``banks`` the genre's sampled voices whose bank is installed replace their synth
    ones (see :func:`prefer_sampled`); without, the spec is all synth.
    """
    spec = _default_spec(genre, bars=bars, seed=seed)
    return prefer_sampled(spec, banks) if banks is not None else spec


def prefer_sampled(spec: BeatSpec, banks: BankRegistry) -> BeatSpec:
    """``spec`` with its genre's sampled voices where their banks are installed, recorded.

    Only tracks still on the genre's default synth voice change (a voice someone chose is
    kept); a genre without sampled voices, or a machine without banks, gives ``spec``
    back as it was, all synth.
    """
    preset = GENRE_DEFAULTS[spec.genre]
    available = set(banks.available())
    tracks = dict(spec.tracks)
    for name, sampled in preset.sampled.items():
        default = preset.instruments.get(name, INSTRUMENTS[name][0])
        if sampled in available and tracks[name].instrument == default:
            tracks[name] = replace(tracks[name], instrument=sampled)
    if tracks == spec.tracks:
        return spec
    return replace(spec, tracks=tracks).with_banks(banks)


def _default_spec(genre: str, *, bars: int, seed: int) -> BeatSpec:
    if genre not in GENRE_DEFAULTS:
        raise SpecError("genre", f"{genre!r} is not one of {', '.join(GENRES)}")
    preset = GENRE_DEFAULTS[genre]
    tracks = {}
    for name in TRACK_NAMES:
        tracks[name] = TrackSpec(
            enabled=name in preset.enabled,
            instrument=preset.instruments.get(name, INSTRUMENTS[name][0]),
            density=0.5,
            rate=preset.hats_rate if name == "hats" else None,
            gain_db=0.0,
        )
    return BeatSpec(
        genre=genre,
        bpm=preset.bpm,
        key=KeySpec(normalize_tonic(preset.tonic), preset.mode),
        bars=bars,
        swing=preset.swing,
        mood=preset.mood,
        seed=seed,
        tracks=tracks,
    )


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise SpecError(name, f"must be a number, got {value!r}")
    if value in (float("inf"), float("-inf")):
        raise SpecError(name, "must be finite")
    return float(value)


def _unit_interval(value: Any, name: str) -> float:
    number = _number(value, name)
    if not 0.0 <= number <= 1.0:
        raise SpecError(name, f"must be between 0 and 1, got {number:g}")
    return number


def _sections(value: Any, bars: int) -> tuple[SectionSpec, ...]:
    if not value:
        return ()
    if not isinstance(value, list):
        raise SpecError("sections", "must be a list of {name, bars}")
    sections = []
    for index, item in enumerate(value):
        path = f"sections.{index}"
        if not isinstance(item, dict):
            raise SpecError(path, "must be an object with name and bars")
        name, count = item.get("name"), item.get("bars")
        if name not in SECTION_NAMES:
            raise SpecError(f"{path}.name", f"{name!r} is not one of {', '.join(SECTION_NAMES)}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise SpecError(f"{path}.bars", "must be a whole number of bars, at least 1")
        sections.append(SectionSpec(name, count))
    total = sum(s.bars for s in sections)
    if total != bars:
        raise SpecError("sections", f"add up to {total} bars but the beat has {bars}")
    return tuple(sections)


def _tracks(value: Any, defaults: dict[str, TrackSpec]) -> dict[str, TrackSpec]:
    if not isinstance(value, dict):
        raise SpecError("tracks", "must be an object keyed by track name")
    unknown = sorted(set(value) - set(TRACK_NAMES))
    if unknown:
        raise SpecError(
            f"tracks.{unknown[0]}", f"unknown track; tracks are {', '.join(TRACK_NAMES)}"
        )
    tracks = {}
    for name in TRACK_NAMES:
        settings = value.get(name, {})
        path = f"tracks.{name}"
        if not isinstance(settings, dict):
            raise SpecError(path, "must be an object")
        extra = sorted(set(settings) - {"enabled", "instrument", "density", "rate", "gain_db"})
        if extra:
            raise SpecError(f"{path}.{extra[0]}", "unknown track setting")
        merged = replace(defaults[name], **settings)
        if not isinstance(merged.enabled, bool):
            raise SpecError(f"{path}.enabled", "must be true or false")
        if merged.instrument not in INSTRUMENTS[name] and merged.instrument not in SAMPLED[name]:
            sampled = f"; sampled: {', '.join(SAMPLED[name])}" if SAMPLED[name] else ""
            raise SpecError(
                f"{path}.instrument",
                f"{merged.instrument!r} is not one of {', '.join(INSTRUMENTS[name])}{sampled}",
            )
        density = _unit_interval(merged.density, f"{path}.density")
        gain = _number(merged.gain_db, f"{path}.gain_db")
        if not -24.0 <= gain <= 6.0:
            raise SpecError(f"{path}.gain_db", "must be between -24 and +6 dB")
        rate = merged.rate
        if name == "hats":
            if rate not in HAT_RATES:
                raise SpecError(
                    f"{path}.rate", f"must be one of {', '.join(map(str, HAT_RATES))} notes per bar"
                )
        elif rate is not None:
            raise SpecError(f"{path}.rate", "only the hats track has a note rate")
        tracks[name] = TrackSpec(merged.enabled, merged.instrument, density, rate, gain)
    return tracks


def _banks(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise SpecError("banks", "must be an object of sound bank name -> version")
    out = {}
    for name, version in sorted(value.items()):
        if name not in BANKS:
            raise SpecError(f"banks.{name}", f"unknown sound bank; known: {', '.join(BANKS)}")
        if not isinstance(version, str) or not 0 < len(version) <= 80:
            raise SpecError(f"banks.{name}", "must be the bank's version, such as deb:3.1-5.3")
        out[name] = version
    return out
