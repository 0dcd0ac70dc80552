"""The Intent: what the assistant understood from one chat turn, and what it will say."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generation.engine.spec import BeatSpec

__all__ = ["ACTIONS", "EXPORT_KINDS", "Intent"]

ACTIONS = ("create", "modify", "undo", "redo", "export", "question", "help")
EXPORT_KINDS = ("stems", "midi", "wav", "mp3")


@dataclass
class Intent:
    """One understood turn.

    ``spec`` is the full spec after the turn for create/modify and None otherwise.
    ``changes`` are short human-readable edits ("bpm 140 → 150"); empty on a modify means the
    beat already was what the user asked for, so nothing needs rendering.
    ``is_safe_fallback`` marks a reply given instead of acting (bad input, refused change);
    ``error`` then names why (``empty``, ``too_long``, ``binary``, ``prompt_injection``,
    ``foreign``, ``not_understood``, ``invalid_change``, ``internal``).
    ``usage`` is set by the LLM provider: provider, model, tokens, cost and fallback reason.
    """

    action: str
    reply: str
    spec: BeatSpec | None = None
    changes: list[str] = field(default_factory=list)
    export: str | None = None
    restore_version: int | None = None
    question: str | None = None
    notes: list[str] = field(default_factory=list)
    is_safe_fallback: bool = False
    error: str | None = None
    source: str = "builtin"
    usage: dict[str, Any] | None = None
    # "give me 3 variations": the further specs after ``spec``, each to become its own version.
    variations: list[BeatSpec] = field(default_factory=list)
    # "solo the drums": tracks the studio's mixer should solo; the spec is not touched.
    solo: list[str] = field(default_factory=list)
    # For the studio's mixer, passed through to the client unchanged: {"solo": ["bass"]} for
    # "solo the 808" (no new version), {"mute": ["hats"]} for "mute the hats" (a version with
    # the hats off, and the mixer's M lit).
    mixer: dict[str, list[str]] | None = None
    # "go back two versions", "undo twice": how many steps an undo/redo walks.
    steps: int = 1

    @property
    def changes_spec(self) -> bool:
        """True when the turn produces a new spec that differs from the current one."""
        return (
            self.action in ("create", "modify")
            and self.spec is not None
            and (self.action == "create" or bool(self.changes))
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (the spec as ``BeatSpec.to_dict``)."""
        return {
            "action": self.action,
            "spec": self.spec.to_dict() if self.spec is not None else None,
            "changes": list(self.changes),
            "export": self.export,
            "restore_version": self.restore_version,
            "question": self.question,
            "reply": self.reply,
            "notes": list(self.notes),
            "is_safe_fallback": self.is_safe_fallback,
            "error": self.error,
            "source": self.source,
            "usage": dict(self.usage) if self.usage is not None else None,
            "variations": [spec.to_dict() for spec in self.variations],
            "solo": list(self.solo),
            "mixer": {k: list(v) for k, v in self.mixer.items()} if self.mixer else None,
            "steps": self.steps,
        }
