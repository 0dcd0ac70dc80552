"""The clause structure: one edit per clause (scope, polarity, absolute or relative quantity).

The LLM provider answers in this structure (``CLAUSE_SCHEMA`` is part of its output schema);
:func:`mentions_from_clauses` validates the clauses and folds them, in order, into the same
:class:`~chat.assistant.extract.Mentions` the built-in parser produces, so both paths apply
edits with one composer and the last correction wins either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generation.engine.presets import GENRES, INSTRUMENTS, TRACK_NAMES
from generation.engine.spec import HAT_RATES, METERS, SECTION_NAMES, SpecError, normalize_tonic

from .compose import merge_mentions
from .extract import Mentions

__all__ = ["CLAUSE_SCHEMA", "ClauseError", "mentions_from_clauses"]

# field -> the operations it takes
_OPS: dict[str, tuple[str, ...]] = {
    "tempo": ("set", "add", "scale"),
    "length": ("set", "add", "scale"),
    "key": ("set", "transpose", "relative", "parallel"),
    "genre": ("set",),
    "tracks": ("on", "off", "mute", "only", "keep", "solo", "louder", "quieter", "instrument"),
    "hats": ("set", "faster", "slower", "triplet"),
    "swing": ("set", "add"),
    "energy": ("add",),
    "meter": ("set",),
    "section": ("longer", "shorter", "add", "remove", "add_before_last_hook", "harder"),
    "variation": ("set",),
}
_UNITS = ("bpm", "percent", "bars", "seconds", "semitones", None)

CLAUSE_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": (
        "The turn as ordered clauses; later clauses win ('128, actually 126' is two tempo "
        "clauses). Relative amounts stay relative: 'down 8 bpm' is tempo add -8 bpm."
    ),
    "items": {
        "type": "object",
        "properties": {
            "field": {"type": "string", "enum": list(_OPS)},
            "op": {"type": "string", "enum": sorted({op for ops in _OPS.values() for op in ops})},
            "value": {"type": ["number", "string", "null"]},
            "unit": {"type": ["string", "null"], "enum": list(_UNITS)},
            "tracks": {"type": "array", "items": {"type": "string", "enum": list(TRACK_NAMES)}},
            "section": {"type": ["string", "null"], "enum": [*SECTION_NAMES, None]},
            "mode": {"type": ["string", "null"], "enum": ["major", "minor", None]},
        },
        "required": ["field", "op"],
        "additionalProperties": False,
    },
}
_CLAUSE_KEYS = set(CLAUSE_SCHEMA["items"]["properties"])
_MAX_CLAUSES = 24


class ClauseError(ValueError):
    """A clause that does not fit the schema or makes no sense for its field."""


def _number(clause: dict[str, Any]) -> float:
    value = clause.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ClauseError(f"{clause['field']} {clause['op']} needs a number")
    return float(value)


def _tracks(clause: dict[str, Any]) -> tuple[str, ...]:
    names = clause.get("tracks") or []
    if not isinstance(names, list) or not names or any(n not in TRACK_NAMES for n in names):
        raise ClauseError(f"tracks must name some of {', '.join(TRACK_NAMES)}")
    return tuple(dict.fromkeys(names))


def _one(clause: dict[str, Any]) -> Mentions:
    """The Mentions of a single validated clause."""
    found = Mentions()
    field, op, unit = clause["field"], clause["op"], clause.get("unit")
    if field == "tempo":
        amount = _number(clause)
        if op == "set":
            found.bpm = amount
        elif op == "add":
            if unit == "percent":
                found.bpm_scale = 1 + amount / 100
            else:
                found.bpm_delta = amount
        else:
            found.bpm_scale = amount
    elif field == "length":
        amount = _number(clause)
        if op == "scale":
            found.length_scale = amount
        elif unit == "bars":
            if op == "set":
                found.bars = int(amount)
            else:
                found.length_delta_bars = int(amount)
        elif unit == "seconds":
            if op == "set":
                found.duration_s = amount
            else:
                found.length_delta_s = amount
        else:
            raise ClauseError("a length needs unit bars or seconds")
    elif field == "key":
        if op == "set":
            value = clause.get("value")
            if value is not None:
                try:
                    found.tonic = normalize_tonic(str(value))
                except SpecError as exc:
                    raise ClauseError(str(exc)) from exc
            found.mode = clause.get("mode")
            if found.tonic is None and found.mode is None:
                raise ClauseError("key set needs a tonic (value) or a mode")
        elif op == "transpose":
            found.transpose = int(_number(clause))
        elif op == "relative":
            mode = clause.get("mode")
            found.key_relation = f"relative-{mode}" if mode in ("major", "minor") else "relative"
        else:
            found.mode = clause.get("mode")
            if found.mode not in ("major", "minor"):
                raise ClauseError("key parallel needs mode major or minor")
    elif field == "genre":
        if clause.get("value") not in GENRES:
            raise ClauseError(f"genre must be one of {', '.join(GENRES)}")
        found.genre = clause["value"]
    elif field == "tracks":
        names = _tracks(clause)
        if op in ("on", "keep"):
            found.tracks_on.update(names)
        elif op == "off":
            found.tracks_off.update(names)
        elif op == "mute":
            found.tracks_off.update(names)
            found.muted.update(names)
        elif op == "only":
            found.only_tracks = set(names)
        elif op == "solo":
            found.solo.update(names)
        elif op in ("louder", "quieter"):
            step = 3.0 if op == "louder" else -3.0
            found.gains.update(dict.fromkeys(names, step))
        else:
            value = clause.get("value")
            if len(names) != 1 or value not in INSTRUMENTS[names[0]]:
                raise ClauseError("instrument needs one track and one of its instruments")
            found.instruments[names[0]] = value
    elif field == "hats":
        if op == "set":
            rate = int(_number(clause))
            if rate not in HAT_RATES:
                raise ClauseError(f"hat rate must be one of {HAT_RATES}")
            found.hats_rate = rate
        elif op == "triplet":
            found.hats_triplet = True
        else:
            found.hats_step = 1 if op == "faster" else -1
    elif field == "swing":
        amount = _number(clause)
        if op == "set":
            found.swing = amount
        else:
            found.swing_delta = amount
    elif field == "energy":
        found.energy_delta = _number(clause)
    elif field == "meter":
        if clause.get("value") not in METERS:
            raise ClauseError(f"meter must be one of {', '.join(METERS)}")
        found.meter = clause["value"]
    elif field == "section":
        section = clause.get("section")
        if section not in SECTION_NAMES:
            raise ClauseError(f"section must be one of {', '.join(SECTION_NAMES)}")
        edit = "add-before-last-hook" if op == "add_before_last_hook" else op
        found.section_edits.append((section, edit))
    else:  # variation
        count = int(_number(clause))
        found.new_seed = True
        found.variation_count = max(1, count)
    return found


def _validate(clause: object) -> dict[str, Any]:
    if not isinstance(clause, dict):
        raise ClauseError("a clause must be an object")
    unknown = set(clause) - _CLAUSE_KEYS
    if unknown:
        raise ClauseError(f"unknown clause key {sorted(unknown)[0]}")
    field, op = clause.get("field"), clause.get("op")
    if field not in _OPS or op not in _OPS[field]:
        raise ClauseError(f"{field!r} does not take op {op!r}")
    if clause.get("unit") not in _UNITS:
        raise ClauseError(f"unit {clause.get('unit')!r} is not one of {_UNITS}")
    return clause


def mentions_from_clauses(clauses: Sequence[object]) -> Mentions:
    """Validate the clauses and fold them in order (later clauses win for what they name).

    Raises :class:`ClauseError` on the first invalid clause.
    """
    if not isinstance(clauses, list) or not clauses:
        raise ClauseError("clauses must be a non-empty list")
    if len(clauses) > _MAX_CLAUSES:
        raise ClauseError(f"at most {_MAX_CLAUSES} clauses")
    found = Mentions()
    for clause in clauses:
        found = merge_mentions(found, _one(_validate(clause)))
    return found
