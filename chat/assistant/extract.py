"""What a normalised chat turn mentions: genre, tempo, key, length, tracks, feel, and actions."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .prefilter import WordLeads, accelerate_globals, gate_open, plan_for
from .text import trie_alternation
from .theory import INTERVAL, interval_semitones
from .vocabulary import (
    ARTIST_GENRES,
    ARTISTS_NEEDING_CONTEXT,
    DECADE_GENRES,
    DRUM_GROUP,
    EVERYTHING_WORDS,
    EXCEPT_WORDS,
    EXPORT_FORMATS,
    GENERIC_GENRE_ALIASES,
    GENRE_ALIASES,
    INSTRUMENT_WORDS,
    MOODS,
    OCCASION_GENRES,
    STRONG_MODE_MOODS,
    TRACK_ALIASES,
    TRACK_OFF_AFTER,
    TRACK_OFF_WORDS,
    TRACK_ON_AFTER,
    TRACK_ON_WORDS,
    TRACK_ONLY_WORDS,
    UNSUPPORTED_TRACK_WORDS,
    WEAK_TRACK_WORDS,
)

__all__ = ["MUTE_ALL", "Mentions", "extract", "extract_actions"]

MUTE_ALL = "*"


@dataclass
class Mentions:
    """Everything one turn asks for, before it is applied to a spec."""

    genre: str | None = None
    artist: str = ""
    occasion_genre: str | None = None
    bpm: float | None = None
    bpm_scale: float | None = None
    bpm_delta: float | None = None
    # "make it 8 bpm": a step with no direction (no beat runs at 8 BPM); the reply asks which way.
    bpm_unclear: float | None = None
    # "make it techno but keep the bpm": a genre switch that keeps this beat's tempo.
    keep_tempo: bool = False
    tonic: str | None = None
    mode: str | None = None
    transpose: int = 0
    meter: str | None = None
    duration_s: float | None = None
    bars: int | None = None
    length_scale: float | None = None
    length_delta_s: float | None = None
    length_delta_bars: int | None = None
    loop: bool | None = None
    tracks_on: set[str] = field(default_factory=set)
    tracks_off: set[str] = field(default_factory=set)
    only_tracks: set[str] | None = None
    from_group: set[str] = field(default_factory=set)
    all_tracks_on: bool = False
    gains: dict[str, float] = field(default_factory=dict)
    instruments: dict[str, str] = field(default_factory=dict)
    hats_rate: int | None = None
    hats_step: int = 0
    hats_triplet: bool = False
    swing: float | None = None
    swing_delta: float = 0.0
    energy_delta: float = 0.0
    moods: list[str] = field(default_factory=list)
    mode_hint: str | None = None
    strong_mode_hint: str | None = None
    new_seed: bool = False
    variation_count: int = 0
    key_relation: str | None = None
    transpose_options: tuple[int, int] | None = None
    solo: set[str] = field(default_factory=set)
    # "top 40 energy", "a drill vibe": a genre named as a flavour, a reference like an artist.
    style_reference: bool = False
    # "mute the hats": the tracks named after "mute" (switched off, and muted in the mixer).
    muted: set[str] = field(default_factory=set)
    section_edits: list[tuple[str, str]] = field(default_factory=list)
    spared: set[str] = field(default_factory=set)
    unsupported: list[str] = field(default_factory=list)
    # action signals
    undo: bool = False
    redo: bool = False
    redo_last: bool = False
    restore_version: int | None = None
    undo_steps: int = 1
    export: str | None = None
    export_verb: bool = False
    question: bool = False
    question_topics: list[str] = field(default_factory=list)
    help: bool = False
    greeting: bool = False
    thanks: bool = False
    new_beat: bool = False
    create_words: bool = False
    type_beat: bool = False
    modify_words: bool = False
    words: list[str] = field(default_factory=list)
    cased_keys: set[str] = field(default_factory=set)

    def changes_spec(self, *, count_added_tracks: bool = True) -> bool:
        """Does the turn ask for any change to a beat?

        Tracks named with no "off" (and their instruments) can be left out: in "export the
        drums as stems" the drums are not an edit.
        """
        if count_added_tracks and (self.tracks_on or self.instruments):
            return True
        return bool(
            self.genre
            or self.bpm is not None
            or self.bpm_scale
            or self.bpm_delta
            or self.bpm_unclear
            or self.tonic
            or self.mode
            or self.transpose
            or self.meter
            or self.duration_s
            or self.bars
            or self.length_scale
            or self.length_delta_s
            or self.length_delta_bars
            or self.loop is not None
            or self.tracks_off
            or self.only_tracks is not None
            or self.all_tracks_on
            or self.gains
            or self.hats_rate
            or self.hats_step
            or self.hats_triplet
            or self.swing is not None
            or self.swing_delta
            or self.energy_delta
            or self.moods
            or self.new_seed
            or self.mode_hint
            or self.key_relation
            or self.transpose_options
            or self.section_edits
        )


_MAX_MATCHES = 40


class _Index:
    """Where each word of a text starts (a word: a run of word characters, or one character
    that is neither a word character nor a space), built once and kept a superset of the
    words of the text as spans of it are blanked (a blank that cuts a word adds the pieces).

    A pass whose matches must open with one of a known set of words
    (``prefilter.word_leads``) is then tried only at those words instead of at every
    character: one word lookup per pass instead of a scan of the whole turn.
    """

    __slots__ = ("digits", "initials", "keys", "positions", "size")

    def __init__(self, text: str) -> None:
        positions: dict[str, list[int]] = {}
        digits: list[int] = []
        at = 0
        # Most words are whole space-separated chunks (the text is normalised); a chunk with
        # punctuation or other characters in it is split by the pattern.
        for chunk in text.split(" "):
            if chunk:
                if chunk.isalnum():
                    found = positions.get(chunk)
                    if found is None:
                        positions[chunk] = [at]
                    else:
                        found.append(at)
                    if chunk[0].isdecimal():
                        digits.append(at)
                else:
                    for match in _TEXT_WORDS.finditer(chunk):
                        word = match.group(0)
                        start = at + match.start()
                        found = positions.get(word)
                        if found is None:
                            positions[word] = [start]
                        else:
                            found.append(start)
                        if word[0].isdecimal():
                            digits.append(start)
            at += len(chunk) + 1
        self.positions = positions
        # The words as a set: a set intersected with a set walks the smaller one (most lead
        # sets have a dozen words, a long turn a few hundred), with a dict it walks the dict.
        self.keys = set(positions)
        self.digits = digits
        self.initials: dict[str, list[str]] | None = None
        self.size = len(text)

    def add(self, word: str, start: int) -> None:
        found = self.positions.get(word)
        if found is None:
            self.positions[word] = [start]
            self.keys.add(word)
            if self.initials is not None:
                self.initials.setdefault(word[0], []).append(word)
        else:
            found.append(start)
        if word[0].isdecimal():
            self.digits.append(start)

    def blanked(self, text: str, spans: list[tuple[int, int]]) -> None:
        """``text`` is the text after ``spans`` were blanked: add the pieces of cut words."""
        for start, end in spans:
            if end < len(text) and end > start and _is_word_char(text[end]):
                after = _WORD_RUN.match(text, end)
                self.add(after.group(0), end)  # type: ignore[union-attr]
            if start > 0 and end > start and _is_word_char(text[start - 1]):
                begin = start - 1
                while begin > 0 and _is_word_char(text[begin - 1]):
                    begin -= 1
                self.add(text[begin:start], begin)

    def starts(self, leads: WordLeads | None, shift: int = 0) -> list[int] | None:
        """Where a match can start, in order; None to scan the whole text instead.

        ``shift``: the positions are for the indexed text with that many characters (spaces)
        cut off its front."""
        if leads is None:
            return None
        positions = self.positions
        # Past this many starts one call per start costs more than re's own scan.
        limit = self.size // _CHARS_PER_START
        found: list[int] = []
        for word in leads.words & self.keys:
            found += positions[word]
        if leads.by_initial:
            initials = self.initials
            if initials is None:
                initials = {}
                for word in positions:
                    initials.setdefault(word[0], []).append(word)
                self.initials = initials
            for initial, prefixes in leads.by_initial.items():
                for word in initials.get(initial, ()):
                    if word.startswith(prefixes):
                        found += positions[word]
        if leads.digit:
            found += self.digits
        if len(found) > limit:
            return None
        if shift:
            found = [start - shift for start in found if start >= shift]
        if leads.at_start:
            found.append(0)
        return sorted(set(found))

    def finditer(
        self, pattern: re.Pattern[str], text: str, shift: int = 0
    ) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``, tried only at its words (``text``: the one indexed,
        or with ``shift`` spaces cut off its front)."""
        plan = plan_for(pattern)
        if not gate_open(plan, text):
            return iter(())
        starts = self.starts(plan.leads, shift)
        if starts is None:
            return plan.fast.finditer(text)
        return _matches_at(plan.fast, text, starts)

    def search(self, pattern: re.Pattern[str], text: str, shift: int = 0) -> re.Match[str] | None:
        """``pattern.search(text)``, tried only at its words (``text`` as for :meth:`finditer`)."""
        plan = plan_for(pattern)
        if not gate_open(plan, text):
            return None
        starts = self.starts(plan.leads, shift)
        if starts is None:
            return plan.fast.search(text)
        return next(_matches_at(plan.fast, text, starts), None)


