"""The built-in interpreter: one chat turn plus the current spec -> an Intent, offline and instant."""

from __future__ import annotations

import functools
import logging
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any

from generation.engine.presets import GENRE_DEFAULTS, TRACK_NAMES
from generation.engine.spec import (
    BPM_MAX,
    BPM_MIN,
    HAT_RATES,
    MAX_DURATION_S,
    METERS,
    BeatSpec,
    SpecError,
    TrackSpec,
    default_spec,
    normalize_tonic,
)

from . import replies
from .compose import understand
from .extract import MUTE_ALL, Mentions
from .history import turns
from .instruments import instrument_choice
from .intent import Intent
from .prefilter import accelerate_globals
from .sections import apply_section_edits, fit_sections
from .text import FOREIGN, looks_foreign, normalize, screen, words_of
from .theory import relative_key, transpose_tonic
from .vocabulary import MOOD_GENRES

__all__ = [
    "DEFAULT_GENRE",
    "apply_mentions",
    "created",
    "fresh_spec",
    "intent_from_mentions",
    "interpret",
    "modified",
    "next_seed",
    "spec_data",
    "switch_genre",
]

logger = logging.getLogger(__name__)

DEFAULT_GENRE = "trap"
_GAIN_MIN, _GAIN_MAX = -24.0, 6.0
_LOOP_BARS = 8
_MAX_VARIATIONS = 4
_CREATE_PHRASE = re.compile(
    r"\b(?:make|create|produce|cook(?:\s+up)?|generate|build|give|want|need|whip\s+up|can\s+i\s+(?:get|have)"
    r"|let'?s\s+(?:make|do|get|try)|i'?d\s+like|hook\s+me\s+up\s+with|drop)\s+(?:me\s+|us\s+)?(?:a|an|another|some|one)\b(?!\s+(?:bit|little|touch|tad)\b)"
)
_BEAT_NOUN = re.compile(
    r"\b(?:beat|beats|instrumental|track|song|riddim|banger|loop|tune|jam|type)\b"
)
# Words that make a genre mention an edit of this beat; the weak ones lose to "make me a ...".
_MODIFY_PHRASE = re.compile(
    r"\b(?:make\s+it|make\s+this|change|switch|turn\s+it|turn\s+this|instead|same|into\s+a|to\s+a|convert|version|remix|of\s+(?:this|it)|this\s+(?:beat|one|track))\b"
)
_WEAK_MODIFY_PHRASE = re.compile(r"\b(?:now|keep|more|less)\b")
# "what's a good tempo for drill" asks for advice; it does not ask for drill.
_ADVICE = re.compile(r"\b(?:good|usual|typical|normal|standard|should|best|recommended|ideal)\b")
_IMPERATIVE = re.compile(
    r"\b(?:make|change|set|add|remove|drop|mute|unmute|switch|turn|bump|put|take|give|bring|kill|lose|cut|speed|slow|raise|lower|transpose|swap|use|try)\b"
)
_REPEAT = re.compile(
    r"^(?:again|more|even\s+more|more\s+of\s+that|keep\s+going|do\s+it\s+again|once\s+more|same\s+again|"
    r"a\s+bit\s+more|a\s+little\s+more|further|go\s+further|more\s+more)\s*[.!]*$"
)
_ADD_VERB = re.compile(r"\b(?:add|bring\s+(?:in|back)|throw\s+in|put\s+in|layer)\b")
# "major or minor?", "16ths or 8ths?": a choice asked about the beat.
_EITHER_QUESTION = re.compile(r"^[\w#]+(?:\s+[\w#]+)?\s+or\s+[\w#]+(?:\s+[\w#]+)?\s*\?+$")
# "leave it", "keep it as is", "this one can stay", "keep the tempo": a no-op, not a puzzle.
_KEEP_AS_IS = re.compile(
    r"\b(?:keep|leave)\s+(?:it|this|that|everything|all\s+of\s+it|the\s+(?:tempo|bpm|key|length|beat|rest))\b"
    r"|\b(?:can|should|will|gonna)\s+stay\b|\bas\s+(?:it\s+)?is\b|\bdon'?t\s+(?:change|touch)\s+(?:it|anything|a\s+thing)\b"
)
_UNDO_UNDO = re.compile(r"\bundo\s+(?:the|that|my)?\s*undo\b")


