"""Number words in Spanish, German, French and Portuguese, and English ones that count by context."""

from __future__ import annotations

import re

from .prefilter import accelerate_globals, could_match

__all__ = ["foreign_numbers_to_digits", "lone_numbers_to_digits"]

# The common words for 0-100 in four languages; compounds are built from them below.
_FOREIGN_VALUES: dict[str, int] = {
    # Spanish
    "uno": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "trece": 13,
    "catorce": 14,
    "quince": 15,
    "dieciseis": 16,
    "dieciséis": 16,
    "diecisiete": 17,
    "dieciocho": 18,
    "diecinueve": 19,
    "veinte": 20,
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
    "sesenta": 60,
    "setenta": 70,
    "ochenta": 80,
    "noventa": 90,
    "cien": 100,
    "ciento": 100,
    # German
    "eins": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "fünf": 5,
    "funf": 5,
    "fuenf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwölf": 12,
    "zwolf": 12,
    "sechzehn": 16,
    "zwanzig": 20,
    "dreißig": 30,
    "dreissig": 30,
    "vierzig": 40,
    "fünfzig": 50,
    "funfzig": 50,
    "sechzig": 60,
    "siebzig": 70,
    "achtzig": 80,
    "neunzig": 90,
    "hundert": 100,
    "einhundert": 100,
    # French
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,  # also Portuguese
    "seize": 16,
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "cent": 100,
    # Portuguese
    "um": 1,
    "dois": 2,
    "três": 3,
    "quatro": 4,
    "sete": 7,
    "oito": 8,
    "nove": 9,
    "dez": 10,
    "doze": 12,
    "treze": 13,
    "catorze": 14,
    "dezesseis": 16,
    "vinte": 20,
    "trinta": 30,
    "quarenta": 40,
    "cinquenta": 50,
    "sessenta": 60,
    "oitenta": 80,
    "cem": 100,
    "cento": 100,
}
# Words that are also ordinary English (or other) words: numbers only inside a compound or
# right before a unit.
_AMBIGUOUS = frozenset({"once", "una", "dos", "um", "sept", "cent", "dix", "elf", "acht", "six"})
_CONNECTORS = ("y", "e", "et", "und")
_WORD_ALT = "|".join(re.escape(w) for w in sorted(_FOREIGN_VALUES, key=len, reverse=True))
_SEQUENCE = re.compile(
    r"(?<![\w])(?:"
    + _WORD_ALT
    + r")(?:[\s-]+(?:(?:y|e|et|und)[\s-]+)?(?:"
    + _WORD_ALT
    + r"))*(?![\w])"
)
# German glues numbers together: "hundertvierzig", "hundertfünfundzwanzig", "neunzig".
_GERMAN_GLUED = re.compile(r"(?<![\w])[a-zäöüß]*(?:hundert|zig|ßig|ssig)[a-zäöüß]*(?![\w])")
_FOREIGN_UNITS = re.compile(
    r"\s*(?:bpm|bars?|compases|compás|compas|takte?|mesures?|compassos?|segundos?|sekunden|"
    r"secondes?|seconds?|minutos?|minuten|minutes?|mins?|semitonos?|halbtöne|demi\s*tons?|"
    r"schläge|pulsaciones|batidas)\b"
)
_GERMAN_UNITS = {"ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "funf": 5, "sechs": 6,
                 "sieben": 7, "acht": 8, "neun": 9}  # fmt: skip
_GERMAN_TENS = {"zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50,
                "funfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90,
                "zehn": 10, "elf": 11, "zwölf": 12}  # fmt: skip


def _sequence_value(words: list[str]) -> int | None:
    """Additive value of "ciento veinte", "cent vingt", "cento e quarenta", "quatre vingt dix"."""
    total, previous = 0, None
    for word in words:
        value = _FOREIGN_VALUES[word]
        if value == 100:
            total = total * 100 if 0 < total < 10 else total + 100
        elif word.startswith("vingt") and previous == 4:
            total += 76  # "quatre-vingt": 4 x 20
        else:
            total += value  # "soixante-dix" 70, "quatre-vingt-dix" 90, "ciento veinte" 120
        previous = value
    return total if 0 < total < 1000 else None


