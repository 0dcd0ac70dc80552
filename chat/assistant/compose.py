"""Clause composition: a turn split at corrections, decoys and compliments set aside, the rest merged.

``extract`` reads what a stretch of text mentions. This module decides which stretches count
and how they combine: chatter around a command ("this is hard, send the midi") is not an edit;
numbers about other things ("my last three tracks were at 150", "back in 2019") are not the
tempo; and after a correction ("make it 128, actually 126", "no wait", "I meant") the later
clause wins for every field it names, while fields it leaves alone keep the earlier value.
"""

from __future__ import annotations

import re
from dataclasses import fields
from itertools import pairwise

from .extract import Mentions, extract, extract_actions
from .prefilter import accelerate_globals

__all__ = ["FAMILIES", "clauses", "merge_mentions", "understand"]

# Fields that move together: a correction that names one of them replaces the whole family.
FAMILIES: dict[str, tuple[str, ...]] = {
    "tempo": ("bpm", "bpm_scale", "bpm_delta"),
    "key": ("tonic", "mode", "transpose", "key_relation", "transpose_options"),
    "length": ("duration_s", "bars", "length_scale", "length_delta_s", "length_delta_bars"),
    "genre": ("genre", "artist", "occasion_genre", "style_reference"),
    "hats": ("hats_rate", "hats_step", "hats_triplet"),
    "swing": ("swing", "swing_delta"),
    "energy": ("energy_delta",),
    "meter": ("meter",),
    "loop": ("loop",),
}
_UNSET = {"transpose": 0, "hats_step": 0, "hats_triplet": False, "swing_delta": 0.0}
_UNSET.update({"energy_delta": 0.0})

# "make it 128, actually 126", "F minor - no wait, G minor", "140 I meant 145".
_CORRECTION = re.compile(
    r"(?:^|[\s,.;!-])(?:no\s+wait|wait\s+no|wait|no\s+actually(?=\s*[,.;!-])|actually\s+no(?=\s*[,.;!-])|actually|i\s+meant|i\s+mean"
    r"|or\s+rather|rather|make\s+that|sorry|correction|oops|er+m*|um+|uh+|hmm+\s+no|no(?=\s*[,.;!-])|nah\s*,?|ok\s+no)"
    r"(?=[\s,.;!-]|$)"
)
# After the marker there must be something to correct to, not a control phrase.
_CONTROL_AFTER = re.compile(
    r"^\s*[,.;!-]?\s*(?:keep\s+(?:it|that)(?!\s*[,.;]\s*\S)|undo|redo|go\s+back|bring\s+it\s+back|never\s*mind|forget\s+it)\b"
)

# Clauses that only praise ("this is hard", "love it", "🔥") carry no edit.
_PRAISE = (
    r"(?:(?:yo+|ok(?:ay)?|ay+e*|dam+n+|wow+|bro+|man|yes+|yess+|omg|lol|haha+|sheesh|oh|"
    r"okay\s+okay|ok\s+ok|honestly|ngl|fr|tbh)\s+)*"
    r"(?:(?:this|that|it|this\s+beat|the\s+beat|this\s+one|that\s+one|this\s+joint|bro\s+this)\s*"
    r"(?:(?:still|really|lowkey|highkey|honestly|definitely|def|actually|just|kinda|already|lowkey)\s+)*"
    r"(?:'?s|is|be|goes|sounds|slaps|bangs|hits|knocks|rips|was)?\s*"
    r"(?:so\s+|really\s+|hella\s+|mad\s+|actually\s+|lowkey\s+|highkey\s+|kinda\s+|pretty\s+|straight\s+|super\s+|crazy\s+)*"
    r"(?:hard|fire|sick|crazy|dope|insane|heat|amazing|great|nice|clean|hot|tough|wild|cold|good|"
    r"lit|mint|sweet|awesome|perfect|beautiful|gorgeous|smooth|vibey|a\s+vibe|a\s+banger|a\s+movie|"
    r"hard\s+af|fire\s+af|goated|slapping|bumping|banging|knocking|cooking|gas|dope\s+af)?"
    r"|(?:i\s+)?(?:love|luv|dig|like)\s+(?:it|this|that)(?:\s+(?:a\s+lot|so\s+much|already))?"
    r"|(?:sounds|looks)\s+(?:good|great|fire|sick|dope|nice|amazing|clean|hard)"
    r"|(?:good|great|nice|sick|dope|fire|solid|clean)\s+(?:stuff|job|work|one)"
    r"|(?:fire|heat|sheesh|bet|word|gas|banger|slaps|hard|crazy|sick|dope|nice|perfect|love\s+it)"
    r"|(?:thank\s+you|thanks|thx|ty|cheers|appreciate\s+it))"
    r"(?:\s+(?:bro|fam|man|dude|g|fr|tho|though|honestly|ngl|af|lol|haha+|already|bruh))*"
    # Emoji after it ("this slaps 🔥 can i get stems"): runs split only at spaces, so there is
    # one way to read them (an optional space before each run would make it exponential).
    r"[^\x00-\x7f\s]*(?:\s+[^\x00-\x7f\s]+)*"
)
_COMPLIMENT = re.compile(r"^\s*" + _PRAISE + r"\s*[!.]*\s*$")
_PRAISE_START = re.compile(r"^\s*" + _PRAISE)
# "this slaps bro send stems": praise in front of a command, in one breath.
_PRAISE_LEAD = re.compile(
    r"^\s*"
    + _PRAISE
    + r"\s+(?=(?:now|send|export|give|get|gimme|can|could|make|add|drop|bounce|download"
    r"|pls|please|just|lets|let'?s|i\s+need|i\s+want|but|stems|midi|wav|mp3|undo|redo)\b)"
)