def interpret(
    text: str, current: BeatSpec | None = None, *, history: Sequence[Any] | None = None
) -> Intent:
    """Understand one chat turn against the current spec (None before the first beat).

    Never raises: bad input and internal errors come back as a safe ``help`` intent.
    ``history`` holds earlier turns, oldest first (strings are user turns; mappings have
    ``role`` and ``text``): "again" / "even more" then repeats the last user edit.
    """
    try:
        repeated = _repeated_turn(text, history)
        if repeated is not None:
            intent = _interpret(repeated, current)
            if intent.action == "modify":
                return intent
        return _interpret(text, current)
    except Exception:  # a chat turn must never crash the conversation
        logger.exception("assistant failed to interpret a turn")
        return _fallback("internal", current)


def _interpret(text: object, current: BeatSpec | None) -> Intent:
    screened = screen(text)
    if screened.problem:
        return _fallback(screened.problem, current)
    normalized = normalize(screened.text)
    found = understand(normalized, screened.text)
    if _EITHER_QUESTION.match(normalized):
        found.question = True
        found.question_topics = found.question_topics or ["summary"]
    wants_change = found.changes_spec()
    strong_change = found.changes_spec(count_added_tracks=not found.export)

    if found.restore_version is not None and not strong_change:
        return Intent(
            action="undo",
            restore_version=found.restore_version,
            reply=replies.undo(found.restore_version),
        )
    if (found.undo or found.redo) and not wants_change:
        steps = found.undo_steps
        if found.redo and (not found.undo or found.redo_last or _UNDO_UNDO.search(normalized)):
            return Intent(action="redo", steps=steps, reply=replies.redo(steps=steps))
        return Intent(action="undo", steps=steps, reply=replies.undo(steps=steps))
    export_asked = found.export_verb or len(found.words) <= 4 or not found.create_words
    # "add a pad and export stems": the edit first (stems of the old beat would be wrong).
    if found.export and found.tracks_on and _ADD_VERB.search(normalized):
        strong_change = True
    if found.export and export_asked and not strong_change:
        return Intent(
            action="export", export=found.export, reply=replies.export(found.export, current)
        )
    if found.solo and not wants_change:
        return _solo(found, current)
    if found.help and not wants_change:
        return Intent(action="help", reply=replies.help_text(current))
    # A question that names things ("are the hats on", "how much swing is there") is still
    # a question unless it also gives an order.
    asks = found.question and (
        not wants_change
        or normalized.endswith("?")
        or _ADVICE.search(normalized)
        or not _IMPERATIVE.search(normalized)
    )
    if asks or (
        normalized.endswith("?") and not wants_change and found.question_topics and not found.help
    ):
        topics = [
            t for t in found.question_topics if t != "version" or len(found.question_topics) == 1
        ]
        topic = topics[0] if topics else "summary"
        return Intent(
            action="question",
            question=topic,
            reply=replies.answer(topics, current, genre=found.genre),
        )
    if not wants_change:
        if current is None and (found.create_words or found.new_beat):
            return _create(found, normalized, current, chose_defaults=True)
        if current is not None and (
            found.new_beat or (_CREATE_PHRASE.search(normalized) and _BEAT_NOUN.search(normalized))
        ):
            return _create(found, normalized, current)
        if found.greeting or found.thanks:
            greeting = "Hey! " if found.greeting else "Glad it works. "
            return Intent(action="help", reply=greeting + replies.help_text(current))
        if found.unsupported:
            word = found.unsupported[0]
            return Intent(
                action="help",
                notes=[f"no {word}"],
                reply=f"No {word} here — I make instrumentals. " + replies.help_text(current),
            )
        if looks_foreign(words_of(normalized)):
            return _fallback(FOREIGN, current)
        if current is not None and _KEEP_AS_IS.search(normalized):
            return modified(current, current)  # "keep it as is": nothing to change, said so
        return _fallback("not_understood", current)
    if current is None or found.new_beat or _is_create_request(found, normalized):
        return _create(found, normalized, current)
    return _modify(found, current)


