"""Screening of raw chat text (bad input) and normalisation into the parser's lowercase form."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from .numbers import foreign_numbers_to_digits, lone_numbers_to_digits
from .prefilter import accelerate_globals, accelerated, could_match
from .vocabulary import (
    ARTIST_GENRES,
    EXPORT_FORMATS,
    FOREIGN_DIRECTIONS,
    FOREIGN_STEP_VERBS,
    FOREIGN_WORDS,
    FUZZY_STOPWORDS,
    FUZZY_TARGETS,
    GENRE_ALIASES,
    MOODS,
    OCCASION_GENRES,
    TENS_WORDS,
    TRACK_ALIASES,
    TYPOS,
    UNIT_WORDS,
)

__all__ = ["MAX_CHARS", "Screened", "normalize", "screen", "trie_alternation"]


def trie_alternation(words: object) -> str:
    """A regex matching any of ``words``, longest first, as a character trie.

    ``re`` tries a flat alternation of hundreds of names one by one at every position; a trie
    shares prefixes, so long turns stay cheap. Greedy optional tails keep longest-match order.
    """
    trie: dict[str, dict] = {}
    for word in words:  # type: ignore[attr-defined]
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict[str, dict]) -> str:
    ends = "" in node
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in node.items() if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return "(?:" + body + ")?" if len(branches) == 1 else body + "?"
    return body


MAX_CHARS = 2000

# Problems a turn can have before any parsing; each gets a safe, helpful reply.
EMPTY, TOO_LONG, BINARY, INJECTION, FOREIGN = (
    "empty",
    "too_long",
    "binary",
    "prompt_injection",
    "foreign",
)

_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}"
    r"\b(?:instructions?|rules|prompts?|directions|guidelines|programming|training|context)\b"
    r"|\bsystem\s+prompt\b|\bdeveloper\s+mode\b|\bjail\s?break\b|\bdo\s+anything\s+now\b"
    r"|\byou\s+are\s+now\b|\bact\s+as\s+(?:an?\s+|the\s+)?(?:ai|assistant|gpt|chatbot|system|admin|developer|dan|unrestricted)\b"
    r"|\bpretend\s+(?:to\s+be|you\s+are)\b|\b(?:reveal|print|show|repeat|leak)\s+(?:me\s+)?(?:your|the)\s+"
    r"(?:system\s+)?(?:prompt|instructions|rules|config|api\s+key|secrets?)\b"
    r"|\bnew\s+instructions\b|</?\s*(?:system|assistant|instructions?)\s*>|\[\s*system\s*\]"
    r"|\brm\s+-rf\b|\bdrop\s+table\b|;\s*--|<\s*script\b|\beval\s*\(|__import__|\bos\.system\b",
    re.IGNORECASE,
)


def _top_level_branches(source: str) -> list[str]:
    """``a|b(c|d)|e`` -> ``["a", "b(c|d)", "e"]``: the alternatives a match may take."""
    parts, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(source):
        ch = source[index]
        if ch == "\\":
            index += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            index += 1 if source[index + 1 : index + 2] != "]" else 2
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(source[start:index])
            start = index + 1
        index += 1
    parts.append(source[start:])
    return parts


# A match of the alternation is a match of one alternative; each alone is skipped unless its
# literals are in the text, and scanned from the few characters it can start with.
_INJECTION_LOWERED = tuple(re.compile(part) for part in _top_level_branches(_INJECTION.pattern))
# Every injection pattern contains one of these; most turns contain none, so the (slow,
# case-insensitive) pattern is skipped.
_INJECTION_WORDS = (
    "ignore", "disregard", "forget", "override", "bypass", "system", "developer", "jail",
    "anything now", "you are now", "act as", "pretend", "reveal", "print", "show", "repeat",
    "leak", "instructions", "<", "[", "rm ", "table", ";", "eval", "__import__",
)  # fmt: skip
_NON_LATIN_SCRIPTS = (
    "CJK",
    "HIRAGANA",
    "KATAKANA",
    "HANGUL",
    "CYRILLIC",
    "ARABIC",
    "HEBREW",
    "DEVANAGARI",
    "THAI",
    "GREEK",
    "BENGALI",
    "TAMIL",
    "GEORGIAN",
    "ARMENIAN",
)


@dataclass(frozen=True)
class Screened:
    """Raw text after screening: the cleaned text and the problem found, if any."""

    text: str
    problem: str | None = None


def screen(raw: object) -> Screened:
    """Classify raw input as usable text or one of the bad-input problems; never raises."""
    if raw is None:
        return Screened("", EMPTY)
    if isinstance(raw, (bytes, bytearray)):
        raw = bytes(raw).decode("utf-8", errors="replace")
    if not isinstance(raw, str):
        return Screened("", BINARY)
    if len(raw) > MAX_CHARS:
        return Screened(raw[:MAX_CHARS], TOO_LONG)
    junk = len(_CONTROL.findall(raw))
    if not raw.isascii():
        # Only the non-ASCII characters can be junk beyond the control codes; the regex finds
        # them without a Python loop over every character.
        junk += sum(1 for ch in _NON_ASCII.findall(raw) if _is_junk(ch))
    if "\x00" in raw or (raw and junk / len(raw) > 0.1) or junk > 20:
        return Screened("", BINARY)
    text = _CONTROL.sub(" ", raw)
    if not text.isascii():
        text = _NON_ASCII.sub(lambda m: " " if _is_junk(m.group(0)) else m.group(0), text)
    text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split())  # str.split and re's \s agree on what whitespace is
    if not text or not any(ch.isalnum() or ch == "?" for ch in text):
        return Screened(text, EMPTY)
    lowered = text.lower()
    if any(word in lowered for word in _INJECTION_WORDS) and _is_injection(text, lowered):
        return Screened(text, INJECTION)
    if text.isascii():
        return Screened(text)  # no letter of another script
    letters = sum(map(str.isalpha, text))
    if letters:
        foreign = sum(1 for ch in _NON_ASCII.findall(text) if ch.isalpha() and _non_latin(ch))
        if foreign / letters > 0.5:
            return Screened(text, FOREIGN)
    return Screened(text)


def _is_injection(text: str, lowered: str) -> bool:
    if all(ch.lower() == ch == ch.upper() for ch in _NON_ASCII.findall(text)):
        # ASCII letters and caseless symbols (emoji) fold exactly as lowercasing does, so the
        # case-sensitive twin on the lowered text finds what the case-insensitive pattern
        # finds, and the engine can skip ahead (it cannot for a case-insensitive pattern).
        return any(
            could_match(part, lowered) and accelerated(part).search(lowered) is not None
            for part in _INJECTION_LOWERED
        )
    return _INJECTION.search(text) is not None


def looks_foreign(words: list[str]) -> bool:
    """True when the words are mostly another Latin-script language."""
    hits = sum(1 for w in words if w in FOREIGN_WORDS)
    return hits >= 2 or (hits and hits >= len(words) / 2)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _is_junk(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category == "Cc":
        return ch not in "\t\r\n"
    return category in ("Co", "Cn", "Cs") or ch == "\ufffd"


def _non_latin(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return any(script in name for script in _NON_LATIN_SCRIPTS)


# --- normalisation ----------------------------------------------------------------------
_QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": " - ",
        "\u266f": "#",
        "\u266d": "b",
        "\u00d7": "x",
        "\u2026": " ",
        "\u2192": "->",
        "\u21d2": "=>",
        "\u27f6": "->",
    }
)
_WORD = re.compile(r"[a-z0-9#&$'./]+|[^\sa-z0-9]")
_LOOSE_QUOTE = re.compile(r"(?<![a-z0-9])'|'(?![a-z])")
_PUNCTUATION = re.compile(r"([!?,;()\[\]{}\"*~^|<>=_])")
_FULL_STOP = re.compile(r"(?<=[a-z0-9])\.(?=\s|$)|(?<=\s)\.(?=\s)|\.(?=\s*$)")
_PERCENT = re.compile(r"(?<=\d)\s*%")
_HYPHEN_JOIN = re.compile(r"(?<=[a-z0-9])-(?=[a-z0-9])")
_TYPO_PATTERN = re.compile(r"\b(?<!['&])(" + trie_alternation(TYPOS) + r")(?![\w'&])")
_NUMBER_WORD = re.compile(
    r"\b(?:(?:a|one)\s+hundred(?:\s+and)?|"
    + "|".join(sorted([*UNIT_WORDS, *TENS_WORDS], key=len, reverse=True))
    + r")(?:[\s-]+(?:and\s+)?(?:hundred|"
    + "|".join(sorted([*UNIT_WORDS, *TENS_WORDS], key=len, reverse=True))
    + r"))*\b"
)
# A lone unit word ("one", "two") is a number only before a unit; "another one" stays words.
_UNIT_FOLLOWERS = re.compile(
    r"\s*(?:minutes?|mins?|seconds?|secs?|bars?|measures?|bpm|x\b|times|semitones?|steps?|and\s+a\s+half|"
    r"half\s+steps?|whole\s+steps?|more\s+bars|%|percent|octaves?)"
)


def normalize(text: str) -> str:
    """Lowercase, unify punctuation and spelling, and turn number words into digits."""
    # Every character _QUOTES maps is outside ASCII: an ASCII turn skips the per-character table.
    if not text.isascii():
        text = text.translate(_QUOTES)
    text = text.lower()
    # Each substitution below needs its character; a turn without it skips the scan.
    if "-" in text:
        text = _HYPHEN_JOIN.sub(" ", text)
    # Keep "r&b", "d&b", "1/16", "1:30", "f#", "0.5" intact; pad other punctuation with spaces.
    if "'" in text:
        text = _LOOSE_QUOTE.sub(" ", text)
    text = _PUNCTUATION.sub(r" \1 ", text)
    if "." in text:
        text = _FULL_STOP.sub(" . ", text)
    if "%" in text:
        text = _PERCENT.sub(" %", text)
    # Runs of whitespace to one space: " ".join(split()) is re.sub(r"\s+", " ", text).strip()
    # (str.split and re's \s agree on every character) without a substitution per space.
    text = " ".join(text.split())
    # Every held letter is a triple; most turns have none.
    if any(triple in text for triple in _TRIPLES):
        text = _ELONGATED.sub(_shorten, text)
    text = foreign_numbers_to_digits(text)
    # Most turns are English: the direction pass runs only when one of its words is there.
    if any(word in text for word in _FOREIGN_DIRECTION_WORDS):
        text = _foreign_directions(text)
    text = _TYPO_PATTERN.sub(lambda m: TYPOS[m.group(1)], text)
    text = _fuzzy_fix(text)
    text = _NUMBER_WORD.sub(_number_word_to_digits, text)
    text = lone_numbers_to_digits(text)
    return " ".join(text.split())


_FOREIGN_DIRECTION = re.compile(
    r"(?<![\w'&])(" + trie_alternation(FOREIGN_DIRECTIONS) + r")(?![\w'&])"
)
_FOREIGN_STEP = re.compile(r"(?<![\w'&])(" + trie_alternation(FOREIGN_STEP_VERBS) + r")(?=\s+\d)")
# A substring every phrase above contains, for the cheap test in normalize.
_FOREIGN_DIRECTION_WORDS = (
    "rápid",
    "rapid",
    "lent",
    "despacio",
    "devagar",
    "vite",
    "schnell",
    "langsam",
    "veloce",
    "mehr",
    "weniger",
    "plus",
    "moins",
    "menos",
    "más",
    "mais",
    "più",
    "meno",
    "quit",
    "quít",
    "saca",
    "melod",
    "mélod",
    "bater",
    "batter",
    "schlagzeug",
    "basse",
    "accord",
    "acorde",
    "akkord",
    "resta",
    "ésta",
    "baja",
    "bája",
    "sube",
    "súbe",
    "aumenta",
    "tir",
    "enl",
)


def _foreign_directions(text: str) -> str:
    """Spanish/Portuguese/French/German/Italian tempo directions and step verbs in English."""
    text = _FOREIGN_DIRECTION.sub(lambda m: FOREIGN_DIRECTIONS[m.group(1)], text)
    return _FOREIGN_STEP.sub(lambda m: FOREIGN_STEP_VERBS[m.group(1)], text)


# "undoooo", "go baaack", "sooo good": a letter held for emphasis. Three or more of a letter
# become two when that makes a known word ("goood" -> "good"), else one ("baaack" -> "back").
_ELONGATED = re.compile(r"\b[a-z]*([a-z])\1\1[a-z]*\b")
_TRIPLE = re.compile(r"([a-z])\1{2,}")
# What _TRIPLE.search finds, as 26 substring tests (a backreference at every letter is slow).
_TRIPLES = tuple(ch * 3 for ch in "abcdefghijklmnopqrstuvwxyz")
_DOUBLED_WORDS = frozenset(
    {"good", "too", "cool", "all", "off", "add", "soon", "feel", "free", "need", "keep", "yes",
     "see", "fill", "full", "less", "kill", "sweet", "boom", "loop", "hooks", "hook", "hmm",
     "umm", "uhh", "mmm"}
)  # fmt: skip


def _shorten(match: re.Match[str]) -> str:
    word = match.group(0)
    doubled = _TRIPLE.sub(r"\1\1", word)
    if doubled in _DOUBLED_WORDS or doubled in _KNOWN_WORDS:
        return doubled
    return _TRIPLE.sub(r"\1", word)


def _number_word_to_digits(match: re.Match[str]) -> str:
    phrase = match.group(0)
    words = [w for w in re.split(r"[\s-]+", phrase) if w not in ("and",)]
    if words[0] == "a":
        words[0] = "one"
    value = _words_value(words)
    if value is None:
        return phrase
    if len(words) == 1 and words[0] in UNIT_WORDS:
        following = match.string[match.end() :]
        if not _UNIT_FOLLOWERS.match(following):
            return phrase
    return str(value)


def _words_value(words: list[str]) -> int | None:
    """Value of "one forty" (140), "a hundred and five" (105), "seventy four" (74)."""
    if "hundred" in words:
        index = words.index("hundred")
        head = words[:index]
        hundreds = _small_value(head) if head else 1
        rest = _small_value(words[index + 1 :]) if words[index + 1 :] else 0
        if hundreds is None or rest is None or hundreds > 9:
            return None
        return hundreds * 100 + rest
    # "one forty", "one seventy four": a producer's way of saying 140, 174.
    if (
        len(words) >= 2
        and words[0] in UNIT_WORDS
        and 1 <= UNIT_WORDS[words[0]] <= 2
        and words[1] in TENS_WORDS
    ):
        rest = _small_value(words[1:])
        if rest is None:
            return None
        return UNIT_WORDS[words[0]] * 100 + rest
    return _small_value(words)


def _small_value(words: list[str]) -> int | None:
    if len(words) == 1:
        word = words[0]
        return UNIT_WORDS.get(word, TENS_WORDS.get(word))
    if (
        len(words) == 2
        and words[0] in TENS_WORDS
        and words[1] in UNIT_WORDS
        and UNIT_WORDS[words[1]] < 10
    ):
        return TENS_WORDS[words[0]] + UNIT_WORDS[words[1]]
    return None


# --- fuzzy typo correction ------------------------------------------------------------------
def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


_FUZZY_INDEX: dict[str, str] = {}
for _target in FUZZY_TARGETS:
    for _variant in {_target, *_deletions(_target)}:
        _FUZZY_INDEX.setdefault(_variant, _target)
_FUZZY_EXACT = frozenset(FUZZY_TARGETS)
# Words the vocabulary already knows are never "corrected" ("dilla" is not "drill").
_KNOWN_WORDS = frozenset(
    word
    for phrase in (
        *ARTIST_GENRES,
        *GENRE_ALIASES,
        *TRACK_ALIASES,
        *MOODS,
        *OCCASION_GENRES,
        *EXPORT_FORMATS,
        *TYPOS.values(),
        *UNIT_WORDS,
        *TENS_WORDS,
    )
    for word in phrase.split()
)
_FUZZY_CANDIDATE = re.compile(r"\b[a-z]{5,14}\b")


@functools.lru_cache(maxsize=4096)
def _fuzzy_word(word: str) -> str:
    """One word's correction (cached: long turns repeat their words)."""
    if word in _FUZZY_EXACT or word in FUZZY_STOPWORDS or word in _KNOWN_WORDS:
        return word
    for variant in (word, *_deletions(word)):
        target = _FUZZY_INDEX.get(variant)
        if target and target[0] == word[0] and abs(len(target) - len(word)) <= 1:
            return target
    return word


def _fuzzy_fix(text: str) -> str:
    """Correct one-letter slips ("melodi", "fsater") in the vocabulary's distinctive words."""
    # Most turns have no slip: their distinct words are checked once each (long turns repeat
    # words) and the text is rewritten, one call per word, only when one of them changes.
    for word in set(_FUZZY_CANDIDATE.findall(text)):
        if _fuzzy_word(word) != word:
            return _FUZZY_CANDIDATE.sub(lambda m: _fuzzy_word(m.group(0)), text)
    return text


def words_of(text: str) -> list[str]:
    """The normalised text's tokens."""
    return _WORD.findall(text)


# Every pattern above skips straight to the characters its matches can start with.
accelerate_globals(globals())