# "10 years producing and this still slaps": praise closing a clause after "and"/"but".
_PRAISE_TAIL = re.compile(r"(?:^|\s)(?:and|but|&)\s+" + _PRAISE + r"\s*[!.]*\s*$")
_TAIL_JOINS = ("and ", "but ", "& ")
_TOO = re.compile(r"\btoo\b|\bnot\b|\bmore\b|\bless\b")

# Clauses about something other than this beat: another track, the past, someone else.
_OTHER_TOPIC = re.compile(
    r"\b(?:were|was|used\s+to|last\s+(?:time|week|night|month|year)|yesterday|(?<!versions\s)(?<!changes\s)(?<!steps\s)(?<!edits\s)ago|my\s+(?:last|other|old|previous|first)"
    r"|other\s+(?:beats?|tracks?|songs?)|previous\s+(?:beats?|tracks?|songs?)|friend'?s?|his|her|their|usually|normally"
    r"|i\s+(?:made|did|produced|had|always)|i'?d\s+have|would\s+have|back\s+(?:in|then)|since|years?|born|i'?m\s+\d{1,2}|age|album|ep\b|mixtape|usual|typical)\b"
)
_OTHER_BEAT = re.compile(
    r"\b(?:my|his|her|their|our|your|a\s+friend'?s|my\s+friend'?s)\s+(?:last|other|old|older|previous|first|earlier|usual)\s+"
    r"(?:\w+\s+)?(?:beats?|tracks?|songs?|ones?|joints?|tunes?)\b(?=.*\b(?:was|were|is|had|used\s+to)\b)"
)
_OTHER_BEAT_OWNERS = ("my ", "his ", "her ", "their ", "our ", "your ", "friend")
_THIS_BEAT = re.compile(
    r"\b(?:make|set|change|put|take|bump|drop|push|slow|speed|turn|bring|can\s+you|want|need|keep|this\s+(?:one|beat|track)|mine|do\s+(?:this|it))\b"
)
_YEAR = re.compile(r"(?<![\w.])(?:19[5-9]\d|20[0-4]\d)(?!\s*(?:bpm|bars?|s\b|seconds?|ms))(?![\w])")
_CLOCK = re.compile(r"\b\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)\b|\b24\s*/\s*7\b")
_MONEY = re.compile(
    r"\$\s*\d+|\b\d+\s*(?:bucks|dollars|usd|eur|euros?|quid|k\s+streams|streams|plays|followers|views)\b"
)
_AGO = re.compile(r"\b\d{1,4}\s*(?:years?|months?|weeks?|days?|hours?|yrs?)\b(?:\s+ago)?")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")

# "8 more bars", "30 extra seconds", "two more minutes": an addition, whatever verb comes first.
_MORE_UNITS = re.compile(
    r"\b(\d{1,4}(?:\.\d+)?)\s+(?:more|extra|additional)\s+(bars?|measures?|seconds?|secs?|minutes?|mins?)\b"
)
_ANOTHER_UNIT = re.compile(
    r"\b(?:add\s+)?(?:another|one\s+more|an\s+extra)\s+(minute|bar|measure)\b"
)
_CLAUSE_BREAK = re.compile(r"(?:[,;!?]|\.(?!\d)|\s-\s|\bbut\b|\bso\b|\band\s+then\b|\bthen\b)")


def clauses(text: str) -> list[str]:
    """The turn split into clauses at punctuation and the words that join them."""
    return [part for part in _CLAUSE_BREAK.split(text) if part and part.strip()]


def _blank_numbers(clause: str) -> str:
    return _DIGITS.sub(lambda m: " " * len(m.group(0)), clause)


