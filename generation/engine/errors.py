"""SpecError: the one error a bad spec (or a spec this machine cannot render) raises."""

from __future__ import annotations

__all__ = ["SpecError"]


class SpecError(ValueError):
    """A spec field is invalid; ``field`` is its dotted path (e.g. ``tracks.hats.rate``)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message
