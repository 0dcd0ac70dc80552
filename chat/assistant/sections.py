"""Per-section edits ("longer intro", "add a breakdown before the last hook") on the spec's sections."""

from __future__ import annotations

from typing import Any

from generation.engine.arrange import plan_sections
from generation.engine.spec import BeatSpec

__all__ = ["apply_section_edits", "fit_sections"]

_MIN_BARS = 16  # shorter beats are one hook; there is no intro to lengthen
_ENERGY_STEP = 0.2


def _current_plan(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The sections the engine would play for ``data``: its own, or the planned default."""
    if data.get("sections"):
        return [dict(s) for s in data["sections"]]
    spec = BeatSpec.from_dict({**data, "sections": []})
    return [{"name": s.name, "bars": s.bars} for s in plan_sections(spec)]


def fit_sections(data: dict[str, Any]) -> None:
    """Keep explicit sections adding up to the bars after a length change (the last body
    section takes the difference); drop them when that cannot work, so the engine re-plans."""
    sections = data.get("sections") or []
    if not sections:
        return
    total = sum(s["bars"] for s in sections)
    difference = data["bars"] - total
    if difference == 0:
        return
    body = [i for i, s in enumerate(sections) if s["name"] not in ("intro", "outro")]
    index = body[-1] if body else len(sections) - 1
    if sections[index]["bars"] + difference >= 1 and not data.get("loop"):
        sections[index] = {**sections[index], "bars": sections[index]["bars"] + difference}
        data["sections"] = sections
    else:
        data["sections"] = []


def apply_section_edits(
    data: dict[str, Any], edits: list[tuple[str, str]], notes: list[str]
) -> None:
    """Apply (section, edit) pairs to ``data`` in place; what cannot be done goes in notes.

    Lengthening or adding a section lengthens the beat by those bars; the rest is unchanged.
    """
    if data.get("loop") or data["bars"] < _MIN_BARS:
        notes.append("a loop this short has no sections to edit — say 'full song' first")
        return
    plan = _current_plan(data)
    start = [dict(s) for s in plan]
    for section, edit in edits:
        names = [s["name"] for s in plan]
        if edit == "harder":
            data["energy"] = round(min(1.0, data["energy"] + _ENERGY_STEP), 3)
            notes.append(f"energy is beat-wide, so the {section} and everything else hit harder")
            continue
        if edit.startswith("no-tracks:"):
            tracks = edit.split(":", 1)[1].replace("+", ", ")
            notes.append(
                f"each section plays its own set of tracks; I can't mute {tracks} in the "
                f"{section} alone yet, so the tracks stay as they were"
            )
            continue
        if edit == "add-before-last-hook":
            hooks = [i for i, n in enumerate(names) if n in ("hook", "drop")]
            at = hooks[-1] if hooks else max(0, len(plan) - 1)
            plan.insert(at, {"name": section, "bars": 8})
            continue
        if edit == "add":
            if section in names:
                index = names.index(section)
                plan[index] = {**plan[index], "bars": plan[index]["bars"] + 4}
            elif section == "intro":
                plan.insert(0, {"name": "intro", "bars": 4})
            elif section == "outro":
                plan.append({"name": "outro", "bars": 4})
            else:
                at = max(1, len(plan) - 2)
                plan.insert(at, {"name": section, "bars": 8})
            continue
        matching = [i for i, n in enumerate(names) if n == section]
        if not matching:
            notes.append(f"there is no {section} in this arrangement")
            continue
        if edit == "remove":
            if len(plan) - len(matching) < 1:
                notes.append(f"the {section} is all there is, so it stays")
                continue
            plan = [s for s in plan if s["name"] != section]
        elif edit == "longer":
            index = matching[-1] if section == "hook" else matching[0]
            bars = plan[index]["bars"]
            plan[index] = {**plan[index], "bars": bars + (4 if bars < 8 else 8)}
        elif edit == "shorter":
            index = matching[-1] if section == "hook" else matching[0]
            bars = plan[index]["bars"]
            plan[index] = {**plan[index], "bars": max(2, bars // 2)}
    if plan == start:
        return  # nothing about the arrangement moved (only notes, or energy)
    data["sections"] = plan
    data["bars"] = sum(s["bars"] for s in plan)