def intent_from_mentions(
    found: Mentions, current: BeatSpec | None, *, create: bool, seed_text: str, source: str
) -> Intent:
    """The create/modify intent for already-understood mentions (the LLM provider's clauses)."""
    if found.solo and not found.changes_spec() and current is not None:
        intent = _solo(found, current)
        intent.source = source
        return intent
    if create or current is None:
        intent = _create(found, seed_text, current)
    else:
        intent = _modify(found, current)
    intent.source = source
    return intent


def _solo(found: Mentions, current: BeatSpec | None) -> Intent:
    """ "solo the 808": the studio's mixer solos it; no version, nothing deleted."""
    tracks = [name for name in TRACK_NAMES if name in found.solo]
    playing = [n for n in tracks if current is not None and current.tracks[n].enabled]
    return Intent(
        action="help",
        solo=tracks,
        mixer={"solo": playing} if playing else None,
        reply=replies.solo(tracks, current),
    )


def _repeated_turn(text: object, history: Sequence[Any] | None) -> str | None:
    """The previous user turn when this one only says "again"/"more" and there is history."""
    if not history or not isinstance(text, str) or not _REPEAT.match(text.strip().lower()):
        return None
    for role, previous in reversed(turns(history)):
        if role == "user" and not _REPEAT.match(previous.strip().lower()):
            return previous
    return None


# --- actions -------------------------------------------------------------------------------
def _create(
    found: Mentions, normalized: str, current: BeatSpec | None, *, chose_defaults: bool = False
) -> Intent:
    genre = (
        found.genre
        or found.occasion_genre
        or next((MOOD_GENRES[m] for m in found.moods if m in MOOD_GENRES), None)
        or (current.genre if current is not None else DEFAULT_GENRE)
    )
    seed = zlib.crc32(normalized.encode()) or 1
    if current is not None and seed == current.seed:
        seed = next_seed(seed)
    base = fresh_spec(genre, seed=seed)
    try:
        spec, notes = apply_mentions(base, found, creating=True)
    except SpecError as exc:
        return _refused(exc)
    if current is None and found.modify_words and not found.genre and not chose_defaults:
        notes.insert(0, "no beat yet, so I started one")
    if found.bpm_unclear is not None:
        notes.append(replies.step_which_way_note(found.bpm_unclear, spec.bpm))
    intent = created(spec, notes=notes, chose_defaults=chose_defaults)
    if found.variation_count > 1:
        count = min(found.variation_count, _MAX_VARIATIONS)
        specs = [spec]
        for _ in range(count - 1):
            specs.append(replace(specs[-1], seed=next_seed(specs[-1].seed)))
        intent.variations = specs[1:]
        intent.reply += replies.more_takes(count - 1)
    return intent


def _modify(found: Mentions, current: BeatSpec) -> Intent:
    try:
        spec, notes = apply_mentions(current, found, creating=False)
    except SpecError as exc:
        return _refused(exc)
    if found.solo:
        notes.append(replies.solo_note([n for n in TRACK_NAMES if n in found.solo]))
    if found.bpm_unclear is not None:
        if spec == current:
            # "make it 8 bpm": nothing else to do, so ask rather than clamp to the floor.
            return Intent(
                action="help", reply=replies.step_which_way(found.bpm_unclear, current.bpm)
            )
        notes.append(replies.step_which_way_note(found.bpm_unclear, current.bpm))
    intent = modified(current, spec, notes=notes)
    if not intent.changes and found.spared and found.tracks_on - found.spared:
        # "the kick, not the bass" with no verb: ask what to do rather than guess.
        named = [n for n in TRACK_NAMES if n in found.tracks_on - found.spared]
        spared = [n for n in TRACK_NAMES if n in found.spared]
        return Intent(action="help", reply=replies.which_way(named, spared, current))
    intent.mixer = _mixer(found, current, spec)
    if found.variation_count > 1:
        return _with_variations(intent, current, spec, found.variation_count)
    return intent


