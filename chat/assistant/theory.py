"""Music theory the assistant speaks: intervals, relative and parallel keys, transposition."""

from __future__ import annotations

import re

from generation.engine.spec import PITCH_CLASSES, normalize_tonic

from .prefilter import accelerate_globals

__all__ = ["INTERVAL", "interval_semitones", "relative_key", "transpose_tonic"]

# Named intervals in semitones: (major or perfect, minor); None where a quality makes no sense.
_INTERVALS: dict[str, tuple[int, int | None]] = {
    "unison": (0, None),
    "second": (2, 1),
    "third": (4, 3),
    "fourth": (5, None),
    "fifth": (7, None),
    "sixth": (9, 8),
    "seventh": (11, 10),
    "octave": (12, None),
    "tritone": (6, None),
}
_ORDINAL_DIGITS = {"2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth",
                   "6th": "sixth", "7th": "seventh", "8ve": "octave"}  # fmt: skip
_NAME = r"(?P<name>second|third|fourth|fifth|sixth|seventh|octave|tritone|2nd|3rd|4th|5th|6th|7th)"
_QUALITY = (
    r"(?:(?P<quality>perfect|major|minor|maj|min|augmented|aug|diminished|dim|flat|sharp)\s+)?"
)
_DIR_BEFORE = r"(?:(?P<before>up|down|higher|lower|above|below)\s+(?:by\s+)?)?"
_DIR_AFTER = r"(?:\s+(?P<after>up|down|higher|lower|above|below))?"
# "up a fourth", "a perfect fifth higher", "transpose down a minor third", "shift it a 4th up".
INTERVAL = re.compile(
    r"\b"
    + _DIR_BEFORE
    + r"(?:(?:a|an|one|by\s+a|by\s+an)\s+)?"
    + _QUALITY
    + _NAME
    + r"\b"
    + _DIR_AFTER
    + r"\b"
)


def interval_semitones(
    match: re.Match[str], mode: str | None = None, *, verb: bool = False
) -> int | None:
    """Signed semitones of an :data:`INTERVAL` match; None without a direction or a verb
    before it (``verb``: "transpose", "shift it", "move" ...).

    An unqualified third, sixth or seventh is the one in the key (minor in a minor key).
    """
    direction = match.group("before") or match.group("after")
    if direction is None and not verb:
        return None
    name = _ORDINAL_DIGITS.get(match.group("name"), match.group("name"))
    major, minor = _INTERVALS[name]
    quality = match.group("quality") or ""
    if quality in ("minor", "min", "flat") and minor is not None:
        semitones = minor
    elif quality in ("major", "maj", "perfect") or minor is None:
        semitones = major
    elif quality in ("augmented", "aug", "sharp"):
        semitones = major + 1
    elif quality in ("diminished", "dim"):
        semitones = (minor if minor is not None else major) - 1
    else:
        semitones = minor if mode == "minor" and minor is not None else major
    down = direction in ("down", "lower", "below")
    return -semitones if down else semitones


def transpose_tonic(tonic: str, semitones: int) -> str:
    """The tonic moved by ``semitones`` (canonical sharp spelling)."""
    index = PITCH_CLASSES.index(normalize_tonic(tonic))
    return PITCH_CLASSES[(index + semitones) % 12]


def relative_key(tonic: str, mode: str) -> tuple[str, str]:
    """The relative key: F minor -> G# (Ab) major, C major -> A minor."""
    if mode == "minor":
        return transpose_tonic(tonic, 3), "major"
    return transpose_tonic(tonic, -3), "minor"


# Every pattern above skips straight to the characters its matches can start with.
accelerate_globals(globals())
