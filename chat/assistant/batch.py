"""Batch interpretation for `parse_prompt --batch`: JSON lines in, one result line per input out."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from generation.engine.spec import BeatSpec, SpecError

from .intent import Intent
from .interpreter import fresh_spec, interpret

__all__ = ["interpret_record", "run_batch", "spec_from_given"]

Interpreter = Callable[..., Intent]


def spec_from_given(given: dict[str, Any]) -> BeatSpec:
    """The current beat described by an eval line's ``given`` (genre, bpm, tonic, mode).

    Fields left out take the genre's defaults; spec fields such as ``bars``, ``swing`` or
    ``tracks`` are taken too when a line carries them.
    """
    if not isinstance(given, dict):
        raise SpecError("given", "must be an object with genre, bpm, tonic, mode")
    spec = fresh_spec(given.get("genre", "trap"))
    changes: dict[str, Any] = {}
    if "bpm" in given:
        changes["bpm"] = given["bpm"]
    key = {name: given[name] for name in ("tonic", "mode") if name in given}
    if key:
        changes["key"] = key
    # Richer eval lines may also pin the length or feel; take those spec fields as they are.
    for name in ("bars", "duration_s", "meter", "swing", "energy", "mood", "loop", "tracks"):
        if name in given:
            changes[name] = given[name]
    return spec.with_changes(**changes) if changes else spec


def interpret_record(
    record: dict[str, Any], interpreter: Interpreter = interpret
) -> dict[str, Any]:
    """One batch line -> ``{"id", "action", "spec", "previous", "export", "changes"}``.

    ``spec`` is the spec after the turn. Turns that do not edit the beat (undo, redo, export,
    question, help) leave it as it was, so their ``spec`` equals ``previous``: a batch line has
    no version history to undo into. Without ``given`` such turns have ``spec`` null.
    """
    record_id = record.get("id")
    previous = spec_from_given(record["given"]) if record.get("given") is not None else None
    intent = interpreter(str(record.get("text", "")), previous)
    spec = (
        intent.spec
        if intent.action in ("create", "modify") and intent.spec is not None
        else previous
    )
    return {
        "id": record_id,
        "action": intent.action,
        "spec": spec.to_dict() if spec is not None else None,
        "previous": previous.to_dict() if previous is not None else None,
        "export": intent.export if intent.action == "export" else None,
        "changes": list(intent.changes),
    }


def run_batch(
    lines: Iterable[str], interpreter: Interpreter = interpret
) -> Iterator[dict[str, Any]]:
    """Interpret each JSON line; a line that cannot be read yields ``{"id", "error"}`` instead."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("a line must be a JSON object")
            yield interpret_record(record, interpreter)
        except (ValueError, KeyError, SpecError) as exc:
            record_id = record.get("id") if isinstance(locals().get("record"), dict) else None
            yield {"id": record_id, "error": f"line {number}: {exc}"}