def _mixer(found: Mentions, current: BeatSpec, spec: BeatSpec) -> dict[str, list[str]] | None:
    """What the studio's mixer should show: soloed tracks, and tracks "mute" switched off."""
    mixer = {}
    solo = [name for name in TRACK_NAMES if name in found.solo and spec.tracks[name].enabled]
    if solo:
        mixer["solo"] = solo
    everything = MUTE_ALL in found.muted
    muted = [
        name
        for name in TRACK_NAMES
        if not spec.tracks[name].enabled
        and (name in found.muted or (everything and current.tracks[name].enabled))
    ]
    if muted:
        mixer["mute"] = muted
    return mixer or None


def _with_variations(intent: Intent, current: BeatSpec, first: BeatSpec, count: int) -> Intent:
    """ "3 variations": the first spec plus count-1 more, each with the next seed."""
    notes = list(intent.notes)
    if count > _MAX_VARIATIONS:
        notes.append(f"{_MAX_VARIATIONS} at a time, so {_MAX_VARIATIONS}")
        count = _MAX_VARIATIONS
    specs = [first]
    for _ in range(count - 1):
        specs.append(replace(specs[-1], seed=next_seed(specs[-1].seed)))
    intent.variations = specs[1:]
    intent.notes = notes
    intent.reply = replies.variations(current, specs, intent.changes, notes=notes)
    return intent


def created(
    spec: BeatSpec,
    *,
    notes: list[str] | None = None,
    chose_defaults: bool = False,
    source: str = "builtin",
) -> Intent:
    """The create intent for a finished spec: its change line and reply."""
    notes = notes or []
    return Intent(
        action="create",
        spec=spec,
        changes=[f"new beat: {replies.describe(spec)}"],
        notes=notes,
        reply=replies.create(spec, chose_defaults=chose_defaults, notes=notes),
        source=source,
    )


def modified(
    current: BeatSpec, spec: BeatSpec, *, notes: list[str] | None = None, source: str = "builtin"
) -> Intent:
    """The modify intent from the current spec to the new one: the changes and the reply."""
    notes = notes or []
    changes = replies.spec_changes(current, spec)
    return Intent(
        action="modify",
        spec=spec,
        changes=changes,
        notes=notes,
        reply=replies.modify(current, spec, changes, notes=notes),
        source=source,
    )


def _fallback(reason: str, current: BeatSpec | None) -> Intent:
    return Intent(
        action="help", reply=replies.fallback(reason, current), is_safe_fallback=True, error=reason
    )


def _refused(exc: SpecError) -> Intent:
    reply = f"Can't do that one — {exc.message} ({exc.field}). Nothing changed."
    return Intent(
        action="help", reply=reply, is_safe_fallback=True, error="invalid_change", notes=[str(exc)]
    )


def _is_create_request(found: Mentions, normalized: str) -> bool:
    """A full new-beat request while a beat exists ("give me a drill beat at 142")."""
    if _MODIFY_PHRASE.search(normalized) and not (
        found.artist and found.type_beat and _CREATE_PHRASE.search(normalized)
    ):
        return False
    if _WEAK_MODIFY_PHRASE.search(normalized) and not _CREATE_PHRASE.search(normalized):
        return False
    if found.artist and found.type_beat:
        # A style reference inside a beat edits it ("make it sound like pop smoke"); only an
        # explicit request for a beat starts over ("make me a pop smoke type beat").
        return bool(_CREATE_PHRASE.search(normalized) or found.new_beat)
    if not (found.genre or found.occasion_genre):
        return False
    if _GENRE_AS_VERB.match(normalized):
        return False  # "slow jam it, like 65", "trap it out": the genre as a verb on this beat
    return bool(_CREATE_PHRASE.search(normalized) or _BEAT_NOUN.search(normalized))