def foreign_numbers_to_digits(text: str) -> str:
    """Replace number words from ES/DE/FR/PT with digits where they clearly are numbers."""
    if not any(ch.isalpha() for ch in text):
        return text

    def glued(match: re.Match[str]) -> str:
        word = match.group(0)
        if not word or word in _FOREIGN_VALUES:
            return word
        rest, total = word, 0
        for head in ("einhundert", "hundert"):
            if rest.startswith(head):
                total, rest = 100, rest[len(head) :]
                break
        unit = 0
        for name, value in _GERMAN_UNITS.items():
            if rest.startswith(name + "und"):
                unit, rest = value, rest[len(name) + 3 :]
                break
        tens = _GERMAN_TENS.get(rest, 0) if rest else 0
        if rest and not tens:
            return word
        value = total + unit + tens
        return str(value) if value else word

    if could_match(_GERMAN_GLUED, text):  # no "hundert"/"zig"/"ßig" in most turns
        text = _GERMAN_GLUED.sub(glued, text)

    def sequence(match: re.Match[str]) -> str:
        phrase = match.group(0)
        words = [w for w in re.split(r"[\s-]+", phrase) if w not in _CONNECTORS]
        value = _sequence_value(words)
        if value is None:
            return phrase
        followed = bool(_FOREIGN_UNITS.match(text, match.end()))
        if len(words) == 1 and (words[0] in _AMBIGUOUS or value < 20) and not followed:
            return phrase
        return str(value)

    return _SEQUENCE.sub(sequence, text)


# English unit words standing alone are numbers after a quantity word ("bump it by seven",
# "down eight", "knock twelve off") or before a comparative ("seven faster").
_LONE_BEFORE = re.compile(
    r"(?:\bby|\bup|\bdown|\bknock|\bminus|\bplus|\+|-|\bdrop\s+it|\badd|\bto|\bat|\baround|\babout)\s+$"
)
_LONE_AFTER = re.compile(
    r"^\s*(?:faster|slower|quicker|more|less|off|extra|up|down|higher|lower)\b"
)
_LONE = re.compile(
    r"(?<![\w-])(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty)(?![\w-])"
)
_LONE_VALUES = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50,
}  # fmt: skip


_COUPLE = re.compile(
    r"\ba\s+(couple|few)(?:\s+of)?(?=\s+(?:more\s+|extra\s+)?(?:bpm|bars?|measures?|seconds?|secs?|semitones?|faster|slower))"
)


# "nudge it up a couple", "down a few": a small tempo step (a unit after it is read above).
_COUPLE_STEP = re.compile(
    r"\b(up|down)\s+(?:by\s+)?a\s+(couple|few)(?:\s+of)?\b(?!\s+(?:of\s+)?[a-z])"
)


def lone_numbers_to_digits(text: str) -> str:
    """ "bump it by seven" -> "bump it by 7"; "another one", "two of them" stay words."""
    text = _COUPLE.sub(lambda m: "2" if m.group(1) == "couple" else "3", text)
    text = _COUPLE_STEP.sub(lambda m: f"{m.group(1)} {2 if m.group(2) == 'couple' else 3}", text)

    def lone(match: re.Match[str]) -> str:
        before = text[max(0, match.start() - 20) : match.start()]
        after = text[match.end() : match.end() + 20]
        if _LONE_BEFORE.search(before) or _LONE_AFTER.match(after):
            return str(_LONE_VALUES[match.group(1)])
        return match.group(0)

    return _LONE.sub(lone, text)


# Every pattern above skips straight to the characters its matches can start with.
accelerate_globals(globals())