def _set_aside(text: str) -> str:
    """Blank compliments and numbers that are about something else; the rest stays in place."""
    text = _YEAR.sub(lambda m: " " * len(m.group(0)), text)
    for pattern in (_CLOCK, _MONEY, _AGO):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    pieces: list[str] = []
    last = 0
    for match in _CLAUSE_BREAK.finditer(text):
        pieces += [_screen_clause(text[last : match.start()]), text[match.start() : match.end()]]
        last = match.end()
    pieces.append(_screen_clause(text[last:]))
    return "".join(pieces)


def _screen_clause(clause: str) -> str:
    if not clause.strip():
        return clause
    # Both praise checks need praise at the start; most clauses of a long turn have none.
    opens_with_praise = _PRAISE_START.match(clause) is not None
    if opens_with_praise and _COMPLIMENT.match(clause) and not _TOO.search(clause):
        return " " * len(clause)
    # Spelled out rather than any() over _TAIL_JOINS / _OTHER_BEAT_OWNERS: a long turn has
    # dozens of clauses, and the generator costs more than the substring tests.
    joined = "and " in clause or "but " in clause or "& " in clause
    tail = _PRAISE_TAIL.search(clause) if joined else None
    # "and this" alone is no praise; "and this slaps" is.
    if tail and len(tail.group(0).split()) >= 3 and not _TOO.search(clause[tail.start() :]):
        clause = clause[: tail.start()] + " " * (tail.end() - tail.start())
    lead = _PRAISE_LEAD.match(clause) if opens_with_praise else None
    if lead and lead.end() > 0 and not _TOO.search(clause[: lead.end()]):
        clause = " " * lead.end() + clause[lead.end() :]
    if _names_an_owner(clause) and _OTHER_BEAT.search(clause) and not _THIS_BEAT.search(clause):
        # "my old beat was 170 and that was too fast": all of it is about another beat, its
        # "too fast" as much as its 170.
        return " " * len(clause)
    if _OTHER_TOPIC.search(clause) and (
        not _THIS_BEAT.search(clause) or _WAS_AT_NUMBER.search(clause)
    ):
        return _blank_numbers(clause)
    return clause


def _names_an_owner(clause: str) -> bool:
    """any(word in clause for word in _OTHER_BEAT_OWNERS), without the generator."""
    return (
        "my " in clause
        or "his " in clause
        or "her " in clause
        or "their " in clause
        or "our " in clause
        or "your " in clause
        or "friend" in clause
    )


_WAS_AT_NUMBER = re.compile(
    r"\b(?:were|was|used\s+to\s+be|is)\s+(?:at\s+|around\s+|like\s+|in\s+)?\d"
)


def _family_set(found: Mentions, names: tuple[str, ...]) -> bool:
    for name in names:
        value = getattr(found, name)
        if value is None or value is False or value == "" or value == _UNSET.get(name, "unset"):
            continue
        return True
    return False


def merge_mentions(base: Mentions, later: Mentions) -> Mentions:
    """``base`` with every family ``later`` names replaced by ``later``'s values."""
    for names in FAMILIES.values():
        if _family_set(later, names):
            for name in names:
                setattr(base, name, getattr(later, name))
    for name in later.tracks_on | later.tracks_off | set(later.gains):
        base.tracks_on.discard(name)
        base.tracks_off.discard(name)
        base.gains.pop(name, None)
    base.tracks_on |= later.tracks_on
    base.tracks_off |= later.tracks_off
    base.gains.update(later.gains)
    base.instruments.update(later.instruments)
    base.from_group |= later.from_group
    if later.only_tracks is not None:
        base.only_tracks = later.only_tracks
    if later.moods:
        base.moods = later.moods
    base.solo |= later.solo
    base.muted |= later.muted
    base.spared |= later.spared
    base.section_edits += later.section_edits
    base.new_seed = base.new_seed or later.new_seed
    base.variation_count = max(base.variation_count, later.variation_count)
    base.unsupported += later.unsupported
    for name in ("mode_hint", "strong_mode_hint"):
        if getattr(later, name):
            setattr(base, name, getattr(later, name))
    return base


_MAX_SEGMENTS = 5