_GENRE_AS_VERB = re.compile(
    r"^\s*(?!make\b|give\b|do\b)[a-z&' -]{2,20}?\s+it(?:\s+(?:up|out))?\s*(?:[,.!;]|$)"
)


# --- spec building -------------------------------------------------------------------------
def fresh_spec(genre: str, *, seed: int = 1) -> BeatSpec:
    """The genre's default spec, validated (so flats in presets come out canonical)."""
    return replace(_validated_default(genre), seed=seed)


@functools.lru_cache(maxsize=len(GENRE_DEFAULTS) + 1)
def _validated_default(genre: str) -> BeatSpec:
    # Twelve genres: validate each preset once, not on every new beat or genre switch (the
    # seed is the only field that differs, and BeatSpec is immutable).
    return BeatSpec.from_dict(spec_data(default_spec(genre)))


def spec_data(spec: BeatSpec) -> dict[str, Any]:
    """``spec.to_dict()`` without its deep copies: every value in a spec is immutable, so the
    dicts only need to be new ones (``to_dict`` goes through ``dataclasses.asdict``, which
    copies every leaf and was a tenth of a long turn's parse time)."""
    data = {name: getattr(spec, name) for name in _SPEC_FIELDS}
    data["key"] = {"tonic": spec.key.tonic, "mode": spec.key.mode}
    data["sections"] = [{"name": s.name, "bars": s.bars} for s in spec.sections]
    data["tracks"] = {
        name: {field: getattr(spec.tracks[name], field) for field in _TRACK_FIELDS}
        for name in TRACK_NAMES
    }
    return data


_SPEC_FIELDS = tuple(f.name for f in fields(BeatSpec))
_TRACK_FIELDS = tuple(f.name for f in fields(TrackSpec))


def next_seed(seed: int) -> int:
    """A different, deterministic seed for "another one"."""
    return (seed * 1103515245 + 12345) % 2**32 or 1


def apply_mentions(
    base: BeatSpec, found: Mentions, *, creating: bool
) -> tuple[BeatSpec, list[str]]:
    """Apply what the turn asked for to ``base``; unmentioned fields are kept.

    Out-of-range requests are clamped and explained in the returned notes.
    Raises :class:`SpecError` only if the result still fails validation.
    """
    notes: list[str] = []
    data = spec_data(base)
    seconds_before = base.duration_s

    switching = bool(found.genre and found.genre != base.genre and not creating)
    # "make it feel more like <artist>" inside a beat: the artist's genre, kit and feel, but
    # this beat's tempo, key and length unless the turn names them.
    reference = bool(found.artist or found.style_reference) and not creating
    if switching:
        data = _switch_genre(data, found.genre, seconds_before)
        if reference or found.keep_tempo:
            data["bpm"] = base.bpm
    if reference and found.artist:
        notes.append(replies.reference_note(found.artist))
    data["bpm"] = _new_bpm(data["bpm"], found, notes)
    if switching:
        # The length in seconds survives a genre switch, at whatever tempo the turn settled on.
        data["bars"] = _bars_for(seconds_before, data["bpm"], data["meter"])
    _apply_key(data, found, creating)
    if found.meter and found.meter in METERS:
        data["meter"] = found.meter
    _apply_length(data, found, notes, seconds_before=seconds_before)
    if found.section_edits:
        apply_section_edits(data, found.section_edits, notes)
    else:
        fit_sections(data)
    _apply_tracks(data, found, notes)
    _apply_hats(data, found, notes)
    _apply_feel(data, found, notes, creating=creating)
    if found.new_seed and not creating:
        data["seed"] = next_seed(data["seed"])
    for word in dict.fromkeys(found.unsupported):
        notes.append(f"no {word} here — I make instrumentals")
    return BeatSpec.from_dict(data), notes


def switch_genre(spec: BeatSpec, genre: str) -> BeatSpec:
    """``spec`` moved to another genre the way a chat "make it drill" does (see below)."""
    data = spec_data(spec)
    return BeatSpec.from_dict(_switch_genre(data, genre, spec.duration_s))


