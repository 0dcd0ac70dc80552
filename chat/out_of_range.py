"""What a turn asked for that the beat cannot be, said in the reply instead of silently
misread: "10000 bars" (past the length limit), "-5 bars", "0 bars", "-3 minutes", and a
genre the engine does not know ("zydecore beat"). The parser (chat/assistant) keeps its
own clamping notes (bpm, minutes); this adds the cases it passes over."""

from __future__ import annotations

import re
from typing import Any

from generation.engine.presets import GENRES
from generation.engine.spec import MAX_DURATION_S, BeatSpec

from .assistant import replies, vocabulary

_BARS = re.compile(r"(?<![\w.])(-?\s?\d[\d,]*)\s*(?:bars?|measures?)\b", re.IGNORECASE)
_NEGATIVE_LENGTH = re.compile(
    r"(?<![\w.])(-\s?\d+(?:\.\d+)?)\s*(minutes?|mins?|seconds?|secs?)\b", re.IGNORECASE
)
_GENRE_SLOT = re.compile(r"\b([a-z][a-z-]{2,})\s+(?:type\s+)?(?:beat|track|instrumental)s?\b")
# Words that fill "<word> beat" without naming a genre.
_NOT_GENRES = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "my",
        "your",
        "our",
        "new",
        "fresh",
        "another",
        "other",
        "different",
        "same",
        "next",
        "first",
        "last",
        "good",
        "nice",
        "cool",
        "sick",
        "fire",
        "hard",
        "heavy",
        "chill",
        "simple",
        "basic",
        "quick",
        "short",
        "long",
        "slow",
        "fast",
        "crazy",
        "big",
        "little",
        "small",
        "whole",
        "full",
        "random",
        "some",
        "any",
        "one",
        "real",
        "proper",
        "banging",
        "hot",
        "fun",
        "happy",
        "bouncy",
        "smooth",
        "soft",
        "loud",
        "clean",
        "weird",
        "strange",
        "epic",
        "catchy",
        "groovy",
        "hype",
        "lit",
        "wavy",
        "mellow",
        "better",
        "best",
        "slower",
        "faster",
        "longer",
        "shorter",
        "full-length",
        "instrumental",
        "sample",
        "drum",
        "simple",
        "sparse",
        "minimal",
        "complex",
        "busy",
        "upbeat",
        "downtempo",
        "style",
        "song",
        "songs",
        "make",
        "made",
        "type",
        "minute",
        "minutes",
        "second",
        "seconds",
        "bar",
        "bars",
        "last",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "two",
    ]
)


def _known_words() -> frozenset[str]:
    words: set[str] = set(_NOT_GENRES)
    for source in (
        vocabulary.GENRE_ALIASES,
        vocabulary.GENERIC_GENRE_ALIASES,
        vocabulary.ARTIST_GENRES,
        vocabulary.MOODS,
        vocabulary.MOOD_GENRES,
        vocabulary.OCCASION_GENRES,
        vocabulary.DECADE_GENRES,
        vocabulary.TRACK_ALIASES,
        vocabulary.INSTRUMENT_WORDS,
        vocabulary.TYPOS,
        vocabulary.FUZZY_TARGETS,
        vocabulary.UNIT_WORDS,
        vocabulary.TENS_WORDS,
        GENRES,
    ):
        for phrase in source:
            words.update(re.split(r"[\s-]+", phrase.lower()))
    words.update(v.lower() for v in vocabulary.TYPOS.values())
    return frozenset(words)


_KNOWN = _known_words()


def _length(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def notes_for(text: str, spec: BeatSpec | None, reply: str) -> list[str]:
    """Sentences saying what in ``text`` was clamped or refused for ``spec`` (the spec the
    turn produced, or the unchanged one); none when everything asked for was honoured or
    the parser's ``reply`` already says so."""
    if spec is None:
        return []
    notes: list[str] = []
    seconds_per_bar = 4 * 60.0 / spec.bpm
    longest = int(MAX_DURATION_S // seconds_per_bar)
    for match in _BARS.finditer(text):
        raw = match.group(1).replace(" ", "")
        asked = int(raw.replace(",", ""))
        if asked == spec.bars or (raw.lstrip("-") in reply and asked > 0):
            continue
        if asked <= 0:
            notes.append(replies.bars_not_a_length(raw, spec.bars))
        elif asked > longest:
            notes.append(
                replies.bars_past_limit(
                    asked,
                    minutes=MAX_DURATION_S / 60,
                    longest=longest,
                    bpm=spec.bpm,
                    bars=spec.bars,
                )
            )
    for match in _NEGATIVE_LENGTH.finditer(text):
        asked = f"{match.group(1).replace(' ', '')} {match.group(2)}"
        notes.append(replies.length_negative(asked, _length(spec.duration_s)))
    for match in _GENRE_SLOT.finditer(text.lower()):
        word = match.group(1)
        known = any(part in _KNOWN for part in word.split("-"))  # "k-pop", "hip-hop"
        if not known and word not in reply.lower():
            notes.append(replies.genre_unknown(word, spec.genre, GENRES))
            break
    return notes


def annotate(text: str, intent: Any, current: BeatSpec | None = None) -> None:
    """Add :func:`notes_for`'s sentences to the intent's reply and notes (in place); a turn
    that made no spec is measured against the ``current`` one (the beat stays as it is)."""
    notes = notes_for(text, intent.spec or current, intent.reply)
    if notes:
        intent.notes = [*intent.notes, *notes]
        intent.reply = f"{intent.reply} {' '.join(notes)}"