class _Scanner:
    """The working text; matched spans are blanked so later passes cannot read them twice.

    Passes are run through a word :class:`_Index` of the text, built on first use.
    """

    def __init__(self, text: str) -> None:
        self.text = f" {text} "
        self._words: _Index | None = None

    @property
    def index(self) -> _Index:
        if self._words is None:
            self._words = _Index(self.text)
        return self._words

    def take(
        self, pattern: re.Pattern[str], handle: Callable[[re.Match[str]], bool | None]
    ) -> None:
        """Call ``handle`` on each match; blank the span unless it returns False."""
        plan = plan_for(pattern)
        text = self.text
        if not gate_open(plan, text):
            return
        starts = self.index.starts(plan.leads)
        fast = plan.fast
        found = fast.finditer(text) if starts is None else _matches_at(fast, text, starts)
        # No real turn names one thing 40 times; stopping there keeps junk input cheap.
        matches = itertools.islice(found, _MAX_MATCHES)
        spans = [m.span() for m in matches if handle(m) is not False]
        if spans:
            self.blank(spans)

    def has(self, pattern: re.Pattern[str]) -> bool:
        return self.index.search(pattern, self.text) is not None

    def search(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """``pattern.search(self.text)``."""
        return self.index.search(pattern, self.text)

    def finditer(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """``pattern.finditer(self.text)`` (over the text as it is now)."""
        return self.index.finditer(pattern, self.text)

    def blank(self, spans: list[tuple[int, int]]) -> None:
        """Blank non-overlapping ``spans`` (in order) with one copy of the text."""
        pieces, last = [], 0
        for start, end in spans:
            pieces += [self.text[last:start], " " * (end - start)]
            last = end
        pieces.append(self.text[last:])
        self.text = "".join(pieces)
        if self._words is not None:
            self._words.blanked(self.text, spans)


_TEXT_WORDS = re.compile(r"\w+|[^\w\s]")
_WORD_RUN = re.compile(r"\w+")
_CHARS_PER_START = 24


def _is_word_char(ch: str) -> bool:
    # re's \w (and \b) for str patterns: alphanumeric or the underscore.
    return ch.isalnum() or ch == "_"


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` when every match starts at one of ``starts`` (sorted): the
    first match at or after the end of the one before, tried start by start."""
    end = 0
    match = pattern.match
    for start in starts:
        if start >= end:
            found = match(text, start)
            if found is not None:
                end = found.end()
                yield found


def _alternation(words: object) -> str:
    return trie_alternation(words)


def _phrase(words: object) -> re.Pattern[str]:
    """Any of ``words`` as a whole phrase. Word-initial entries are tried only at word starts
    (a lookbehind at every position costs more than the whole match on long turns)."""
    listed = list(words)  # type: ignore[call-overload]
    wordy = [w for w in listed if w[:1].isalnum() or w[:1] == "_"]
    other = [w for w in listed if w not in wordy]
    parts = [r"\b(?<![#&$'])(?:" + _alternation(wordy) + ")"] if wordy else []
    if other:
        parts.append(r"(?<![\w#&$'])(?:" + _alternation(other) + ")")
    return re.compile("(?:" + "|".join(parts) + r")(?![\w#&$])")


_NUM = r"(\d{1,4}(?:\.\d+)?)"
_SMALL = r"(?:a\s+(?:little\s+)?bit|a\s+little|slightly|a\s+touch|a\s+tad|little|bit|a\s+hair|tiny\s+bit|just\s+a\s+bit|a\s+smidge|somewhat)"
_BIG = (
    r"(?:much|way|a\s+lot|lots|really|super|significantly|heaps|loads|way\s+more|hella|mad|a\s+ton)"
)

# --- actions --------------------------------------------------------------------------------
_VERSION = re.compile(
    r"\b(?:version|ver|v|revision|rev|draft|iteration)\s*(?:number\s*|no\.?\s*|#\s*)?(\d{1,3})\b"
    r"|\b(?:the\s+)?(first|original|initial|1st|2nd|3rd|second|third)\s+(?:version|one|take|beat|draft)\b"
    r"|\bthe\s+original\b"
)
_ORDINALS = {
    "first": 1,
    "original": 1,
    "initial": 1,
    "1st": 1,
    "2nd": 2,
    "second": 2,
    "3rd": 3,
    "third": 3,
}
_UNDO = re.compile(
    r"\b(?:undo|undo\s+that|go\s+back|goback|head\s+back|revert|roll\s*back|roll\s+(?:it|that|this)\s+back|previous\s+(?:one|version|beat|take)"
    r"|last\s+(?:one|version|take)|back\s+to\s+(?:the\s+)?(?:previous|last|old|original|earlier|first|before)"
    r"|take\s+(?:that|it)\s+back|ctrl\s*\+?\s*z|cmd\s*\+?\s*z|nvm|never\s*mind|scratch\s+that"
    r"|liked\s+(?:it|the\s+\w+\s+one|the\s+one)\s+before|liked\s+(?:it\s+)?better\s+before|(?:was|sounded)\s+better\s+before"
    r"|i\s+liked\s+the\s+(?:previous|last|old|other|earlier)|before\s+was\s+better|the\s+old\s+one"
    r"|change\s+it\s+back|(?:put|set|make)\s+it\s+back\s+(?:how|the\s+way|to\s+how|like)|back\s+how\s+it\s+was"
    r"|(?:one\s+)?step\s+back|undo\s+(?:the\s+)?last|(?:didn'?t|don'?t|do\s+not)\s+like\s+(?:that|the\s+last|this|the|your)\s+(?:change|edit|tweak|version|one)|didn'?t\s+like\s+that"
    r"|restore|rewind|reverse\s+that|cancel\s+that|oops|better\s+before|i\s+(?:hate|don'?t\s+like)\s+(?:it|this|that)(?:\s+(?:one|version|change))?\s*[.!]*$"
    r"|(?:that|it|this)(?:'?s|\s+is|\s+sounds|\s+got)\s+(?:way\s+|much\s+)?worse|scrap\s+that(?!\s+(?:and|&)\s+(?:start|make|do|give))"
    r"|(?:scrap|ditch|lose|drop|kill|forget|bin|toss)\s+(?:that|the|this|my)\s+(?:(?:last|latest|previous|recent)\s+)?(?:change|edit|tweak))\b"
)
# A bare "nah" right after a change means "not that": take it back.
_NAH = re.compile(
    r"^(?:na+h+|no+pe|na+w+|no+|hell\s+no|ew+|yuck|nah\s+nah|back|go\s+back|previous|the\s+previous\s+one)(?:\s+(?:bro|man|fam|dude|thanks|that'?s\s+worse|not\s+that))?\s*[.!]*$"
)
_REDO = re.compile(
    r"\b(?:redo|re\s+do|bring\s+(?:it|that|this)\s+back|put\s+(?:it|that|this)\s+back|undo\s+(?:the|that|my)\s+undo|go\s+forward"
    r"|step\s+forward|forward\s+again|ctrl\s*\+?\s*y|ctrl\s*\+?\s*shift\s*\+?\s*z|cmd\s*\+?\s*shift\s*\+?\s*z"
    r"|actually\s+keep\s+(?:it|that|the\s+change)|changed\s+my\s+mind\s*,?\s*keep\s+(?:it|that)"
    r"|no\s+wait\s*,?\s*(?:bring|put)\s+it\s+back|reapply|re\s+apply|undo\s+undo"
    r"|(?:bring|put|get|give\s+me|want|need)\s+(?:back\s+)?(?:the\s+|that\s+|my\s+)?(?:last\s+|latest\s+|previous\s+)?(?:change|edit|tweak)s?(?:\s+back)?"
    r"|(?:redo|reapply|re\s+apply|restore)\s+(?:the\s+|that\s+|my\s+)?(?:last\s+)?(?:change|edit|tweak)"
    r"|(?:change|edit|tweak)\s+back\s+(?:on|in)|forward\s+(?:one|a\s+step)|(?:un\s*undo|undo\s+the\s+undo)"
    r"|(?:(?:the|that|my)\s+)?(?:change|edit|tweak)s?\s+(?:that\s+)?i\s+(?:just\s+)?(?:undid|undone|reverted)"
    r"|what\s+i\s+(?:just\s+)?(?:undid|reverted)|(?:the\s+)?undone\s+(?:change|edit|tweak|version))\b"
)
_STEP_NUMBER = (
    r"\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|a\s+couple(?:\s+of)?|couple(?:\s+of)?"
    r"|a\s+few|few"
)
_UNDO_STEPS = re.compile(
    r"\b(?P<verb>undo|go\s+back|goback|head\s+back|step\s+back|back|revert|roll\s*back|rewind|redo"
    r"|go\s+forward|step\s+forward|forward)(?:\s+(?:it|that|this|everything))?\s+"
    r"(?:(?:the\s+)?(?:last|previous|past)\s+|like\s+|by\s+)?(?P<n>" + _STEP_NUMBER + r")"
    r"(?:\s+(?:more\s+)?(?:versions?|steps?|changes?|edits?|times?|tweaks?|moves?|revisions?|drafts?)\b|\s*x\b)"
    r"|\b(?:undo|redo|go\s+back|revert|rewind)(?:\s+(?:it|that))?\s+(?P<times>twice|thrice)\b"
    r"|\b(?:undo|redo)\s*x\s*(?P<x>\d{1,2})\b"
    r"|\b(?P<ago>"
    + _STEP_NUMBER
    + r")\s+(?:versions?|steps?|changes?|edits?)\s+(?:back|ago|earlier)\b"
)
_UNDO_STEP_WORDS = re.compile(r"undo|redo|back|revert|rewind|forward|\bago\b|earlier")
_STEP_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "twice": 2, "thrice": 3, "few": 3, "a few": 3}  # fmt: skip
_STEP_COUNTS.update({w: 2 for w in ("couple", "a couple", "couple of", "a couple of")})
_MAX_UNDO_STEPS = 20
_FORWARD_AGAIN = re.compile(r"\b(?:go\s+|step\s+)?forward\s+again\b|\bredo\s+again\b")
_EXPORT_VERB = re.compile(
    r"\b(?:export|exports|download|dl|bounce|bounced|render\s+out|print\s+out|send|give|get|save|share|grab"
    r"|deliver|can\s+i\s+(?:have|get)|i\s+want|i\s+need|need|want|hand\s+over|links?|files?|pull\s+up"
    r"|where\s+(?:are|is|can)|output|stems\?)\b"
)
_EXPORT_BARE = re.compile(
    r"\b(?:export|download|bounce(?:\s+it)?(?:\s+out)?|save\s+(?:it|this|the\s+beat)|dl\s+it|render\s+(?:it\s+)?out|print\s+it)\b"
)
_EXPORT_EVERYTHING = re.compile(
    r"\b(?:send|give|export|download|get|grab)\s+(?:me\s+|us\s+)?(?:everything|it\s+all|all\s+of\s+it)\b"
)
_EXPORT_FORMAT = _phrase(EXPORT_FORMATS)
_NEW_BEAT = re.compile(
    r"\b(?:new\s+(?:beat|track|song|one|instrumental|idea|project|tune|loop|riddim)|another\s+(?:beat|track|song|instrumental)"
    r"|different\s+(?:beat|track|song)|start\s+(?:over|again|fresh|from\s+scratch|a\s+new)|from\s+scratch"
    r"|fresh\s+(?:start|beat|track)|brand\s+new|scrap\s+(?:it|this|that)(?!\s+(?:change|edit|tweak|last))|restart|clean\s+slate"
    r"|something\s+(?:completely|totally|entirely)\s+different|next\s+beat|make\s+(?:a\s+new|another\s+beat)"
    r"|let'?s\s+start\s+over|reset)\b"
)
_CREATE = re.compile(
    r"\b(?:make|create|produce|cook|generate|build|give|want|need|beat|beats|track|instrumental|song|loop"
    r"|banger|riddim|something|type\s+beat|surprise\s+me|whip\s+up|craft|compose|lay\s+down|drop\s+me|go"
    r"|do|let'?s|start|instrumentals|tune|jam|groove|vibe|bop)\b"
)
_TYPE_BEAT = re.compile(
    r"\btype\s*(?:beat|beats|instrumental|track)?\b|\bish\b|\besque\b|\bstyle\b|\binspired\b|\blike\b|\bvibes?\b|\bsimilar\s+to\b|\bin\s+the\s+style\s+of\b|\bsounding\b|\bprod\b|\bproduced\s+by\b"
    r"|\b(?:flavou?r|feel|energy|influence|sauce|touch)\b"
)
_MODIFY = re.compile(
    r"\b(?:make\s+it|make\s+this|change|switch|turn\s+it|turn\s+this|instead|now|same\s+(?:beat|but|thing)|keep\s+(?:it|everything)|can\s+it|more|less|again|tweak|adjust|set\s+(?:it|the))\b"
)
_VARIATION = re.compile(
    r"\b(?:another\s+(?:one|version|take|variation|pass|go|try)|try\s+(?:again|another|it\s+again|something\s+else)"
    r"|again|one\s+more|re\s*roll|regenerate|regen|new\s+(?:variation|version|take|seed|pattern|groove)|variations?"
    r"|different\s+(?:version|take|one|vibe|groove|pattern|rhythm|seed|variation)|switch\s+it\s+up|mix\s+it\s+up"
    r"|shake\s+it\s+up|change\s+it\s+up|something\s+else|not\s+feeling\s+(?:it|this|that)|(?:i\s+)?(?:don'?t|do\s+not)\s+like\s+(?:it|this)"
    r"|fresh\s+take|reshuffle|randomi[sz]e|remix|surprise\s+me|spin\s+again|roll\s+again|give\s+me\s+another)\b"
)
_NEW_PART = re.compile(
    r"\b(?:different|new|another|fresh|other|switch\s+up\s+the|redo\s+the|rewrite\s+the|re\s*do\s+the|regenerate\s+the|reroll\s+the)\s+"
    r"(melody|melodies|chords|chord\s+progression|progression|drums|drum\s+pattern|pattern|bassline|bass\s+line|bass|808|hats|hat\s+pattern|notes|rhythm|groove|riff|hook|lead|keys|pad|perc)\b"
)
_FILLERS = re.compile(
    r"^(?:(?:yo|hey|hi|hello|ok|okay|so|and|also|um+|uh+|hmm+|bro|fam|alright|right|well|btw|quick\s+q(?:uestion)?)\b[\s,!.:]*)+"
)
_QUESTION_START = re.compile(
    r"^(?:what|what'?s|whats|wat|wut|how|how'?s|hows|which|is|are|does|do\s+(?:you|we|i|they)|did|was|were|why|who|when|where"
    r"|any\s+idea|remind\s+me|tell\s+me|describe|summari[sz]e|give\s+me\s+a\s+(?:summary|recap|rundown)|recap|explain|status|(?:can|could|would)\s+you\s+(?:tell|remind|say|show)\s+me|do\s+you\s+know|quick\s+question)\b"
)
_REQUEST_START = re.compile(
    r"^(?:what\s+about|how\s+about|how\s+bout|what\s+if|why\s+not|what\s+would\s+it\s+sound\s+like|let'?s\s+hear"
    r"|(?:can|could|would|will)\s+(?:you|we|i|it)(?!\s+(?:tell|remind|say|show)\s+me)|is\s+it\s+possible"
    r"|do\s+you\s+mind|would\s+it\s+be\s+possible|how\s+do\s+i\s+make|how\s+would\s+it\s+sound)\b"
)
_QUESTION_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "key",
        re.compile(
            r"\b(?:key|scale|tonic|note|major\s+or\s+minor|minor\s+or\s+major|mode|pitch)\b"
        ),
    ),
    ("tempo", re.compile(r"\b(?:tempo|bpm|how\s+fast|how\s+slow|speed|fast|slow|quick|pace)\b")),
    (
        "length",
        re.compile(
            r"\b(?:how\s+long|long|length|duration|how\s+many\s+bars|bars|minutes|seconds|runtime|run\s+time|time)\b"
        ),
    ),
    (
        "tracks",
        re.compile(
            r"\b(?:tracks?|instruments?|playing|in\s+it|in\s+there|layers|elements|sounds|parts|muted|on|off|hear|drums|melody|808|bass|hats|claps?|pad|chords|perc)\b"
        ),
    ),
    (
        "genre",
        re.compile(
            r"\b(?:genre|style|kind|type|what\s+is\s+this|what'?s\s+this|what\s+did\s+you\s+make)\b"
        ),
    ),
    ("swing", re.compile(r"\b(?:swing|shuffle|groove|swung)\b")),
    ("mood", re.compile(r"\b(?:mood|vibe|energy|feel)\b")),
    ("version", re.compile(r"\b(?:version|versions|history|undo)\b")),
    (
        "genres",
        re.compile(r"\b(?:genres|styles|what\s+can\s+you\s+make|which\s+genres|what\s+kinds)\b"),
    ),
)
_HELP = re.compile(
    r"^(?:help|help\s+me|h|commands?|options|menu|usage|how\s+does\s+(?:this|it)\s+work|how\s+do\s+i\s+(?:use|start|begin)"
    r"|what\s+can\s+(?:you|i)\s+(?:do|say|ask|type|make)|what\s+do\s+you\s+do|what\s+are\s+you|who\s+are\s+you"
    r"|what\s+(?:can|does)\s+this\s+(?:thing\s+|app\s+)?do|guide|tutorial|examples?|what\s+should\s+i\s+(?:say|type|do)|how\s+to\s+use"
    r"|idk|i\s+don'?t\s+know|not\s+sure|what\s+do\s+you\s+mean|huh|i\s+don'?t\s+(?:understand|get\s+it)|confused|where\s+do\s+i\s+start|\?+|instructions|what\s+now|how\s+(?:do|can|should)\s+i|what\s+do\s+i\s+(?:say|type|do|write))\b"
    r"|\b(?:help|commands|what\s+can\s+you\s+do)\s*\??$"
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|heya|yo|sup|hiya|howdy|good\s+(?:morning|evening|afternoon)|what'?s\s+up|wassup|gm|hola|ayo)\b"
)
_THANKS = re.compile(
    r"\b(?:thanks|thank\s+you|cheers|nice|cool|great|awesome|dope|fire|sick|love\s+it|perfect|ok|okay|k|lol|lmao|amazing"
    r"|sweet|fantastic|wow|yes|yep|yeah|sounds\s+good|good|bet|word|hard|crazy|wild)\b"
)

# --- tempo ------------------------------------------------------------------------------------
_BPM_DELTA = re.compile(
    r"(?:\b(?:up|raise|increase|bump|push|plus|lift|speed(?:\s+it)?\s+up|faster)\s+(?:it\s+|the\s+(?:tempo|bpm|speed)\s+)?(?:up\s+)?(?:by\s+)?(?:(?:like|about|around|roughly|maybe|say|just|only|another)\s+)?|\+(?<!\S\+)\s?(?=\d))(\d{1,3})\s*(?:bpm|%|percent)?(?=\s|$)(?!\s*(?:bars?|seconds?|minutes?|semi\s*tones?|steps?|keys?|tones?|octaves?|half\s*steps?|whole\s+(?:tones?|steps?)|notes?))"
    r"|(?:\b(?:down|lower|decrease|drop|reduce|minus|slow(?:\s+it)?\s+down|slower)\s+(?:it\s+|the\s+(?:tempo|bpm|speed)\s+)?(?:down\s+)?(?:by\s+)?(?:(?:like|about|around|roughly|maybe|say|just|only|another)\s+)?|-(?<!\S-)(?=\d))(\d{1,3})\s*(?:bpm|%|percent)?(?=\s|$)(?!\s*(?:bars?|seconds?|minutes?|semi\s*tones?|steps?|keys?|tones?|octaves?|half\s*steps?|whole\s+(?:tones?|steps?)|notes?))"
    r"|\b(\d{1,3})\s*(bpm|%|percent|)\s*(faster|slower|higher|lower|more|less|up|down|quicker)\b(?!\s*(?:bars?|seconds?|minutes?|semitones?|steps?|hats?))"
    r"|\b(?:(?:knock|shave)\s+(?:it\s+)?(?:down\s+)?(?:off\s+)?|(?:take|chop|drop|cut)\s+(?:it\s+)?(?:down\s+)?(?=\d{1,3}\s*(?:bpm|%|percent|)\s*(?:off|down|from)\b))(\d{1,3})\s*(bpm|%|percent|)\s*(?:off|down|from\s+the\s+(?:tempo|bpm))?(?=\s|$)"
)
_BPM_EXPLICIT = re.compile(
    r"\b" + _NUM + r"\s*(?:bpm|beats\s+per\s+minute|beats\s+a\s+minute)\b"
    r"|\b(?:bpm|tempo)\s*(?:of|to|at|=|:|is|should\s+be|around|about|->|into)?\s*(?:to\s+|at\s+)?(?:like\s+|around\s+|about\s+|roughly\s+|~\s*)?"
    + _NUM
    + r"\b"
)
_BPM_CONTEXT = re.compile(
    r"(?:\b(?:at|@|around|about|roughly|approx|approximately|like|~|to|tempo|bpm|speed|make\s+it|set\s+it\s+to|go|push\s+it\s+to|bump\s+it\s+to|take\s+it\s+to|bring\s+it\s+to)\s*)$"
)
# "from 140 to 150", "140 -> 150", "142 is too slow, do 146": the number after these is the one.
_BPM_TARGET = re.compile(
    r"(?:\bto|\binto|-\s*>|=\s*>|\binstead\s+of\s+\d+\s*,?\s*(?:do|use)?|\bdo|\btry|\bgo\s+(?:for|with)|\bthen)\s*$"
)
# "tempo 150 -> 144": the number an arrow leads to replaces the one before it.
_ARROW_AFTER = re.compile(r"\s*(?:-\s*>|=\s*>|to)\s*\d")
_COUNTED_NOUN = re.compile(
    r"\s+(?!(?:bpm|bars|beats|measures|seconds|secs|minutes|mins|semitones|steps|tones|hats"
    r"|claps|snares|kicks|drums|percs|bells|plucks|pads|keys|chords|strings|vibes|please|pls|thanks"
    r"|is|was|as)\b)[a-z]{3,}s\b"
)
_CURRENT_BEFORE = re.compile(r"\b(?:already|currently)\s+(?:at\s+)?$")
_SLOWEST_TARGET = 40
_KEEP_TEMPO = re.compile(
    r"\b(?:(?:keep|hold|leave)\s+(?:the\s+|my\s+|this\s+)?(?:tempo|bpm|speed)(?:\s+(?:the\s+same|as\s+is|where\s+it\s+is))?"
    r"|same\s+(?:tempo|bpm|speed)|(?:tempo|bpm|speed)\s+(?:stays?|the\s+same|unchanged|as\s+is)"
    r"|(?:don'?t|do\s+not|dont)\s+(?:change|touch)\s+the\s+(?:tempo|bpm|speed))\b(?!\s*(?:at|to|@|on)?\s*\d)"
)
_STATED = re.compile(r"\b(?:tempo|bpm)\s+is\b|\bis\s+(?:at\s+)?\d")
# At or under this, a tempo with no direction is a step someone forgot to say the way of.
_STEP_NOT_TEMPO = 20
# "faster like 128", "slower maybe 70": a number a tempo could be, after a comparative and a
# hedge but no "by", is where to go; "faster by 10", "up like 6" stay steps.
_TARGET_NOT_STEP = re.compile(
    r"(?:faster|slower)\s+(?:like|about|around|roughly|maybe|say)\s+(?:[4-9]\d|1\d\d|2[0-2]\d)\s*(?:bpm)?\s*$"
)
_STEP_DOWN_BEFORE = re.compile(
    r"\b(?:down|slower|lower|drop|reduce|decrease|minus|less|back\s+off"
    r"|(?:take|pull|dial|knock|ease)\s+(?:it\s+|the\s+tempo\s+)?back)\b"
)
_STEP_UP_BEFORE = re.compile(
    r"\b(?:up|faster|raise|increase|plus|bump|push|quicker|more|add|another|extra)\b"
)
_BARE_NUMBER = re.compile(r"(?<![\w./:#$+-])(\d{2,3}(?:\.\d+)?)(?![\w./:%#])")
_HALF_TIME = re.compile(
    r"\b(?:half\s*time|half\s+(?:the\s+)?(?:speed|tempo|bpm)|halve\s+(?:the\s+)?(?:tempo|bpm|speed)|half\s+speed|half\s+as\s+fast)\b"
)
_DOUBLE_TIME = re.compile(
    r"\b(?:double\s*time|double\s+(?:the\s+)?(?:speed|tempo|bpm)|twice\s+as\s+fast|2x\s+(?:speed|tempo|faster)|double\s+speed)\b"
)
_FASTER = re.compile(
    r"\b(?:(?:"
    + _SMALL
    + r"|"
    + _BIG
    + r"|even|more|lot|bit|tad|touch|little|lil)\s+)?(?:faster|speed\s+(?:it|this|things|the\s+tempo|the\s+beat)?\s*up|quicker|"
    r"pick\s+up\s+the\s+pace|pick\s+it\s+up|up\s+the\s+tempo|raise\s+the\s+tempo|tempo\s+up|increase\s+the\s+(?:tempo|bpm|speed)|"
    r"higher\s+(?:bpm|tempo)|more\s+tempo|up\s*tempo|speedier|bump\s+(?:it|the\s+tempo|the\s+bpm)\s+up|(?:it'?s\s+)?(?<!not\s)too\s+slow|make\s+it\s+(?:fast|quick)|"
    r"push\s+the\s+tempo|crank\s+the\s+tempo|more\s+uptempo|turn\s+up\s+the\s+tempo|not\s+fast\s+enough|more\s+speed|"
    r"more\s+fast|more\s+quick|(?:tempo|bpm|speed)\s+(?:more\s+)?high(?:er)?|increase\s+(?:the\s+)?speed|up\s+the\s+speed|"
    r"(?:it\s+|it'?s\s+|the\s+(?:beat|tempo|groove)\s+(?:is\s+)?|this\s+|tempo\s+)(?:drags|dragging|sluggish|feels?\s+sluggish))\b"
)
_SLOWER = re.compile(
    r"\b(?:(?:"
    + _SMALL
    + r"|"
    + _BIG
    + r"|even|more|lot|bit|tad|touch|little|lil)\s+)?(?:slower|slow\s+(?:it|this|things|the\s+tempo|the\s+beat)?\s*down|"
    r"lower\s+the\s+(?:tempo|bpm)|tempo\s+down|decrease\s+the\s+(?:tempo|bpm|speed)|lower\s+(?:bpm|tempo)|down\s*tempo|"
    r"reduce\s+the\s+(?:tempo|bpm|speed)|less\s+fast|not\s+so\s+fast|(?:it'?s\s+)?(?<!not\s)too\s+fast|bring\s+the\s+tempo\s+down|"
    r"take\s+the\s+tempo\s+down|drop\s+the\s+(?:tempo|bpm)|more\s+laid\s+back\s+tempo|slow\s+down|slow\s+it|"
    r"more\s+slow|(?:tempo|bpm|speed)\s+(?:more\s+)?low(?:er)?|decrease\s+(?:the\s+)?speed|"
    r"(?:it'?s\s+|it\s+|the\s+(?:beat|tempo|groove)\s+(?:is\s+)?|this\s+)(?:rushing|rushed|rushes|feels?\s+rushed))\b"
)
_SMALL_RE = re.compile(r"\b" + _SMALL + r"\b|\b(?:bit|tad|touch|little|lil|hair|smidge)\b")
_BIG_RE = re.compile(r"\b" + _BIG + r"\b")

# --- length -----------------------------------------------------------------------------------
_MSS = re.compile(r"(?<![\w:/.])(\d{1,2}):([0-5]\d)(?![\w:])")
_MIN_SEC = re.compile(r"\b(\d{1,2})\s*(?:m|minutes?)\s*(?:and\s+)?(\d{1,2})\s*(?:s|seconds?)?\b")
_MINUTES = re.compile(
    r"\b(\d{1,2}(?:\.\d+)?)\s*(?:and\s+a\s+half\s+)?(?:m|mins?|minutes?|minute)\b(\s+and\s+a\s+half)?"
    r"|\b(?:a|1)\s+minute\s+and\s+a\s+half\b|\bhalf\s+a\s+minute\b|\b(?:a|one)\s+minute\b|\ba\s+couple\s+(?:of\s+)?minutes\b"
    r"|\b(\d{1,2}|one|two|three)\s+and\s+a\s+half\s+minutes\b"
)
_SECONDS = re.compile(
    r"\b(?!(?:808|909|303|606|707)s?\b)(\d{1,4}(?:\.\d+)?)\s*(?:seconds?|secs?|s)\b"
)
_BARS = re.compile(r"\b(\d{1,3})\s*(?:bars?|measures?)\b(\s+loop)?")
_LENGTH_ADD_BEFORE = re.compile(
    r"(?:\badd|\bextra|\banother|\b(?:extend|lengthen|stretch)(?:\s+(?:it|this|the\s+beat))?(?:\s+out)?(?:\s+by)?|\bplus|\+)\s*$"
)
_LENGTH_ADD_AFTER = re.compile(r"^\s*(?:more|longer|extra|on\s+top)\b")
_LENGTH_SUB_BEFORE = re.compile(
    r"(?:\bcut|\btrim|\bremove|\btake(?:\s+off|\s+away|\s+out)?|\bminus|\bshorten(?:\s+it)?(?:\s+by)?|\blose|\bdrop)\s*(?:(?:it|the\s+length)\s+)?(?:by\s+)?$"
)
_LENGTH_SUB_AFTER = re.compile(r"^\s*(?:shorter|less|fewer|off|away)\b")
_LENGTH_RELATIVE: tuple[tuple[re.Pattern[str], float], ...] = (
    (
        re.compile(
            r"\b(?:three\s+times|3\s*x|3\s+times|triple)\s+(?:as\s+)?(?:long|the\s+length|longer|length)\b"
        ),
        3.0,
    ),
    (
        re.compile(
            r"\b(?:twice\s+as\s+long|twice\s+the\s+length|double\s+(?:the\s+)?(?:length|duration|it\s+in\s+length)|2\s*x\s+(?:as\s+)?(?:long|longer|the\s+length|length)|double\s+as\s+long|x\s*2\s+(?:length|long)|twice\s+(?:as\s+)?longer|2\s+times\s+(?:as\s+)?long(?:er)?|make\s+it\s+double\s+length|double\s+length)\b"
        ),
        2.0,
    ),
    (re.compile(r"^\s*double\s+(?:it|this|that|the\s+beat)\s*[.!]*\s*$"), 2.0),
    (
        re.compile(
            r"\b(?:half\s+as\s+long|twice\s+as\s+short|half\s+the\s+(?:length|duration)|cut\s+(?:it|the\s+length)\s+in\s+half|halve\s+(?:it|the\s+(?:length|duration))|half\s+length|half\s+as\s+short|50\s*%\s+shorter)\b"
        ),
        0.5,
    ),
)
_LONGER = re.compile(
    r"(?<!no\s)\b(?:("
    + _SMALL
    + r"|"
    + _BIG
    + r"|even|a\s+lot|way)\s+)?(?:longer|extend(?:ed)?(?:\s+it)?|lengthen|stretch\s+it(?:\s+out)?|make\s+it\s+go\s+on\s+longer|more\s+bars|too\s+short|more\s+long)\b"
)
_SHORTER = re.compile(
    r"\b(?:("
    + _SMALL
    + r"|"
    + _BIG
    + r"|even|a\s+lot|way)\s+)?(?:shorter|shorten|trim\s+it(?:\s+down)?|cut\s+it\s+down|fewer\s+bars|less\s+bars|too\s+long|tighten\s+it\s+up)\b"
)
_LOOP_ON = re.compile(
    r"\b(?:make\s+it\s+(?:a\s+)?loop|loop\s+it|just\s+a\s+loop|as\s+a\s+loop|loopable|seamless\s+loop|a\s+loop|loop\s+only|(?<!no\s)loop)\b"
)
_LOOP_OFF = re.compile(
    r"\b(?:full\s+(?:song|beat|track|length|arrangement|structure|version)|no\s+loop|not\s+a\s+loop|with\s+(?:structure|sections|an\s+arrangement)|arrange\s+it|add\s+(?:an\s+)?(?:intro|outro|structure|arrangement))\b"
)
_METER = re.compile(r"\b(3/4|6/8|4/4)\b|\b(waltz)\b|\b(?:in|time)\s+(three|3)\b")

# --- hats ---------------------------------------------------------------------------------------
_HATS_WORD = _phrase([w for w, tracks in TRACK_ALIASES.items() if tracks == ("hats",)])
_HAT_RATE = re.compile(
    r"(?<![\d/])1\s*/\s*(4|8|12|16|24|32)\b(?:\s*(?:th|nd)s?)?(?:\s+notes?)?"
    r"|\b(4|8|12|16|24|32)\s*(?:th|nd|rd)s?\b(?:\s+notes?)?"
    r"|\b(quarter|eighth|sixteenth|thirty\s*second|32\s+second)\s*(?:notes?|s)?\b(?!\s*(?:long|loop))"
)
_RATE_WORDS = {
    "quarter": 4,
    "eighth": 8,
    "sixteenth": 16,
    "thirtysecond": 32,
    "thirty second": 32,
    "32 second": 32,
}
_TRIPLET = re.compile(r"\b(?:triplets?|trips|triplet\s+feel|tresillo)\b")
_HAT_UP = re.compile(
    r"\b(?:faster|quicker|busier|double(?:\s*time|d)?|rolling|rolls?|speed\s+up|more\s+rolls|skippier|more\s+active|crazier|twice\s+as\s+fast|too\s+slow|not\s+busy\s+enough|more\s+quick|more\s+fast|quick|fast|go\s+(?:crazy|wild|nuts|off)|wild(?:er)?|crazy|nuts)\b"
)
_HAT_DOWN = re.compile(
    r"\b(?:slower|half(?:\s*time)?|halve|sparser|less\s+busy|simpler|calmer|fewer|too\s+busy|too\s+fast|too\s+(?:crazy|wild|much)|chill(?:er)?|no\s+(?:more\s+)?rolls|less\s+rolls)\b"
)
_NO_ROLLS = re.compile(
    r"\b(?:no|no\s+more|less|without|fewer|lose\s+the|remove\s+the|drop\s+the)\s+(?:hat\s+)?rolls\b"
)
_ROLLS = re.compile(
    r"(?<!no\s)(?<!no\smore\s)(?<!less\s)(?<!without\s)\b(?:hat\s+rolls?|add\s+(?:some\s+)?rolls|more\s+rolls|rolls)\b"
)

# --- keys ----------------------------------------------------------------------------------------
_ACC = r"(?P<acc>\s?#|\s?sharp|\s?flat|b(?=(?:m|mi|min|maj)?(?![\w#])))?"
_KEY_FULL = re.compile(
    r"(?<![\w#])(?P<l>[a-g])" + _ACC + r"\s*(?P<mode>minor|major|min|maj|mi|m)(?![\w#])"
)
_KEY_CONTEXT_BEFORE = re.compile(
    r"(?:\bin|\bkey(?:\s+of)?|\bkey\s*:|\bto|\binto|\bof|\btonic|\broot|\bscale)\s*$"
)
# "a minor key", "a major change": the article, not the note A.
_A_AS_ARTICLE = re.compile(
    r"\s*(?:key|scale|feel|vibe|tonality|mode|progression|chords?|sound|tone|change|thing|tweak|version|one)\b"
)
_KEY_TONIC = re.compile(r"(?<![\w#])(?P<l>[a-g])" + _ACC + r"(?![\w#])")
_KEY_TONIC_FOLLOW = re.compile(
    r"^\s*(?:$|[.,!?;]|please|now|instead|then|and|key|maybe|thanks|with|at|for|but|so|pls|\d)"
)
# "minor to major", "from major into minor": the mode after the arrow word is the one asked.
_MODE_SWITCH = re.compile(r"\b(?:from\s+)?(?:minor|major)\s+(?:to|into|->|=>)\s+(major|minor)\b")
_MODE_ONLY = re.compile(
    r"\b(?:(?:in\s+)?(?:a\s+)?(minor|major)(?:\s+key|\s+scale|\s+mode|\s+tonality)?|(minor|major)\s+key)\b"
)
_TRANSPOSE = re.compile(
    r"\b(?:(?:transpose|pitch|shift|move|key|tune|take)\s+)?(?:(?:it|the\s+key|this|everything)\s+)?(up|down)\s+(?:by\s+)?(a|an|one|\d{1,2})?\s*"
    r"(semi\s*tones?|half\s*steps?|whole\s*steps?|steps?|tones?|octaves?|keys?|notes?)\b"
    r"|\b(?:transpose|pitch)\s+(?:it\s+)?(up|down)\b|\b(higher|lower)\s+key\b|\bkey\s+(up|down)\b|\b(raise|lower)\s+the\s+key\b"
    r"|\b(different|another|new|other)\s+key\b"
)

# --- feel ----------------------------------------------------------------------------------------
_SWING_VALUE = re.compile(
    r"\b(\d{1,3})\s*%\s*(?:swing|shuffle)\b|\b(?:swing|shuffle)\s*(?:of|at|to|amount)?\s*(?:to\s+)?(\d{1,3})\s*%"
    r"|\b(?:swing|shuffle)\s*(?:of|at|to|amount)?\s*(?:to\s+)?(0?\.\d+|1\.0|0|1)\b"
)
_SWING_OFF = re.compile(
    r"\b(?:no\s+(?:swing|shuffle)|straight(?!\s+up)(?:en\s+(?:it|the\s+\w+)(?:\s+out)?)?|straighter|quantized?(?:\s+it)?|on\s+(?:the\s+)?grid|(?<!less\s)(?<!not\s)(?<!so\s)(?:rigid|robotic)"
    r"|(?:remove|kill|lose|drop|take\s+out|get\s+rid\s+of)\s+(?:the\s+)?(?:swing|shuffle)|swing\s+off|without\s+(?:swing|shuffle)|unswung|zero\s+swing|dead\s+straight)\b"
)
_SWING_DOWN = re.compile(
    r"\b(?:less\s+(?:swing|shuffle|swung)|reduce\s+the\s+swing|not\s+so\s+swung|(?:tone|dial)\s+down\s+the\s+swing|too\s+much\s+swing|too\s+swung|swing\s+down|lower\s+(?:the\s+)?swing|less\s+bounce)\b"
)
_SWING_UP = re.compile(
    r"\b(?:(?P<q>"
    + _SMALL
    + r"|"
    + _BIG
    + r"|more|heavy|heavier|extra|some|max|crazy|lots\s+of|a\s+lot\s+of|light|slight|subtle|big|hard|add(?:\s+some)?|add\s+a\s+bit\s+of|with)\s+)?"
    r"(?:swing|shuffle|swung|shuffled|swang)(?:\s+(?:it|to\s+it|on\s+it|feel|the\s+\w+))?\b"
    r"|\b(?:swing\s+it|make\s+it\s+swing|groovier|more\s+groove|more\s+bounce|drunk(?:en)?(?:\s+feel)?|wonky|dilla\s+(?:feel|swing|style|bounce)|off\s+grid|humani[sz]e(?:d)?|looser|loose|less\s+(?:robotic|rigid|stiff|quantized)|more\s+human)\b"
)
_ENERGY_UP = re.compile(
    r"\b(?:more\s+(?:energy|energetic|hype|intense|aggressive|punch|power|life|drive|aggression|impact)|hype\s+it\s+up|turn\s+it\s+up|(?:hit|hits|go|make\s+it)\s+harder|harder"
    r"|punchier|bigger|go\s+crazy|crank\s+it(?:\s+up)?|amp\s+it\s+up|spice\s+it\s+up|liven\s+it\s+up|fuller|busier|more\s+going\s+on"
    r"|higher\s+energy|energy\s+up|louder|add\s+energy|pump\s+it\s+up|too\s+(?:chill|boring|calm|soft|mellow|empty|sleepy)|boring|livelier|more\s+lively|heat\s+it\s+up|go\s+hard"
    r"|(?:make\s+it\s+|more\s+of\s+)?(?:a\s+)?banger|bang\s+harder|more\s+bang(?:ing)?|slap\s+harder)\b"
)
_ENERGY_DOWN = re.compile(
    r"\b(?:less\s+(?:energy|energetic|intense|aggressive|hype|busy|going\s+on)|chill\s+(?:it|this|things)?\s*out|chill\s+it|calmer|calm\s+(?:it|this|things)\s+down|mellow\s+(?:it\s+)?out"
    r"|tone\s+it\s+down|softer|more\s+(?:relaxed|chill|laid\s+back|mellow|calm|minimal|gentle)|less\s+intense|strip\s+it\s+back|sparser|emptier|quieter"
    r"|gentler|relax|lower\s+energy|energy\s+down|too\s+(?:busy|much|intense|aggressive|hype|loud|crazy)|take\s+it\s+easy|dial\s+it\s+back|dial\s+it\s+down|simpler)\b"
)

# --- genres, artists, moods, tracks -----------------------------------------------------------
_GENRE = _phrase(GENRE_ALIASES)
_GENRE_NEGATED_BEFORE = re.compile(
    r"(?:\bfrom|\binstead\s+of|\bnot|\bno|\bthan|\brather\s+than|\bother\s+than|\bbesides|\bnot\s+a|\bnot\s+so|\bless|\bexcept)\s+(?:a\s+|an\s+|the\s+|so\s+|too\s+|much\s+)?$"
)
_GENERIC_AS_ADJECTIVE = re.compile(
    r"(?:\bmore|\bless|\btoo|\bvery|\bkinda|\bkind\s+of|\bsorta|\ba\s+bit|\ba\s+little|\bslightly|\bsuper)\s+$"
)
_TRACK_AFTER_GENRE = re.compile(
    r"\s*(?:style\s+|type\s+|sounding\s+|like\s+)?(?:"
    + _alternation([w for w in TRACK_ALIASES if w not in ("groove", "kit", "tune")])
    + r")(?![\w#&$])"
)
_ARTIST = _phrase(ARTIST_GENRES)
_DECADE = re.compile(
    r"\b(?:(?:19)?([5-9])0\s*'?\s*s|(fifties|sixties|seventies|eighties|nineties))\b"
)
_DECADE_AS_SECONDS_BEFORE = re.compile(
    r"(?:\bto|\babout|\baround|\bonly|\bjust|\broughly|\bunder|\bover|\bbe|\bmax|\bfor|~|\bexactly"
    r"|\blength|\bduration|\bruntime|\blong)\s*(?::|=|of|is)?\s*$"
)
_NO_SLIDES = re.compile(
    r"\b(?:(?:no|without|lose|remove|kill|drop|cut|less)\s+(?:the\s+)?(?:808\s+|bass\s+)?(?:slides|glides|sliding|gliding)"
    r"|(?:808\s+|bass\s+)?(?:slides|glides)\s+(?:off|out|gone))\b"
)
# "drop the key by 2", "key +2": the theory pass's unit-less key steps, for its gate.
_KEY_STEP_GATE = re.compile(r"\bkey\s+(?:(?:up|down)\s+)?(?:by\s+)?[+-]?\s*\d")
_GENRE_TARGET_BEFORE = re.compile(
    r"\b(?:make\s+it(?:\s+a)?|turn\s+it\s+into(?:\s+a)?|switch(?:\s+it)?\s+to|change\s+(?:it\s+)?to|go)\s+$"
)
_DECADE_AS_STYLE_BEFORE = re.compile(r"\b(?:more|make\s+it|go|sound|feel|bit|touch|little)\s+$")
_DECADE_AS_SECONDS_AFTER = re.compile(
    r"^\s*(?:long|loop|clip|max|version|in\s+length|of\s+(?:audio|music))\b"
)
_OCCASION = _phrase(OCCASION_GENRES)
_MOOD = _phrase(MOODS)
_TRACK = _phrase([*TRACK_ALIASES, *UNSUPPORTED_TRACK_WORDS])
_OFF_VERB = _phrase(TRACK_OFF_WORDS)
_ON_VERB = _phrase(TRACK_ON_WORDS)
_ONLY_VERB = _phrase(TRACK_ONLY_WORDS)
_NEUTRAL_VERB = _phrase(("swap", "replace", "switch", "change", "turn", "make", "set", "use"))
_LOUDER_VERB = re.compile(
    r"\b(?:louder|turn\s+up|boost|crank(?:\s+up)?|pump\s+up|bring\s+up|raise|more|beef\s+up|fatten\s+up|push|bigger|heavier|harder|fatter|punchier|up)\b"
)
_QUIETER_VERB = re.compile(
    r"\b(?:quieter|turn\s+down|lower|softer|less|bring\s+down|tame|reduce|duck|down|tone\s+down|too\s+loud|too\s+much|too\s+busy|too\s+loud)\b"
)
_JOINED = re.compile(
    r"\s*(?:(?:out|off|back|in|on|away|gone)\s+)?(?:,|and|&|\+|or|plus|as\s+well\s+as)?\s*(?:the\s+|a\s+|some\s+|those\s+|that\s+)?"
)
_PRONOUN = re.compile(r"\b(?:it|them|that|those|this)\b")
_ONLY_AFTER = re.compile(r"^\s*(?:only|alone|and\s+nothing\s+else|by\s+(?:itself|themselves))\b")
_EVERYTHING = _phrase(EVERYTHING_WORDS)
_EXCEPT = _phrase(EXCEPT_WORDS)
_DRUMLESS = re.compile(
    r"\b(?:drumless|no\s+drums|without\s+drums|beatless|a\s*cappella|ambient\s+version)\b"
)
_ENDS_OFF = re.compile(r"\b(?:off|out|muted|gone)\s*$")
_EVERYTHING_OFF = re.compile(
    r"\b(?:everything|all|all\s+tracks|the\s+rest)\s+(?:else\s+)?(?:off|out|muted|gone)\b"
    r"|\b(?:should|can|must|has\s+to|needs\s+to|gotta)\s+go\b"
)
# Each word alternative opens with its letter and checks the word start after it ("b(?<!\wb)"
# is "\bb"): ``re`` rejects most positions on that first letter without an assertion.
_CLAUSE_SPLIT = re.compile(
    r"[.;!?,]|\s-\s|b(?<!\wb)ut\b(?<!everything\sbut)(?<!all\sbut)(?<!everything\soff\sbut)(?<!all\soff\sbut)"
    r"(?<!everything\sout\sbut)(?<!everything\selse\sbut)|t(?<!\wt)hen\b"
    r"|a(?<!\wa)(?:lso\b|nd\s+then\b)|w(?<!\ww)hile\b|p(?<!\wp)lus\s+(?=make|change|set|turn|add)"
)
_GAIN_STEP_DB = 3.0


# Cheap substring gates: a pass whose words are absent from the turn cannot match, so it is
# skipped (long turns run ~17 regex passes; most mention only a few of these families).
_GATES: dict[str, tuple[str, ...]] = {
    "solo": ("solo", "alone", "on its own", "on their own", "by itself", "by themselves"),
    "sections": ("intro", "outro", "hook", "chorus", "verse", "bridge", "break", "drop"),
    "theory": ("relative", "parallel", "semi", "tone", "step", "second", "third", "fourth",
               "fifth", "sixth", "seventh", "octave", "tritone", "2nd", "3rd", "4th", "5th",
               "6th", "7th", "transpose", " st", "same root", "same tonic", "of the same"),
    "variation_count": ("variation", "version", "take", "alt", "option", "variant", "idea",
                        "flip"),
}  # fmt: skip


def _gate(text: str, name: str) -> bool:
    return any(word in text for word in _GATES[name])


def extract(
    text: str,
    original: str = "",
    *,
    cased_keys: set[str] | None = None,
    edits_only: bool = False,
) -> Mentions:
    """Read a normalised turn (see :func:`text.normalize`) into :class:`Mentions`.

    ``original`` is the turn as typed; capital letters there tell "Am" (A minor) from "am"
    (``cased_keys``, when given, is that reading done already). ``edits_only`` skips the action
    words (the caller read them from the whole turn) but still sets aside version numbers.
    """
    keys = cased_keys if cased_keys is not None else _cased_keys(original)
    found = Mentions(words=text.split(), cased_keys=keys)
    scan = _Scanner(text)
    if edits_only:
        index = scan.index  # the words of the text before the takes below blank any
        scan.take(_VERSION, lambda m: None)
        scan.take(_FORWARD_AGAIN, lambda m: None)
        # Artists named as everyday words; read on the text as it came (one space in front).
        found.type_beat = bool(index.search(_TYPE_BEAT, text, 1))
    else:
        _actions(scan, found)
    _artists_and_decades(scan, found)
    if _gate(text, "variation_count"):
        _variation_count(scan, found)
    _variations(scan, found)
    if _gate(text, "solo"):
        _solo(scan, found)
    if "mute" in text:
        _mutes(scan, found)
    if _gate(text, "sections"):
        _sections(scan, found)
    if _gate(text, "theory") or ("key" in text and _KEY_STEP_GATE.search(text)):
        _theory(scan, found)
    _hats(scan, found)
    _length(scan, found)
    _meter(scan, found)
    _tempo(scan, found)
    _keys(scan, found)
    _genres(scan, found)
    _feel(scan, found)
    _tracks(scan, found)
    _energy(scan, found)
    _moods(scan, found)
    return found


def extract_actions(text: str, original: str = "") -> Mentions:
    """Only the action signals of a turn (undo, redo, export, question, help, ...)."""
    found = Mentions(words=text.split(), cased_keys=_cased_keys(original))
    _actions(_Scanner(text), found)
    return found


# --- passes -------------------------------------------------------------------------------------
_TRACK_WORDS = _alternation([w for w in TRACK_ALIASES if w not in WEAK_TRACK_WORDS])
_SOLO = re.compile(
    r"\bsolo(?:\s+out)?\s+(?:the\s+|my\s+|that\s+|those\s+|just\s+the\s+)?(?:"
    + _TRACK_WORDS
    + r")(?![\w#&$])(?:\s*(?:,|and|&|\+|plus)\s*(?:the\s+)?(?:"
    + _TRACK_WORDS
    + r")(?![\w#&$]))*"
    r"|(?<![\w#&$])(?:" + _TRACK_WORDS + r")\s+(?:solo(?:ed)?|on\s+solo)\b"
    r"|\b(?:can\s+i\s+)?(?:hear|listen\s+to)\s+(?:the\s+)?(?:"
    + _TRACK_WORDS
    + r")\s+(?:alone|on\s+(?:its|their)\s+own|by\s+(?:itself|themselves)|solo)\b"
)
_MUTE = re.compile(
    r"\bmute(?:d)?\s+(?:the\s+|my\s+|that\s+|those\s+|all\s+the\s+)?(?:"
    + _TRACK_WORDS
    + r")(?![\w#&$])(?:\s*(?:,|and|&|\+|plus)\s*(?:the\s+)?(?:"
    + _TRACK_WORDS
    + r")(?![\w#&$]))*"
    r"|(?<![\w#&$])(?:" + _TRACK_WORDS + r")\s+(?:on\s+)?mute(?:d)?\b"
)
_MUTE_ALL = re.compile(r"\bmute\s+(?:everything|all|every\s+track|the\s+rest)\b")
_VARIATION_COUNT = re.compile(
    r"\b(\d{1,2}|a\s+few|a\s+couple(?:\s+(?:of|more))?|couple(?:\s+of)?|some|several|few|multiple|two|three|four)\s+"
    r"(?:more\s+|other\s+|different\s+|new\s+|alternate\s+|alternative\s+|quick\s+)*"
    r"(?:variations?|versions|takes|alternatives|alts|options|variants|ideas|flips)\b"
)
_HISTORY_BEFORE = re.compile(
    r"\b(?:back|undo|revert|previous|earlier|restore|rewind)\s+(?:by\s+|like\s+|about\s+|(?:the\s+)?last\s+)?$"
)
_HISTORY_AFTER = re.compile(r"\s*(?:ago|back|earlier)\b")
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "couple": 2, "few": 3, "some": 3, "several": 3,
                "multiple": 3}  # fmt: skip
_MAX_VARIATIONS = 4
_RELATIVE = re.compile(
    r"\b(?:the\s+|its\s+|it'?s\s+|to\s+)?relative\s+(major|minor)?(?:\s+key)?\b|\bgo\s+relative\b"
)
_PARALLEL = re.compile(
    r"\b(?:the\s+|its\s+|to\s+)?parallel\s+(major|minor)\b|\b(major|minor)\s+(?:version\s+)?(?:of\s+the\s+same|on\s+the\s+same)\s+(?:key|root|tonic|note)\b"
    r"|\bsame\s+(?:root|tonic|key\s+center)\s+(?:but\s+)?(?:in\s+)?(major|minor)\b"
)
_INTERVAL_VERB = re.compile(
    r"\b(?:transpose|shift|move|modulate|pitch|take|bring|put|go|key)\b[\w\s]{0,12}?\s*$"
)
_TRANSPOSE_EXTRA = re.compile(
    r"(?P<sign>[+-])(?<!\S[+-])\s?(?P<count>\d{1,2})\s*(?P<unit>semi\s*tones?|half\s*steps?|whole\s*steps?|st)\b"
    r"|\b(?P<count2>a\s+|one\s+|\d{1,2}\s+)?(?P<unit2>semi\s*tones?|half\s*steps?|whole\s*steps?|tones?|steps?)\s+(?P<dir2>up|down|higher|lower)\b"
    r"|\btranspose\s+(?:it\s+)?(?P<dir>up|down|[+-])\s*(?:by\s+)?(?P<count3>\d{1,2})\b(?!\s*(?:bpm|bars?|%))"
    r"|\b(?:(?P<verb4>drop|lower|raise|bump|shift|move|pitch|transpose|take)\s+(?:the\s+key|it|everything|the\s+whole\s+thing)\s+(?:(?P<dir5>up|down)\s+)?|(?P<dir4>up|down)\s+)"
    r"(?:by\s+)?(?P<count4>a|an|one|\d{1,2})\s+(?P<unit4>whole\s+tones?|semi\s*tones?|half\s*steps?|whole\s*steps?|tones?|steps?)\b"
    # "drop the key by 2", "key down 3", "key +2": a count with no unit, on the key, is semitones.
    r"|\b(?:(?P<verb6>drop|lower|raise|bump|shift|move|take|put|pitch|transpose)\s+(?:the\s+)?key\s+(?:(?P<dir7>up|down)\s+)?"
    r"|key\s+(?P<dir6>up|down|[+-])\s*)(?:by\s+)?(?P<count6>\d{1,2})\b"
    r"(?!\s*(?:bpm|bars?|%|seconds?|secs?|minutes?|mins?|semi|half|whole|tones?|steps?|octaves?))"
)
_SECTION = r"(?P<section>intro|outro|hook|chorus|verse|bridge|breakdown|drop)"
_SECTION_NAMES = {"chorus": "hook", "breakdown": "break"}
_SECTION_EDITS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "no-tracks",
        re.compile(
            r"\b(?:drop|remove|mute|cut|kill|lose|no|take\s+out|without|pull)\s+(?:the\s+|any\s+)?(?P<tracks>(?:"
            + _TRACK_WORDS
            + r")(?:\s*(?:,|and|&)\s*(?:the\s+)?(?:"
            + _TRACK_WORDS
            + r"))*)\s+(?:in|during|for|from|on|out\s+of)\s+(?:the\s+)?(?:first\s+)?"
            + _SECTION
            + r"\b|\b(?P<section2>intro|outro)\s+(?:without|with\s+no)\s+(?P<tracks2>"
            + _TRACK_WORDS
            + r")\b|\bdrumless\s+(?P<section3>intro|outro|bridge)\b"
        ),
    ),
    (
        "add-before-last-hook",
        re.compile(
            r"\b(?:add|put|throw\s+in|insert|need|want|give\s+(?:it|me))\s+(?:a|an|some)\s+(?:\w+\s+)?"
            r"(?P<section>breakdown|break|bridge|drop)\s+(?:before|ahead\s+of|leading\s+into)\s+(?:the\s+)?(?:last|final|end)\s+(?:hook|chorus|drop)\b"
        ),
    ),
    (
        "add",
        re.compile(
            r"\b(?:add|put(?:\s+in)?|throw\s+in|insert|needs?|wants?|give\s+it)\s+(?:a|an|some)\s+(?:\w+\s+)?(?P<section>intro|outro|breakdown|bridge)\b"
        ),
    ),
    (
        "remove",
        re.compile(
            r"\b(?:no|skip|remove|cut|drop|lose|kill|get\s+rid\s+of|without|ditch|scrap)\s+(?:the\s+|an\s+)?(?P<section>intro|outro|bridge|breakdown)\b(?!\s+(?:longer|shorter))"
        ),
    ),
    (
        "longer",
        re.compile(
            r"\b(?:(?:a\s+)?(?:bit\s+|little\s+|much\s+|way\s+)?longer|extend(?:ed)?|lengthen|stretch(?:\s+out)?|double|bigger|more\s+bars\s+(?:in|for)|draw\s+out)\s+(?:the\s+)?"
            + _SECTION
            + r"\b|\b(?P<section2>intro|outro|hook|chorus|verse|bridge|breakdown)\s+(?:is\s+|should\s+be\s+|needs\s+to\s+be\s+)?(?:a\s+bit\s+|way\s+|much\s+)?(?:longer|too\s+short|extended)\b"
        ),
    ),
    (
        "shorter",
        re.compile(
            r"\b(?:shorter|shorten|trim(?:\s+down)?|cut\s+down|tighten|halve)\s+(?:the\s+)?"
            + _SECTION
            + r"\b|\b(?P<section2>intro|outro|hook|chorus|verse|bridge|breakdown)\s+(?:is\s+|should\s+be\s+)?(?:a\s+bit\s+|way\s+|much\s+)?(?:shorter|too\s+long|drags)\b"
        ),
    ),
    (
        "harder",
        re.compile(
            r"\b(?:make\s+)?(?:the\s+)?(?P<section>hook|chorus|drop)\s+(?:hit|hits|go|slap|bang|knock)\s+(?:way\s+|much\s+|a\s+bit\s+)?harder\b"
            r"|\b(?:bigger|harder|punchier|louder)\s+(?P<section2>hook|chorus|drop)\b"
        ),
    ),
)


def _variation_count(scan: _Scanner, found: Mentions) -> None:
    def count(match: re.Match[str]) -> bool:
        if _HISTORY_BEFORE.search(_before(scan.text, match.start())) or _HISTORY_AFTER.match(
            scan.text, match.end()
        ):
            return False  # "go back two versions", "2 versions ago" walk the history
        word = match.group(1)
        if word.isdigit():
            number = int(word)
        else:
            number = next((n for w, n in _COUNT_WORDS.items() if w in word.split()), 3)
        found.variation_count = max(1, number)
        found.new_seed = True
        return True

    scan.take(_VARIATION_COUNT, count)


def _mutes(scan: _Scanner, found: Mentions) -> None:
    # Read, not taken: the track pass still switches the tracks off.
    for match in itertools.islice(scan.finditer(_MUTE), _MAX_MATCHES):
        for track in _TRACK.finditer(match.group(0)):
            found.muted.update(TRACK_ALIASES.get(track.group(0), ()))
    if scan.search(_MUTE_ALL):
        found.muted.add(MUTE_ALL)  # "mute everything except the drums": whatever goes off


def _solo(scan: _Scanner, found: Mentions) -> None:
    def solo(match: re.Match[str]) -> None:
        for track in _TRACK.finditer(match.group(0)):
            found.solo.update(TRACK_ALIASES.get(track.group(0), ()))

    scan.take(_SOLO, solo)


def _sections(scan: _Scanner, found: Mentions) -> None:
    for kind, pattern in _SECTION_EDITS:

        def edit(match: re.Match[str], kind: str = kind) -> None:
            groups = match.groupdict()
            section = groups.get("section") or groups.get("section2") or groups.get("section3")
            section = _SECTION_NAMES.get(section, section)
            detail = kind
            if kind == "no-tracks":
                words = groups.get("tracks") or groups.get("tracks2") or "drums"
                names = sorted(
                    {t for m in _TRACK.finditer(words) for t in TRACK_ALIASES.get(m.group(0), ())}
                )
                detail = "no-tracks:" + "+".join(names or ["kick", "snare", "clap", "hats", "perc"])
            found.section_edits.append((section, detail))

        scan.take(pattern, edit)


def _theory(scan: _Scanner, found: Mentions) -> None:
    def relative(match: re.Match[str]) -> None:
        # "the relative minor" of a minor key is where we are; the mode says which way.
        found.key_relation = f"relative-{match.group(1)}" if match.group(1) else "relative"

    scan.take(_RELATIVE, relative)

    def parallel(match: re.Match[str]) -> None:
        found.mode = match.group(1) or match.group(2) or match.group(3)

    scan.take(_PARALLEL, parallel)

    def interval(match: re.Match[str]) -> bool:
        verb = bool(_INTERVAL_VERB.search(_before(scan.text, match.start())))
        major = interval_semitones(match, "major", verb=verb)
        if major is None:
            return False
        found.transpose_options = (major, interval_semitones(match, "minor", verb=verb) or major)
        return True

    scan.take(INTERVAL, interval)

    def shift(match: re.Match[str]) -> None:
        groups = match.groupdict()
        direction = next(
            (
                groups[g]
                for g in ("sign", "dir", "dir2", "dir4", "dir5", "verb4", "dir6", "dir7", "verb6")
                if groups[g]
            ),
            "",
        )
        sign = -1 if direction in ("-", "down", "lower", "drop") else 1
        count_word = next(
            (groups[g] for g in ("count", "count2", "count3", "count4", "count6") if groups[g]),
            "",
        )
        count = int(count_word) if count_word.strip().isdigit() else 1
        unit = next((groups[g] for g in ("unit", "unit2", "unit4") if groups[g]), "semitone")
        unit = unit.replace(" ", "")
        if unit.startswith(("whole", "tone", "step")):
            count *= 2
        found.transpose = sign * count

    scan.take(_TRANSPOSE_EXTRA, shift)


def _actions(scan: _Scanner, found: Mentions) -> None:
    text = scan.text.strip()
    # The scanner's words, before the take below blanks any, are the words of ``text``
    # (only spaces were cut off): each search below is tried at its opening words only.
    index, shift = scan.index, len(scan.text) - len(scan.text.lstrip())

    def search(pattern: re.Pattern[str]) -> re.Match[str] | None:
        return index.search(pattern, text, shift)

    def finditer(pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        return index.finditer(pattern, text, shift)

    def version(match: re.Match[str]) -> None:
        if match.group(1):
            found.restore_version = int(match.group(1))
        elif match.group(2):
            found.restore_version = _ORDINALS[match.group(2)]
        else:
            found.restore_version = 1

    scan.take(_VERSION, version)
    redo_spans = [m.span() for m in finditer(_REDO)]
    # "un-undo", "restore the change i just undid": an undo word inside a redo phrase is not one.
    undo_at = max(
        (
            m.start()
            for m in finditer(_UNDO)
            if not any(a <= m.start() and m.end() <= b for a, b in redo_spans)
        ),
        default=-1,
    )
    redo_at = max((a for a, _ in redo_spans), default=-1)
    found.undo = undo_at >= 0 or bool(_NAH.match(text))
    found.redo = redo_at >= 0
    steps = search(_UNDO_STEPS) if _UNDO_STEP_WORDS.search(text) else None
    if steps is not None:
        # "go back two versions", "undo twice", "undo the last 3 changes", "3 steps back".
        count = next(g for g in steps.groups()[1:] if g)
        found.undo_steps = max(1, min(_MAX_UNDO_STEPS, _STEP_COUNTS.get(count) or int(count)))
        if "redo" in steps.group(0) or "forward" in steps.group(0):
            found.redo = True
            redo_at = max(redo_at, steps.start())
        else:
            found.undo = True
            undo_at = max(undo_at, steps.start())
    scan.take(_FORWARD_AGAIN, lambda m: None)
    # "never mind, redo" is a redo: when both appear, the later word decides.
    found.redo_last = redo_at > undo_at
    formats = [EXPORT_FORMATS[m.group(0)] for m in finditer(_EXPORT_FORMAT)]
    if formats:
        found.export = formats[0]
    found.export_verb = bool(search(_EXPORT_VERB)) or text.endswith("?")
    if not formats and search(_EXPORT_EVERYTHING):
        found.export = "stems"
        found.export_verb = True
    elif not formats and search(_EXPORT_BARE):
        found.export = "wav"
        found.export_verb = True
    found.new_beat = bool(search(_NEW_BEAT))
    found.create_words = bool(search(_CREATE))
    found.type_beat = bool(search(_TYPE_BEAT))
    found.modify_words = bool(search(_MODIFY))
    # "yo what key we in", "ok so how long is it": fillers do not hide a question.
    opening = _FILLERS.sub("", text)
    found.question = bool(_QUESTION_START.search(opening)) and not _REQUEST_START.search(opening)
    if found.question or text.endswith("?"):
        found.question_topics = [name for name, pattern in _QUESTION_TOPICS if search(pattern)]
    found.help = bool(_HELP.search(opening))
    found.greeting = bool(search(_GREETING))
    found.thanks = bool(search(_THANKS))


def _variations(scan: _Scanner, found: Mentions) -> None:
    """New-seed requests ("different melody", "another one"); after artists, as "fred again" is a name."""

    def part(match: re.Match[str]) -> None:
        found.new_seed = True
        name = match.group(1)
        tracks = TRACK_ALIASES.get(name, ())
        if name in ("melodies", "hook", "riff", "notes"):
            tracks = ("melody",)
        elif name in ("chord progression", "progression"):
            tracks = ("chords",)
        elif name in ("drum pattern", "pattern", "rhythm", "groove"):
            tracks = ()
        elif name in ("hat pattern",):
            tracks = ("hats",)
        found.tracks_on.update(tracks)
        if len(tracks) > 1:
            found.from_group.update(tracks)

    scan.take(_NEW_PART, part)
    if scan.search(_VARIATION):
        found.new_seed = True
        scan.take(_VARIATION, lambda m: None)


def _artists_and_decades(scan: _Scanner, found: Mentions) -> None:
    context = found.type_beat

    def artist(match: re.Match[str]) -> bool:
        name = match.group(0)
        if name in ARTISTS_NEEDING_CONTEXT and not context:
            return False
        if not found.artist:
            found.artist = name
            found.genre = ARTIST_GENRES[name]
        return True

    scan.take(_ARTIST, artist)

    def decade(match: re.Match[str]) -> bool:
        before = _before(scan.text, match.start())
        after = _after(scan.text, match.end())
        digits = match.group(1)
        if digits and (
            _DECADE_AS_SECONDS_BEFORE.search(before) or _DECADE_AS_SECONDS_AFTER.search(after)
        ):
            return False
        key = digits or match.group(2)
        if found.occasion_genre is None:
            found.occasion_genre = DECADE_GENRES[key]
        if _STYLE_AFTER.match(scan.text, match.end()) or _DECADE_AS_STYLE_BEFORE.search(before):
            # "more 80s", "80s vibes": the decade's genre as a flavour of this beat.
            found.genre = found.genre or DECADE_GENRES[key]
            found.style_reference = True
        return True

    scan.take(_DECADE, decade)


def _hats(scan: _Scanner, found: Mentions) -> None:
    def rate(match: re.Match[str]) -> bool:
        before = _before(scan.text, match.start())
        if (
            match.group(2)
            and re.search(r"(?:\ba|\ban|perfect|major|minor|aug\w*|dim\w*|up|down|the)\s*$", before)
            and not _HATS_WORD.search(_after(scan.text, match.end())[:12])
        ):
            return False  # "a 4th", "up a 5th": an interval, not a hat rate
        if match.group(1) or match.group(2):
            found.hats_rate = int(match.group(1) or match.group(2))
        else:
            found.hats_rate = _RATE_WORDS[re.sub(r"\s+", " ", match.group(3))]
        return True

    scan.take(_HAT_RATE, rate)
    scan.take(_TRIPLET, lambda m: setattr(found, "hats_triplet", True))
    # Most clauses of a long turn name no hats; a turn that names none has no clause to read,
    # and where the hat words are is read once for the whole turn (as in _track_verbs).
    hat_words = [m.start() for m in scan.finditer(_HATS_WORD)]
    for start, end in _clauses(scan.text) if hat_words else ():
        if not _within(hat_words, start, end):
            continue
        clause = scan.text[start:end]
        if not _HATS_WORD.search(clause):
            continue
        up = _HAT_UP.search(clause)
        down = _HAT_DOWN.search(clause)
        if up and not (down and down.start() < up.start()):
            found.hats_step = 1
            _blank(scan, start + up.start(), start + up.end())
        elif down:
            found.hats_step = -1
            _blank(scan, start + down.start(), start + down.end())
    if not found.hats_step and scan.search(_NO_ROLLS):
        found.hats_step = -1
        scan.take(_NO_ROLLS, lambda m: None)
    if not found.hats_step and scan.search(_ROLLS):
        found.hats_step = 1
        found.tracks_on.add("hats")
        scan.take(_ROLLS, lambda m: None)


def _length(scan: _Scanner, found: Mentions) -> None:
    def add(
        seconds: float | None = None, bars: int | None = None, match: re.Match[str] | None = None
    ) -> None:
        before = _before(scan.text, match.start()) if match else ""
        after = _after(scan.text, match.end()) if match else ""
        sign = 0
        if _LENGTH_ADD_BEFORE.search(before) or _LENGTH_ADD_AFTER.search(after):
            sign = 1
        elif _LENGTH_SUB_BEFORE.search(before) or _LENGTH_SUB_AFTER.search(after):
            sign = -1
        if sign and match:
            # "longer"/"shorter" after the amount belongs to the amount, not a relative edit.
            tail = _LENGTH_ADD_AFTER.match(after) or _LENGTH_SUB_AFTER.match(after)
            if tail:
                _blank(scan, match.end(), match.end() + tail.end())
        if seconds is not None:
            if sign:
                found.length_delta_s = sign * seconds
            else:
                found.duration_s = seconds
        elif bars is not None:
            if sign:
                found.length_delta_bars = sign * bars
            else:
                found.bars = bars

    def mss(match: re.Match[str]) -> None:
        add(int(match.group(1)) * 60 + int(match.group(2)), match=match)

    def min_sec(match: re.Match[str]) -> None:
        add(int(match.group(1)) * 60 + int(match.group(2)), match=match)

    def minutes(match: re.Match[str]) -> None:
        phrase = match.group(0)
        if match.group(1):
            value = float(match.group(1)) * 60
            if match.group(2) or "and a half" in phrase:
                value += 30
        elif match.group(3):
            count = {"one": 1, "two": 2, "three": 3}.get(match.group(3)) or int(match.group(3))
            value = count * 60 + 30
        elif "and a half" in phrase:
            value = 90
        elif phrase.startswith("half"):
            value = 30
        elif "couple" in phrase:
            value = 120
        else:
            before = _before(scan.text, match.start())
            if re.search(r"\b(?:in|wait|hold\s+on|just|give\s+me)\s*$", before):
                return
            value = 60
        add(value, match=match)

    def seconds(match: re.Match[str]) -> None:
        add(float(match.group(1)), match=match)

    def bars(match: re.Match[str]) -> None:
        add(bars=int(match.group(1)), match=match)
        if match.group(2):
            found.loop = True

    scan.take(_MSS, mss)
    scan.take(_MIN_SEC, min_sec)
    scan.take(_MINUTES, minutes)
    scan.take(_SECONDS, seconds)
    scan.take(_BARS, bars)
    for pattern, scale in _LENGTH_RELATIVE:
        scan.take(pattern, lambda m, s=scale: setattr(found, "length_scale", s))

    def longer(match: re.Match[str]) -> None:
        found.length_scale = _amount(match.group(0), 1.25, 1.5, 2.0)

    def shorter(match: re.Match[str]) -> None:
        found.length_scale = _amount(match.group(0), 0.8, 2 / 3, 0.5)

    if (
        found.length_scale is None
        and found.length_delta_s is None
        and found.length_delta_bars is None
    ):
        if found.duration_s is None and found.bars is None:
            scan.take(_LONGER, longer)
            scan.take(_SHORTER, shorter)
        else:  # "shorter, like 30 secs": the stated length wins over the relative word
            scan.take(_LONGER, lambda m: None)
            scan.take(_SHORTER, lambda m: None)
    scan.take(_LOOP_OFF, lambda m: setattr(found, "loop", False))
    if found.loop is None:
        scan.take(_LOOP_ON, lambda m: setattr(found, "loop", True))


def _meter(scan: _Scanner, found: Mentions) -> None:
    def meter(match: re.Match[str]) -> None:
        found.meter = match.group(1) or "3/4"

    scan.take(_METER, meter)


def _tempo(scan: _Scanner, found: Mentions) -> None:
    text = scan.text
    if ("tempo" in text or "bpm" in text or "speed" in text) and (
        "same" in text
        or "keep" in text
        or "stay" in text
        or "hold" in text
        or "leave" in text
        or "change" in text
        or "touch" in text
        or "as is" in text
    ):
        scan.take(_KEEP_TEMPO, lambda m: setattr(found, "keep_tempo", True))

    def delta(match: re.Match[str]) -> bool:
        if match.group(3) and not match.group(4):
            # "808 more punch", "1 more thing": a bare amount is a tempo step only when small
            # and, for more/less, when nothing follows it.
            after = _after(scan.text, match.end())
            if float(match.group(3)) > 60 or (
                match.group(5) in ("more", "less") and re.match(r"\s*[a-z0-9]", after)
            ):
                return False
        if (match.group(1) or match.group(2)) and _TARGET_NOT_STEP.match(match.group(0)):
            return False  # "faster, like 128": a tempo, read by the passes after this one
        if match.group(1):
            amount, sign, unit = float(match.group(1)), 1, match.group(0)
        elif match.group(2):
            amount, sign, unit = float(match.group(2)), -1, match.group(0)
        elif match.group(3):
            amount, unit = float(match.group(3)), match.group(4)
            sign = -1 if match.group(5) in ("slower", "lower", "less", "down") else 1
        else:
            amount, sign, unit = float(match.group(6)), -1, match.group(7)
        if "%" in unit or "percent" in unit:
            found.bpm_scale = 1 + sign * amount / 100
        else:
            found.bpm_delta = sign * amount
        return True

    scan.take(_BPM_DELTA, delta)

    def explicit(match: re.Match[str]) -> bool:
        if _ARROW_AFTER.match(scan.text, match.end()):
            return False  # "tempo 150 -> 144": the bare-number pass takes the target
        value = float(match.group(1) or match.group(2))
        if found.bpm_delta is not None and _STATED.search(match.group(0)):
            return True  # "the tempo is 150 right? make it 8 less": where it is, then the step
        if value < _SLOWEST_TARGET:
            # "push it up, say 6 bpm": no beat is 6 BPM, so a number this small with a
            # direction near it is a step, never the tempo (which would clamp to the floor).
            before = _before(scan.text, match.start())
            if _STEP_DOWN_BEFORE.search(before):
                found.bpm_delta = -value
                return True
            if _STEP_UP_BEFORE.search(before):
                found.bpm_delta = value
                return True
            if value <= _STEP_NOT_TEMPO:
                found.bpm_unclear = value
                return True
        found.bpm = value
        return True

    scan.take(_BPM_EXPLICIT, explicit)
    if found.bpm is None and found.bpm_delta is None:
        candidates = []
        for match in scan.finditer(_BARE_NUMBER):
            value = float(match.group(1))
            before = _before(scan.text, match.start())
            if value in (808, 909, 303, 707, 606) or re.search(r"\btop\s*$", before):
                continue
            if _COUNTED_NOUN.match(_after(scan.text, match.end())):
                continue  # "99 problems", "3 songs": a count of something, not a tempo
            if _CURRENT_BEFORE.search(before):
                continue  # "it's already 150, then 155": where it is, not where to go
            if _BPM_CONTEXT.search(before) and 1 <= value <= _STEP_NOT_TEMPO:
                found.bpm_unclear = value  # "tempo 12": a step without its direction
                _blank(scan, *match.span())
                continue
            if 40 <= value <= 220 or (_BPM_CONTEXT.search(before) and 10 <= value < 1000):
                candidates.append((bool(_BPM_TARGET.search(before)), match))
        if candidates:
            # "from 140 to 150", "140 -> 150": the target wins over the first number.
            _, chosen = next((c for c in candidates if c[0]), candidates[0])
            found.bpm = float(chosen.group(1))
            for _, match in candidates:
                _blank(scan, *match.span())
    scan.take(_HALF_TIME, lambda m: setattr(found, "bpm_scale", 0.5))
    scan.take(_DOUBLE_TIME, lambda m: setattr(found, "bpm_scale", 2.0))
    if found.bpm_scale is None:

        def faster(match: re.Match[str]) -> None:
            found.bpm_scale = _amount(_with_hedge(scan.text, match), 1.04, 1.08, 1.15)

        def slower(match: re.Match[str]) -> None:
            found.bpm_scale = _amount(_with_hedge(scan.text, match), 0.96, 0.92, 0.85)

        scan.take(_FASTER, faster)
        scan.take(_SLOWER, slower)
    if found.bpm_unclear is not None and found.bpm_scale not in (None, 0.5, 2.0):
        # "8 bpm, faster": the direction came after the number, so it is a step after all.
        sign = 1 if found.bpm_scale > 1 else -1
        found.bpm_delta, found.bpm_scale, found.bpm_unclear = sign * found.bpm_unclear, None, None


def _keys(scan: _Scanner, found: Mentions) -> None:
    def full(match: re.Match[str]) -> bool:
        letter, acc, mode = match.group("l"), _accidental(match.group("acc")), match.group("mode")
        before = _before(scan.text, match.start())
        after = _after(scan.text, match.end())
        context = bool(_KEY_CONTEXT_BEFORE.search(before))
        if (
            mode in ("m", "mi", "min", "maj")
            and not acc
            and not context
            and not _cased_key(found, letter, acc)
        ):
            return False
        if letter == "a" and not acc and mode in ("minor", "major") and _A_AS_ARTICLE.match(after):
            return False
        if (
            acc == "b"
            and letter in "adg"
            and not context
            and not _cased_key(found, letter, acc)
            and mode in ("m", "mi")
        ):
            return False
        found.tonic = letter.upper() + acc
        found.mode = "major" if mode.startswith("ma") else "minor"
        return True

    scan.take(_KEY_FULL, full)

    def tonic(match: re.Match[str]) -> bool:
        if found.tonic:
            return False
        letter, acc = match.group("l"), _accidental(match.group("acc"))
        before = _before(scan.text, match.start())
        after = _after(scan.text, match.end())
        context = bool(_KEY_CONTEXT_BEFORE.search(before))
        if (acc == "#" and letter != "a") or (
            acc and letter in "bceg" and match.group("acc").strip() in ("flat", "sharp")
        ):
            ok = True
        elif context or _cased_key(found, letter, acc):
            ok = (
                bool(acc)
                or bool(_KEY_TONIC_FOLLOW.match(after))
                or bool(re.search(r"\bkey(?:\s+of)?\s*:?\s*$", before))
            )
        else:
            ok = False
        if ok:
            found.tonic = letter.upper() + acc
        return ok

    scan.take(_KEY_TONIC, tonic)

    def mode_only(match: re.Match[str]) -> None:
        if not found.mode:
            found.mode = match.group(1) or match.group(2)

    scan.take(_MODE_SWITCH, lambda m: setattr(found, "mode", m.group(1)))
    scan.take(_MODE_ONLY, mode_only)

    def transpose(match: re.Match[str]) -> None:
        direction = match.group(1) or match.group(4) or match.group(6)
        if match.group(5):
            direction = "up" if match.group(5) == "higher" else "down"
        if match.group(7):
            direction = "up" if match.group(7) == "raise" else "down"
        if match.group(8):
            if found.tonic:
                return  # "a different key: E minor" names the key itself
            direction = "up"
        count_word, unit = match.group(2), match.group(3) or ""
        count = 1 if count_word in (None, "a", "an", "one") else int(count_word)
        if "whole" in unit or re.fullmatch(r"tones?|steps?", unit.strip()):
            count *= 2
        elif "octave" in unit:
            count *= 12
        if match.group(8):
            count = 2  # "a different key" with no key named: a whole step up
        found.transpose = count if direction == "up" else -count

    scan.take(_TRANSPOSE, transpose)


_STYLE_AFTER = re.compile(
    r"\s+(?:type\s+)?(?:energy|vibes?|feel|flavou?r|influence|touch|elements?|sauce|swagger|edge)\b"
)
_STYLE_BEFORE = re.compile(r"\b(?:a\s+(?:bit|touch|hint|dash)\s+of|some|little)\s+$")


def _genres(scan: _Scanner, found: Mentions) -> None:
    specific: list[tuple[str, str]] = []
    generic: list[tuple[str, str]] = []

    def genre(match: re.Match[str]) -> bool:
        word = match.group(0)
        before = _before(scan.text, match.start())
        if _GENRE_NEGATED_BEFORE.search(before):
            return True
        if _TRACK_AFTER_GENRE.match(_after(scan.text, match.end())):
            # "trap hats", "house piano": a style for one track, a genre only for a new beat.
            found.occasion_genre = found.occasion_genre or GENRE_ALIASES[word]
            return True
        if _STYLE_AFTER.match(scan.text, match.end()) or _STYLE_BEFORE.search(before):
            found.style_reference = True
        if word in GENERIC_GENRE_ALIASES:
            if _GENERIC_AS_ADJECTIVE.search(before):
                return False  # "more minimal", "a bit retro": a feel, left for the later passes
            generic.append((word, GENRE_ALIASES[word]))
        else:
            specific.append((word, GENRE_ALIASES[word]))
            if _GENRE_TARGET_BEFORE.search(before):
                targeted.append((word, GENRE_ALIASES[word]))
        return True

    targeted: list[tuple[str, str]] = []
    scan.take(_GENRE, genre)
    # "lofi but make it boom bap": the genre a verb points at wins over one only named.
    specific = targeted[:1] + specific if len(specific) > 1 and targeted else specific
    chosen = specific[0] if specific else (generic[0] if generic else None)
    if chosen and not (found.artist and not specific):
        found.genre = chosen[1]
    if found.genre is None:
        match = scan.search(_OCCASION)
        if match and found.occasion_genre is None:
            found.occasion_genre = OCCASION_GENRES[match.group(0)]


def _feel(scan: _Scanner, found: Mentions) -> None:
    def value(match: re.Match[str]) -> None:
        if match.group(3):
            found.swing = min(1.0, float(match.group(3)))
            return
        percent = float(match.group(1) or match.group(2))
        # MPC-style swing: 50 % is straight and 75 % the hardest shuffle.
        found.swing = (percent - 50) / 25 if percent >= 50 else percent / 100
        found.swing = max(0.0, min(1.0, found.swing))

    scan.take(_SWING_VALUE, value)
    scan.take(_SWING_OFF, lambda m: setattr(found, "swing", 0.0))
    scan.take(_SWING_DOWN, lambda m: setattr(found, "swing_delta", -0.15))

    def up(match: re.Match[str]) -> None:
        phrase = match.group(0)
        if re.search(r"drunk|wonky|dilla", phrase):
            found.swing_delta = 0.45
        else:
            found.swing_delta = _amount(
                phrase,
                0.1,
                0.15,
                0.3,
                extra=("heavy", "heavier", "max", "crazy", "big", "hard", "lots"),
                small_extra=("light", "slight", "subtle"),
            )

    if found.swing is None and not found.swing_delta:
        scan.take(_SWING_UP, up)


def _energy(scan: _Scanner, found: Mentions) -> None:
    scan.take(_ENERGY_UP, lambda m: setattr(found, "energy_delta", 0.2))
    scan.take(_ENERGY_DOWN, lambda m: setattr(found, "energy_delta", -0.2))


_SPARED = re.compile(
    r"(?:,|;|\bbut)\s*(?:but\s+)?(?:not|never|leave|keep)\s+(?:the\s+|my\s+)?(?P<tracks>(?:"
    + _TRACK_WORDS
    + r")(?:\s*(?:,|and|or|&)\s*(?:the\s+)?(?:"
    + _TRACK_WORDS
    + r"))*)(?![\w#&$])(?!\s+(?:either|too|as\s+well|also|off|out|on|in|back|louder|quieter|up|down))"
    r"(?:\s+(?:alone|as\s+is|as\s+it\s+is|where\s+it\s+is|untouched))?"
    r"|^\s*not\s+(?:the\s+)?(?P<first>(?:" + _TRACK_WORDS + r"))(?![\w#&$])\s*,"
    # "the hats not the kick, take them out": right after another track, no comma needed.
    r"|(?<=\s)not\s+(?:the\s+|my\s+)?(?P<after>(?:"
    + _TRACK_WORDS
    + r"))(?![\w#&$])(?=\s*(?:[,.;!?-]|$))"
)
_TRACK_AT_END = re.compile(r"(?<![\w#&$])(?:" + _TRACK_WORDS + r")\s*$")


def _tracks(scan: _Scanner, found: Mentions) -> None:
    if "slide" in scan.text or "glide" in scan.text:
        # "no 808 slides": only the 808 glides, so the bass stays and plays a sub instead.
        scan.take(_NO_SLIDES, lambda m: found.instruments.__setitem__("bass", "sub"))

    def spare(match: re.Match[str]) -> bool:
        if match.group("after") and not _TRACK_AT_END.search(_before(scan.text, match.start())):
            return False
        words = match.group("tracks") or match.group("first") or match.group("after") or ""
        for track in _TRACK.finditer(words):
            found.spared.update(TRACK_ALIASES.get(track.group(0), ()))
        return True

    scan.take(_SPARED, spare)
    _track_verbs(scan, found)
    for name in found.spared:
        found.tracks_on.discard(name)
        found.tracks_off.discard(name)
        found.gains.pop(name, None)
        found.instruments.pop(name, None)
    if found.only_tracks is not None and found.spared:
        found.only_tracks |= found.spared


def _track_verbs(scan: _Scanner, found: Mentions) -> None:
    if scan.search(_DRUMLESS):
        found.tracks_off.update(DRUM_GROUP)
        scan.take(_DRUMLESS, lambda m: None)
    text = scan.text
    carry_only = False
    last_tracks: tuple[str, ...] = ()
    used_verbs: list[tuple[int, int]] = []
    # Where track words, "everything" and pronouns are, read once for the whole turn: most
    # clauses of a long turn have none, and those are passed over without a regex call.
    track_spans = [m.span() for m in scan.finditer(_TRACK)]
    named = [span[0] for span in track_spans]
    whole = [m.start() for m in scan.finditer(_EVERYTHING)]
    pronouns = [m.start() for m in scan.finditer(_PRONOUN)] if named else []
    for start, end in _clauses(text):
        if not _within(named, start, end) and not _within(whole, start, end):
            carry_only = False
            if not last_tracks or not _within(pronouns, start, end):
                continue
        clause = text[start:end]
        mentions = list(_TRACK.finditer(clause))
        everything = _EVERYTHING.search(clause)
        if not mentions and not everything:
            carry_only = False
            # "the melody is annoying, remove it": the pronoun is the last track named.
            pronoun = _PRONOUN.search(clause) if last_tracks else None
            if pronoun is None:
                continue  # most clauses of a long turn: no track, so no verbs to read
            kinds = [v[2] for v in _verbs(clause) if v[0] < pronoun.start()]
            # Only removals and level changes: "make it 150" or "bring it back" are not about
            # the track named before.
            if last_tracks and kinds and kinds[-1] in ("off", "louder", "quieter"):
                _set_tracks(found, last_tracks, kinds[-1])
            continue
        verbs = _verbs(clause)
        if last_tracks and mentions:
            # "the melody clashes, lose it and add a pad": "it" before this clause's own tracks
            # is still the track named before.
            pronoun = _PRONOUN.search(clause, 0, mentions[0].start())
            if pronoun is not None:
                kinds = [v for v in verbs if v[0] < pronoun.start()]
                if (
                    kinds
                    and kinds[-1][2] in ("off", "louder", "quieter")
                    and pronoun.start() - kinds[-1][1] <= 1
                ):
                    _set_tracks(found, last_tracks, kinds[-1][2])
        if everything and not mentions:
            kinds = {kind for _, _, kind in verbs}
            if "on" in kinds:
                found.all_tracks_on = True
            elif "off" in kinds:
                found.only_tracks = set()  # "mute everything": refused later, nothing would play
            continue
        clause_only = carry_only and not verbs
        carry_only = False
        unverbed: list[tuple[str, ...]] = []  # "bass and drums only": "only" reaches back
        # "everything but the 808 and kick off": the "off" at the end is the except-list's verb.
        everything_off = bool(_EVERYTHING_OFF.search(clause) or _ENDS_OFF.search(clause))
        except_at = _EXCEPT.search(clause)
        # "mute all the drums except the kick": the tracks after "except" are spared from
        # what happens to the tracks named before it.
        spared: set[str] = set()
        if except_at and any(m.start() < except_at.start() for m in mentions):
            for m in mentions:
                if m.start() > except_at.start() and m.group(0) in TRACK_ALIASES:
                    spared.update(TRACK_ALIASES[m.group(0)])
            mentions = [m for m in mentions if m.start() < except_at.start()]
            everything = None
        previous: tuple[re.Match[str], str | None] | None = None
        for match in mentions:
            word = match.group(0)
            if word in UNSUPPORTED_TRACK_WORDS:
                found.unsupported.append(word)
                continue
            kind, verb_span = _polarity(clause, match, verbs)
            # "take the hats out and the clap": the clap goes out with the hats.
            if (
                previous
                and previous[1] is not None
                and previous[1] != kind
                and _JOINED.fullmatch(clause[previous[0].end() : match.start()])
                and not any(previous[0].end() <= s < match.start() for s, _, _ in verbs)
            ):
                kind = previous[1]
            previous = (match, kind)
            if word in WEAK_TRACK_WORDS and kind in (None, "neutral"):
                continue
            if word == "kick" and re.match(r"\s+(?:it|out|up)\b", clause[match.end() :]):
                continue
            tracks = TRACK_ALIASES[word]
            last_tracks = tracks
            if len(tracks) > 1:
                found.from_group.update(tracks)
            if verb_span and kind in ("louder", "quieter"):
                used_verbs.append((start + verb_span[0], start + verb_span[1]))
            if everything and except_at and except_at.start() < match.start():
                # "mute everything except the drums" keeps only the drums;
                # "bring everything back except the pad" turns all on but the pad.
                if kind == "off" or everything_off or any(k == "off" for _, _, k in verbs):
                    found.only_tracks = (found.only_tracks or set()) | set(tracks)
                else:
                    found.all_tracks_on = True
                    found.tracks_off.update(tracks)
                continue
            if spared:
                tracks = tuple(t for t in tracks if t not in spared)
            if kind == "only" or clause_only:
                found.only_tracks = (found.only_tracks or set()) | set(tracks)
                for earlier in unverbed:
                    found.only_tracks |= set(earlier)
                    found.tracks_on.difference_update(earlier)
                unverbed = []
                carry_only = True
            else:
                _set_tracks(found, tracks, kind)
                if kind is None:
                    unverbed.append(tracks)
            if word in INSTRUMENT_WORDS and kind not in ("off", "quieter"):
                track, instrument = INSTRUMENT_WORDS[word]
                found.instruments[track] = instrument
    # Track names and the loudness words spent on them are read; later passes skip them.
    for span in used_verbs:
        _blank(scan, *span)
    if used_verbs:
        track_spans = [match.span() for match in scan.finditer(_TRACK)]
    # Otherwise the text is as it was when the track words were found above.
    _blank_spans(scan, track_spans)


def _set_tracks(found: Mentions, tracks: tuple[str, ...], kind: str | None) -> None:
    if kind == "off":
        found.tracks_off.update(tracks)
        found.tracks_on.difference_update(tracks)
    elif kind == "louder":
        found.tracks_on.update(tracks)
        for track in tracks:
            found.gains[track] = _GAIN_STEP_DB
    elif kind == "quieter":
        for track in tracks:
            found.gains[track] = -_GAIN_STEP_DB
    else:
        found.tracks_on.update(tracks)
        found.tracks_off.difference_update(tracks)


def _moods(scan: _Scanner, found: Mentions) -> None:
    def mood(match: re.Match[str]) -> None:
        word = match.group(0)
        name, mode, energy = MOODS[word]
        if name not in found.moods:
            found.moods.append(name)
        found.energy_delta = found.energy_delta or energy
        if mode and found.mode_hint is None:
            found.mode_hint = mode
        if mode and word in STRONG_MODE_MOODS and found.strong_mode_hint is None:
            found.strong_mode_hint = mode

    scan.take(_MOOD, mood)


# --- helpers --------------------------------------------------------------------------------------
def _within(starts: list[int], start: int, end: int) -> bool:
    """Does a match start in [start, end) (``starts`` sorted)? A clause's own search can also
    find one a few characters either side (its edges are the string's edges), so the window
    is widened by the longest clause separator."""
    index = bisect.bisect_left(starts, start - _SEPARATOR_REACH)
    return index < len(starts) and starts[index] < end + _SEPARATOR_REACH


_SEPARATOR_REACH = 9  # "and then" plus a space


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CLAUSE_SPLIT.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _verbs(clause: str) -> list[tuple[int, int, str]]:
    """Spans and kinds of the on/off/only/louder/quieter words in a clause, in order."""
    verbs: list[tuple[int, int, str]] = []
    for kind, pattern in (
        ("only", _ONLY_VERB),
        ("off", _OFF_VERB),
        ("quieter", _QUIETER_VERB),
        ("louder", _LOUDER_VERB),
        ("on", _ON_VERB),
        ("neutral", _NEUTRAL_VERB),
    ):
        for match in pattern.finditer(clause):
            start, end = match.span()
            if any(s < end and start < e for s, e, _ in verbs):
                continue
            verbs.append((start, end, kind))
    verbs.sort()
    return verbs


_AFTER_TRACK = re.compile(
    r"\s*(?:(?:is|are|s|sounds?|feels?|seems?|gets?)\s+)?(?:(?:way|a\s+bit|kinda|a\s+little|too\s+much)\s+)?(\w+(?:\s+\w+)?)"
)


def _polarity(
    clause: str, match: re.Match[str], verbs: list[tuple[int, int, str]]
) -> tuple[str | None, tuple[int, int] | None]:
    """How a track mention is meant: by a marker right after it, else the nearest verb before."""
    after = clause[match.end() :]
    if _ONLY_AFTER.match(after):
        return "only", None
    marker = _AFTER_TRACK.match(after)
    if marker:
        words = marker.group(1)
        first = words.split()[0]
        span = (match.end() + marker.start(1), match.end() + marker.end(1))
        if words in TRACK_OFF_AFTER or first in TRACK_OFF_AFTER:
            return "off", None
        if first in ("louder", "up", "boosted", "bigger", "harder") or words in (
            "too quiet",
            "too soft",
            "too low",
            "not loud",
            "not audible",
        ):
            return "louder", span
        if first in ("quieter", "down", "softer") or words in (
            "too loud",
            "too much",
            "too busy",
            "annoying",
            "too high",
        ):
            return "quieter", span
        if words in TRACK_ON_AFTER or first in TRACK_ON_AFTER:
            return "on", None
    before = [(kind, (s, e)) for s, e, kind in verbs if s < match.start()]
    return before[-1] if before else (None, None)


# Context checks look a few words around a match; bounding them keeps long turns linear.
_CONTEXT_CHARS = 60


def _before(text: str, start: int) -> str:
    return text[max(0, start - _CONTEXT_CHARS) : start]


def _after(text: str, end: int) -> str:
    return text[end : end + _CONTEXT_CHARS]


# "speed up just a hair", "slower by a lot": an amount right after the direction, in its clause.
_HEDGE_AFTER = re.compile(
    r"\s*(?:just\s+|by\s+|only\s+)?(?:a\s+)?(?:tiny\s+|little\s+)?(?:bit|tad|touch|hair|smidge|little|lot|ton)\b"
)


def _with_hedge(text: str, match: re.Match[str]) -> str:
    """The matched phrase and the amount word that follows it, if one does."""
    hedge = _HEDGE_AFTER.match(text, match.end())
    return match.group(0) + hedge.group(0) if hedge else match.group(0)


def _blank(scan: _Scanner, start: int, end: int) -> None:
    scan.blank([(start, end)])


def _blank_spans(scan: _Scanner, spans: list[tuple[int, int]]) -> None:
    """Blank non-overlapping ``spans`` (in order) with one copy of the text, not one each."""
    if spans:
        scan.blank(spans)


def _amount(
    phrase: str,
    small: float,
    normal: float,
    big: float,
    *,
    extra: tuple[str, ...] = (),
    small_extra: tuple[str, ...] = (),
) -> float:
    if _BIG_RE.search(phrase) or any(word in phrase.split() for word in extra):
        return big
    if _SMALL_RE.search(phrase) or any(word in phrase.split() for word in small_extra):
        return small
    return normal


def _accidental(raw: str | None) -> str:
    if not raw:
        return ""
    raw = raw.strip()
    return "#" if raw in ("#", "sharp") else "b"


_CASED_KEY = re.compile(r"(?<![\w#])([A-G])(#|b|♯|♭)?(m|min|maj)?(?![\w#])")


def _cased_keys(original: str) -> set[str]:
    keys = set()
    for match in _CASED_KEY.finditer(original):
        letter, acc, mode = match.groups()
        if letter == "A" and not acc and not mode:
            continue  # a capital "A" is usually the article starting a sentence
        keys.add(letter + ("#" if acc in ("#", "♯") else "b" if acc else ""))
    return keys


def _cased_key(found: Mentions, letter: str, acc: str) -> bool:
    """Was this key written with a capital letter in the original text (``Am``, ``Eb``)?"""
    return (letter.upper() + acc) in found.cased_keys


# Every pattern above skips straight to the characters its matches can start with.
accelerate_globals(globals())