def _segments(text: str) -> list[str]:
    """The turn cut at each correction marker that has something after it."""
    cuts = [0]
    for match in _CORRECTION.finditer(text):
        after = text[match.end() :]
        if match.start() == 0 or not after.strip(" ,.;!-") or _CONTROL_AFTER.match(after):
            continue
        cuts.append(match.end())
    if len(cuts) == 1:
        return [text]
    # Each segment is read on its own; past a handful of corrections only the last ones can
    # still win, so earlier ones stay in the first segment (keeps run-ons linear and cheap).
    if len(cuts) > _MAX_SEGMENTS:
        cuts = [0, *cuts[-(_MAX_SEGMENTS - 1) :]]
    return [text[a:b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]


def understand(normalized: str, original: str = "") -> Mentions:
    """What the turn asks for, composed clause by clause (see the module docstring)."""
    text = _MORE_UNITS.sub(r"add \1 \2", normalized)
    text = _ANOTHER_UNIT.sub(r"add 1 \1", text)
    screened = _set_aside(text)
    if not any(ch.isalnum() for ch in screened):
        found = extract(screened, original)
        found.words = normalized.split()
        found.thanks = True  # only praise ("love it!", "this is crazy"): thank, change nothing
        return found
    text = screened
    segments = _segments(text)
    if len(segments) == 1:
        found = extract(text, original)
        found.words = normalized.split()
        return found
    found = extract_actions(text, original)
    keys = found.cased_keys
    found.words = normalized.split()
    if len(segments) > 1:
        # The edits are read segment by segment (the first, then each correction merged in);
        # the action words (export, undo, question, ...) come from the whole turn.
        edits = extract(segments[0], edits_only=True, cased_keys=keys)
        for previous, segment in pairwise(segments):
            revert = _KEEP_IT.match(segment)
            if revert:
                # "drop the melody, no wait keep it, ...": the edit before is taken back.
                undone = extract(previous, edits_only=True, cased_keys=keys)
                for name in undone.tracks_on | undone.tracks_off | set(undone.gains):
                    edits.tracks_on.discard(name)
                    edits.tracks_off.discard(name)
                    edits.gains.pop(name, None)
                segment = segment[revert.end() :]
            later = extract(_carry_unit(previous, segment), edits_only=True, cased_keys=keys)
            if _NEGATED.search(previous[-16:]) and not _ADDITIVE.search(segment):
                # "kill the clap. actually no, kill the snare": the clap edit is withdrawn.
                named = later.tracks_on | later.tracks_off
                if named:
                    withdrawn = extract(previous, edits_only=True, cased_keys=keys)
                    for name in (withdrawn.tracks_on | withdrawn.tracks_off) - named:
                        edits.tracks_on.discard(name)
                        edits.tracks_off.discard(name)
            if later.changes_spec():
                edits = merge_mentions(edits, later)
        for name in _EDIT_FIELDS:
            setattr(found, name, getattr(edits, name))
    return found


_ACTION_FIELDS = frozenset(
    {"undo", "redo", "redo_last", "restore_version", "undo_steps", "export", "export_verb", "question",
     "question_topics", "help", "greeting", "thanks", "new_beat", "create_words", "type_beat",
     "modify_words", "words", "cased_keys"}
)  # fmt: skip
_EDIT_FIELDS = tuple(f.name for f in fields(Mentions) if f.name not in _ACTION_FIELDS)
_NEGATED = re.compile(r"\b(?:no|nah|nope|not\s+that|scratch\s+that|no\s+wait)\W*$")
_ADDITIVE = re.compile(r"\b(?:too|also|as\s+well|and\s+also|plus)\b")
_KEEP_IT = re.compile(
    r"^[\s,.;!-]*(?:keep|leave)\s+(?:it|that|them|those)(?:\s+in)?\b(?=\s*[,.;]\s*\S)"
)
_BARE_AMOUNT = re.compile(
    r"^[\s,.;!-]*(?:make\s+it\s+|like\s+|to\s+|more\s+like\s+)?"
    r"(\d{1,4}(?:\.\d+)?|two|three|four|five|six)\s*[.!]*\s*$"
)
_AMOUNT_WITH_UNIT = re.compile(
    r"(?:\d{1,4}(?:\.\d+)?|\ba|\ban|\bone)(?=\s*(?:bpm|bars?|measures?|seconds?|secs?|s\b|minutes?"
    r"|mins?|semi\s*tones?|half\s*steps?|whole\s*steps?|steps?|tones?|%))"
)
_SMALL_WORDS = {"two": "2", "three": "3", "four": "4", "five": "5", "six": "6"}


def _carry_unit(previous: str, segment: str) -> str:
    """ "64 bars, no wait 48" -> "48 bars": a bare number after a correction takes the unit
    (and verb) of the amount it corrects."""
    bare = _BARE_AMOUNT.match(segment)
    if not bare:
        return segment
    amounts = list(_AMOUNT_WITH_UNIT.finditer(previous))
    if not amounts:
        return segment
    last = amounts[-1]
    number = _SMALL_WORDS.get(bare.group(1), bare.group(1))
    return previous[: last.start()] + number + previous[last.end() :]


# Every pattern above skips straight to the characters its matches can start with.
accelerate_globals(globals())
