"""JSON parsing with a nesting limit checked before parsing (deep input crashed the parser)."""

from __future__ import annotations

import json
import re
from typing import Any

# Strings first (brackets inside them do not nest); the pattern is linear, no backtracking.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class TooDeep(ValueError):
    """The document nests arrays/objects deeper than allowed."""


def depth(text: str) -> int:
    """How deep arrays and objects nest in ``text`` (0 for a scalar), without parsing it."""
    level = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            level += 1
            deepest = max(deepest, level)
        else:
            level -= 1
    return deepest


def loads(text: str | bytes, *, max_depth: int) -> Any:
    """``json.loads`` that raises :class:`TooDeep` above ``max_depth`` before parsing, and
    ``ValueError`` (never ``RecursionError``) for anything it cannot parse."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")  # UnicodeDecodeError is a ValueError
    if depth(text) > max_depth:
        raise TooDeep(f"nested deeper than {max_depth} levels")
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise TooDeep("nested too deep to parse") from exc