def _switch_genre(data: dict[str, Any], genre: str, seconds: float) -> dict[str, Any]:
    """A genre change takes the new genre's tempo, kit, groove and mood; key, length, seed,
    loop and energy stay."""
    fresh = spec_data(fresh_spec(genre, seed=data["seed"]))
    for name in ("key", "seed", "loop", "energy", "meter"):
        fresh[name] = data[name]
    fresh["bars"] = _bars_for(seconds, fresh["bpm"], fresh["meter"])
    return fresh


def _new_bpm(bpm: float, found: Mentions, notes: list[str]) -> float:
    target = bpm
    if found.bpm is not None:
        target = found.bpm
    elif found.bpm_delta is not None:
        target = bpm + found.bpm_delta
    elif found.bpm_scale is not None:
        target = round(bpm * found.bpm_scale)
        if target == bpm:
            target = bpm + (1 if found.bpm_scale > 1 else -1)
    if target > BPM_MAX:
        notes.append(f"{target:g} BPM is past the {BPM_MAX:g} ceiling, so {BPM_MAX:g}")
        target = BPM_MAX
    elif target < BPM_MIN:
        notes.append(f"{target:g} BPM is under the {BPM_MIN:g} floor, so {BPM_MIN:g}")
        target = BPM_MIN
    return round(float(target), 3)


def _apply_key(data: dict[str, Any], found: Mentions, creating: bool) -> None:
    key = data["key"]
    if found.tonic:
        key["tonic"] = normalize_tonic(found.tonic)
    if found.mode:
        key["mode"] = found.mode
    elif creating and found.mode_hint:
        key["mode"] = found.mode_hint
    elif found.strong_mode_hint:
        key["mode"] = found.strong_mode_hint
    relation = found.key_relation or ""
    if relation.startswith("relative") and not found.tonic:
        target = relation.partition("-")[2]
        if target != key["mode"]:
            key["tonic"], key["mode"] = relative_key(key["tonic"], key["mode"])
    transpose = found.transpose
    if found.transpose_options:
        major, minor = found.transpose_options
        transpose = minor if key["mode"] == "minor" else major
    if transpose:
        key["tonic"] = transpose_tonic(key["tonic"], transpose)


def _seconds_per_bar(bpm: float, meter: str) -> float:
    count, unit = METERS[meter]
    return count * 4 / unit * 60.0 / bpm


# A length asked in time lands on whole phrases: 4-bar phrases when that stays within this
# share of the time asked, else 2-bar ones, else the nearest bar (a count of bars asked for
# is always kept exactly). 70, 93 or 105 bars is not how producers arrange.
_PHRASE_TOLERANCE = 0.02


def _bars_for(seconds: float, bpm: float, meter: str) -> int:
    per_bar = _seconds_per_bar(bpm, meter)
    exact = seconds / per_bar
    for phrase in (4, 2):
        bars = max(phrase, round(exact / phrase) * phrase)
        if abs(bars * per_bar - seconds) <= _PHRASE_TOLERANCE * seconds:
            return bars
    return max(1, round(exact))


def _apply_length(
    data: dict[str, Any], found: Mentions, notes: list[str], *, seconds_before: float
) -> None:
    per_bar = _seconds_per_bar(data["bpm"], data["meter"])
    bars = data["bars"]
    if found.bars:
        bars = found.bars
    elif found.duration_s:
        bars = _bars_for(found.duration_s, data["bpm"], data["meter"])
    if found.length_scale:
        # "twice as long" means twice the time, even when the same turn changes the tempo.
        seconds = bars * per_bar if found.bars or found.duration_s else seconds_before
        bars = _bars_for(seconds * found.length_scale, data["bpm"], data["meter"])
    if found.length_delta_bars:
        bars = max(1, bars + found.length_delta_bars)
    if found.length_delta_s:
        bars = max(1, bars + round(found.length_delta_s / per_bar))
    if found.loop is True and not (found.bars or found.duration_s):
        bars = min(bars, _LOOP_BARS) if bars > 16 else bars
    if found.loop is False and not (found.bars or found.duration_s) and bars <= _LOOP_BARS:
        bars = 32
    if found.loop is not None:
        data["loop"] = found.loop
    max_bars = math.floor(MAX_DURATION_S / per_bar)
    if bars > max_bars:
        notes.append(f"capped at {MAX_DURATION_S / 60:g} minutes")
        bars = max_bars
    data["bars"] = bars


