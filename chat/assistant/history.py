"""Earlier chat turns as the assistant reads them: (role, text) pairs, oldest first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["turns"]


def turns(history: Iterable[Any] | None) -> list[tuple[str, str]]:
    """Normalise history items: strings are user turns; mappings carry ``role`` (user or
    assistant, default user) and ``text`` or ``content``. Anything else is skipped."""
    result = []
    for item in history or ():
        if isinstance(item, str):
            role, text = "user", item
        elif isinstance(item, Mapping):
            role = item.get("role") if item.get("role") in ("user", "assistant") else "user"
            text = str(item.get("text") or item.get("content") or "")
        else:
            continue
        if text.strip():
            result.append((role, text))
    return result