def _apply_tracks(data: dict[str, Any], found: Mentions, notes: list[str]) -> None:
    tracks = data["tracks"]
    before = {name: tracks[name]["enabled"] for name in TRACK_NAMES}
    # "the drums" means the drum tracks this genre uses, not every drum voice there is.
    usual = set(GENRE_DEFAULTS[data["genre"]].enabled) | {n for n in TRACK_NAMES if before[n]}
    if found.only_tracks is not None:
        for name in TRACK_NAMES:
            named = name in found.only_tracks and (name not in found.from_group or name in usual)
            tracks[name]["enabled"] = named
    if found.all_tracks_on:
        for name in GENRE_DEFAULTS[data["genre"]].enabled:
            tracks[name]["enabled"] = True
    for name in found.tracks_on:
        if name not in found.from_group or name in usual:
            tracks[name]["enabled"] = True
    for name in found.tracks_off:
        tracks[name]["enabled"] = False
    if not any(tracks[name]["enabled"] for name in TRACK_NAMES):
        notes.append("that would leave nothing playing, so the tracks stay as they were")
        for name in TRACK_NAMES:
            tracks[name]["enabled"] = before[name]
    for name, step in found.gains.items():
        gain = tracks[name]["gain_db"] + step
        tracks[name]["gain_db"] = max(_GAIN_MIN, min(_GAIN_MAX, gain))
    for name, instrument in found.instruments.items():
        for track, chosen in instrument_choice(name, instrument, notes).items():
            tracks[track]["instrument"] = chosen
            tracks[track]["enabled"] = tracks[track]["enabled"] or track == name


def _apply_hats(data: dict[str, Any], found: Mentions, notes: list[str]) -> None:
    hats = data["tracks"]["hats"]
    rate = hats["rate"]
    new = rate
    if found.hats_rate:
        new = min(HAT_RATES, key=lambda r: abs(r - found.hats_rate))
    if found.hats_triplet:
        new = 24 if (found.hats_rate or rate) >= 16 else 12
    if found.hats_step > 0:
        doubled = new * 2
        new = doubled if doubled in HAT_RATES else next((r for r in HAT_RATES if r > new), new)
        if new == rate:
            notes.append(f"hats are already at {replies.hats_label(rate)}, the fastest I do")
    elif found.hats_step < 0:
        halved = new // 2 if new % 2 == 0 else 0
        new = (
            halved
            if halved in HAT_RATES
            else next((r for r in reversed(HAT_RATES) if r < new), new)
        )
    if new != rate or found.hats_rate or found.hats_triplet or found.hats_step:
        hats["rate"] = new
        if "hats" not in found.tracks_off:
            hats["enabled"] = True  # asking for a hat rate asks for hats


def _apply_feel(data: dict[str, Any], found: Mentions, notes: list[str], *, creating: bool) -> None:
    if found.swing is not None:
        data["swing"] = round(found.swing, 3)
    elif found.swing_delta:
        swing = data["swing"] + found.swing_delta
        if found.swing_delta > 0:
            swing = max(swing, 0.25)
            if data["swing"] >= 1.0:
                notes.append("swing is already maxed")
        data["swing"] = round(max(0.0, min(1.0, swing)), 3)
    if found.energy_delta:
        data["energy"] = round(max(0.0, min(1.0, data["energy"] + found.energy_delta)), 3)
    if found.moods:
        mood = ""
        for name in found.moods:
            candidate = f"{mood} {name}".strip()
            if len(candidate) > 32:
                break
            mood = candidate
        data["mood"] = mood


# Every pattern above skips straight to the characters its matches can start with.
accelerate_globals(globals())
