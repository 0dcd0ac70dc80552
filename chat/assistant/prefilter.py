"""Regexes that skip ahead: the characters a match can start with, the literals it must contain."""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import re
from re import _compiler as sre_compiler  # type: ignore[attr-defined]
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

__all__ = [
    "Plan",
    "WordLeads",
    "accelerate_globals",
    "accelerated",
    "could_match",
    "gate_open",
    "plan_for",
    "required_literals",
    "runnable",
    "word_leads",
]

_MAX_LITERALS = 48
_ZERO_WIDTH = {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT}


class _Unknown(Exception):
    """The pattern has a part the analysis cannot bound (a case-insensitive group)."""


def _required(items: list) -> tuple[str, ...] | None:
    """Strings one of which every match of ``items`` contains; None when none is known.

    Of the sequence's parts the most selective one is kept (its shortest string longest).
    """
    candidates: list[tuple[str, ...]] = []
    run = ""
    for op, av in items:
        if op is sre_constants.LITERAL:
            run += chr(av)
            continue
        if op in _ZERO_WIDTH:
            # Consumes nothing, so the literals either side stay next to each other.
            continue
        if run and op is sre_constants.BRANCH:
            # re's parser pulls a prefix all alternatives share out in front ("bpm|beats" is
            # "b" then "pm|eats"); glued back on, each alternative's opening letters make a
            # longer, rarer literal than either part alone.
            leads = [_leading_run(list(branch.data)) for branch in av[1]]
            if all(leads):
                candidates.append(tuple(sorted({run + lead for lead in leads})))
        if run:
            candidates.append((run,))
            run = ""
        found: tuple[str, ...] | None = None
        if op is sre_constants.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                raise _Unknown
            found = _required(list(av[3].data))
        elif op is sre_constants.BRANCH:
            branches = [_required(list(branch.data)) for branch in av[1]]
            if all(b is not None for b in branches):
                found = tuple(sorted({t for b in branches for t in b}))  # type: ignore[union-attr]
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] >= 1:
            found = _required(list(av[2].data))
        if found and len(found) <= _MAX_LITERALS:
            candidates.append(found)
    if run:
        candidates.append((run,))
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))


def _leading_run(items: list) -> str:
    """The literal characters a sequence opens with (zero-width items between them skipped)."""
    run = ""
    for op, av in items:
        if op is sre_constants.LITERAL:
            run += chr(av)
        elif op not in _ZERO_WIDTH:
            break
    return run


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains; None when unbounded."""
    literals: tuple[str, ...] | None = None
    if not pattern.flags & re.IGNORECASE and isinstance(pattern.pattern, str):
        try:
            literals = _required(list(sre_parse.parse(pattern.pattern, pattern.flags).data))
        except (_Unknown, RecursionError):
            literals = None
    if literals is not None and "" in literals:
        literals = None
    return literals


_MAX_CACHED = 4096
# The caches below are keyed by id(), the pattern kept in the value (so the id stays its
# own): hashing a compiled pattern hashes all of its compiled code, which for the
# vocabulary tries is kilobytes per lookup, on every pass of every turn.
_gates: dict[int, tuple[re.Pattern[str], tuple[str, ...]]] = {}


def could_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when no match of ``pattern`` can exist in ``text`` (a cheap substring test).

    Only strings of three or more characters are tested: shorter ones are in nearly every
    long turn, and the test would cost more than the scan it saves.
    """
    cached = _gates.get(id(pattern))
    if cached is not None and cached[0] is pattern:
        gate = cached[1]
    else:
        required = required_literals(pattern)
        gate = required if required and min(map(len, required)) >= 3 else ()
        if len(_gates) < _MAX_CACHED:
            _gates[id(pattern)] = (pattern, gate)
    if not gate:
        return True
    return any(literal in text for literal in gate)


_fast: dict[int, tuple[re.Pattern[str], re.Pattern[str]]] = {}
_CHARSET_ITEMS = {sre_constants.LITERAL, sre_constants.RANGE, sre_constants.CATEGORY}


def _firsts(items: list) -> list | None:
    """The characters (as charset items) a match of ``items`` can start with; None when the
    sequence can match nothing at all or starts with something unbounded."""
    for index, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        if op is sre_constants.LITERAL:
            return [(op, av)]
        if op is sre_constants.IN:
            if any(kind not in _CHARSET_ITEMS for kind, _value in av):
                return None
            return list(av)
        rest = list(items[index + 1 :])
        if op is sre_constants.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                return None
            return _firsts(list(av[3].data) + rest)
        if op is sre_constants.BRANCH:
            union: list = []
            for branch in av[1]:
                found = _firsts(list(branch.data) + rest)
                if found is None:
                    return None
                union += found
            return union
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, _high, sub = av
            found = _firsts(list(sub.data))
            if found is None:
                return None
            if low == 0:
                after = _firsts(rest)
                return None if after is None else found + after
            return found
        return None
    return None


def accelerated(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` compiled again with the set of characters its matches can start with.

    The regex engine then skips to those characters instead of trying a full match at every
    position (it cannot work the set out itself past a leading ``\\b`` or lookbehind). The
    matches are the same: the set only says where a match cannot start.
    """
    cached = _fast.get(id(pattern))
    if cached is not None and cached[0] is pattern:
        return cached[1]
    try:
        fast = _with_start_set(pattern)
    except (AttributeError, TypeError, ValueError, RuntimeError):
        # The compiler internals this leans on are private; if they change, the plain pattern
        # still gives the same matches, only slower.
        fast = pattern
    if len(_fast) < _MAX_CACHED:
        # Patterns are module constants; the bound only guards against a caller building them.
        _fast[id(pattern)] = (pattern, fast)
    return fast


def _with_start_set(pattern: re.Pattern[str]) -> re.Pattern[str]:
    fast = pattern
    if not pattern.flags & re.IGNORECASE and isinstance(pattern.pattern, str):
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        flags = parsed.state.flags | pattern.flags
        low, high = parsed.getwidth()
        prefix, _skip, _all = sre_compiler._get_literal_prefix(parsed, flags)
        firsts = _firsts(list(parsed.data))
        if (
            firsts
            and low > 0
            and not prefix
            and not sre_compiler._get_charset_prefix(parsed, flags)
        ):
            code: list[int] = [sre_constants.INFO, 0, sre_constants.SRE_INFO_CHARSET]
            code += [min(low, sre_compiler.MAXCODE), min(high, sre_compiler.MAXCODE)]
            charset, _cased = sre_compiler._optimize_charset(firsts)
            sre_compiler._compile_charset(charset, flags, code)
            code[1] = len(code) - 1
            sre_compiler._compile(code, parsed.data, flags)
            code.append(sre_constants.SUCCESS)
            indexgroup: list[str | None] = [None] * parsed.state.groups
            for name, index in parsed.state.groupdict.items():
                indexgroup[index] = name
            fast = _sre.compile(
                pattern.pattern,
                flags,
                code,
                parsed.state.groups - 1,
                parsed.state.groupdict,
                tuple(indexgroup),
            )
    return fast


class Plan:
    """How to run one pattern: its :func:`accelerated` twin, its substring gate (one of
    these must be in the text) and its :func:`word_leads`."""

    __slots__ = ("fast", "gate", "leads", "pattern")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        could_match(pattern, "")
        self.pattern = pattern
        self.fast = accelerated(pattern)
        self.gate: tuple[str, ...] = _gates[id(pattern)][1]
        self.leads = word_leads(pattern)


_plans: dict[int, Plan] = {}


def plan_for(pattern: re.Pattern[str]) -> Plan:
    """The (cached) :class:`Plan` of ``pattern``."""
    plan = _plans.get(id(pattern))
    if plan is None or plan.pattern is not pattern:
        plan = Plan(pattern)
        if len(_plans) < _MAX_CACHED:
            _plans[id(pattern)] = plan
    return plan


def gate_open(plan: Plan, text: str) -> bool:
    """Does ``text`` contain one of the plan's gate literals (or has it none)?"""
    gate = plan.gate
    # A plain loop: a generator under any() costs more per literal than the substring test.
    for literal in gate:
        if literal in text:
            return True
    return not gate


def runnable(pattern: re.Pattern[str], text: str) -> re.Pattern[str] | None:
    """The :func:`accelerated` ``pattern``, or None when :func:`could_match` rules it out."""
    plan = plan_for(pattern)
    fast, gate = plan.fast, plan.gate
    # A plain loop: a generator under any() costs more per literal than the substring test.
    for literal in gate:
        if literal in text:
            return fast
    return fast if not gate else None


def accelerate_globals(namespace: dict[str, object]) -> None:
    """Swap each compiled pattern a module defines for its :func:`accelerated` twin."""
    for name, value in list(namespace.items()):
        if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
            namespace[name] = accelerated(value)


# --- where matches can start: the first word of every match -----------------------------------


class WordLeads:
    """What every match of a pattern opens with, as words of the text it runs on.

    ``words``: a match may start at a word equal to one of these (a word here is a run of
    ``\\w`` characters, or one character that is neither a word character nor a space);
    ``prefixes``: or at a word starting with one of these; ``digit``: or at a word starting
    with a decimal digit; ``at_start``: or at position 0.
    """

    __slots__ = ("at_start", "by_initial", "digit", "prefixes", "words")

    def __init__(self) -> None:
        self.words: set[str] | frozenset[str] = set()
        self.prefixes: set[str] = set()
        self.digit = False
        self.at_start = False
        # The prefixes by their first character (for str.startswith with a tuple).
        self.by_initial: dict[str, tuple[str, ...]] = {}


def _is_word_char(ch: str) -> bool:
    # re's \w and \b for str patterns: alphanumeric (str.isalnum) or the underscore.
    return ch.isalnum() or ch == "_"


_OPEN_END = object()  # marks the end of a repeated group: the word may go on past it
_MAX_LEADS = 4096


def _charset_chars(av: list) -> list[str] | None:
    """The characters of a small positive charset of literals and ranges; None otherwise."""
    chars: list[str] = []
    for kind, value in av:
        if kind is sre_constants.LITERAL:
            chars.append(chr(value))
        elif kind is sre_constants.RANGE and value[1] - value[0] < 64:
            chars += [chr(c) for c in range(value[0], value[1] + 1)]
        else:
            return None
    return chars


def _only_non_word(av: list) -> bool:
    """Can this charset only match characters that are not word characters?"""
    for kind, value in av:
        if kind is sre_constants.LITERAL:
            if _is_word_char(chr(value)):
                return False
        elif kind is sre_constants.CATEGORY:
            if value is not sre_constants.CATEGORY_SPACE:
                return False
        else:
            return False
    return True


def _has_word_category(sub: object) -> bool:
    """Is ``sub`` one charset that contains ``\\w`` (so a lookaround on it tests for a word
    character)?"""
    data = list(sub.data)  # type: ignore[attr-defined]
    if len(data) != 1 or data[0][0] is not sre_constants.IN:
        return False
    return any(
        kind is sre_constants.CATEGORY and value is sre_constants.CATEGORY_WORD
        for kind, value in data[0][1]
    )


def _is_space_class(sub: object) -> bool:
    data = list(sub.data)  # type: ignore[attr-defined]
    return (
        len(data) == 1
        and data[0][0] is sre_constants.IN
        and all(
            kind is sre_constants.CATEGORY and value is sre_constants.CATEGORY_SPACE
            for kind, value in data[0][1]
        )
    )


def _leads(items: list, prefix: str, anchored: bool, out: WordLeads) -> None:
    """Add to ``out`` the words a match of ``items`` can open with, given the word characters
    ``prefix`` read so far and whether a word boundary before the match is asserted."""
    if len(out.words) + len(out.prefixes) > _MAX_LEADS:
        raise _Unknown

    def whole() -> None:
        out.words.add(prefix)

    def opening() -> None:
        out.prefixes.add(prefix)

    for index, item in enumerate(items):
        if item is _OPEN_END:
            if not prefix:
                raise _Unknown
            opening()
            return
        op, av = item
        rest = items[index + 1 :]
        if op is sre_constants.AT:
            if av is sre_constants.AT_BOUNDARY:
                if prefix:
                    whole()  # a word character, then a boundary: the word ends here
                    return
                anchored = True
                continue
            if av in (sre_constants.AT_BEGINNING, sre_constants.AT_BEGINNING_STRING):
                if prefix:
                    return  # nothing can come before the start
                out.at_start = True
                return
            if av in (sre_constants.AT_END, sre_constants.AT_END_STRING) and prefix:
                whole()
                return
            if prefix:
                opening()
                return
            continue  # other assertions only rule positions out
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            direction, sub = av
            if not prefix and direction < 0:
                if (op is sre_constants.ASSERT_NOT and _has_word_category(sub)) or (
                    op is sre_constants.ASSERT and _is_space_class(sub)
                ):
                    anchored = True
            elif (
                prefix
                and direction > 0
                and op is sre_constants.ASSERT_NOT
                and _has_word_category(sub)
            ):
                whole()
                return
            continue
        if op is sre_constants.LITERAL:
            ch = chr(av)
            if _is_word_char(ch):
                if not prefix and not anchored:
                    raise _Unknown
                prefix += ch
                continue
            if prefix:
                whole()
                return
            if ch.isspace():
                raise _Unknown
            out.words.add(ch)  # a punctuation mark is a word of its own
            return
        if op is sre_constants.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                raise _Unknown
            _leads(list(av[3].data) + rest, prefix, anchored, out)
            return
        if op is sre_constants.BRANCH:
            for branch in av[1]:
                _leads(list(branch.data) + rest, prefix, anchored, out)
            return
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, high, sub = av
            body = list(sub.data)
            if high == 1:
                _leads(body + rest, prefix, anchored, out)
            else:
                # Repeated: the word may run on through further repeats, so it is open-ended.
                _leads([*body, _OPEN_END], prefix, anchored, out)
            if low == 0:
                _leads(rest, prefix, anchored, out)
            return
        if op is sre_constants.IN:
            if prefix:
                if _only_non_word(av):
                    whole()
                else:
                    opening()
                return
            if av == [(sre_constants.CATEGORY, sre_constants.CATEGORY_DIGIT)]:
                if not anchored:
                    raise _Unknown
                out.digit = True
                return
            chars = _charset_chars(av)
            if chars is None:
                raise _Unknown
            for ch in chars:
                if _is_word_char(ch):
                    if not anchored:
                        raise _Unknown
                    out.prefixes.add(ch)
                elif ch.isspace():
                    raise _Unknown
                else:
                    out.words.add(ch)
            return
        if prefix:
            opening()
            return
        raise _Unknown
    if not prefix:
        raise _Unknown  # the rest could match an empty string: no word to start at
    opening()


_word_leads: dict[int, tuple[re.Pattern[str], WordLeads | None]] = {}


def word_leads(pattern: re.Pattern[str]) -> WordLeads | None:
    """The words every match of ``pattern`` opens with; None when that cannot be bounded.

    Worked out from the parsed pattern: each path through it up to the end of its first
    word, with the word boundary (``\\b``, ``(?<![\\w…])``, ``(?<=\\s)``) that makes that word
    start where a word of the text starts. Anything the analysis does not know (case folding,
    backreferences, a path that opens with a class of word characters without a boundary)
    gives None, and the pattern is then scanned as usual.
    """
    cached = _word_leads.get(id(pattern))
    if cached is not None and cached[0] is pattern:
        return cached[1]
    leads: WordLeads | None = WordLeads()
    if pattern.flags & re.IGNORECASE or not isinstance(pattern.pattern, str):
        leads = None
    else:
        try:
            parsed = sre_parse.parse(pattern.pattern, pattern.flags)
            if parsed.getwidth()[0] == 0:
                raise _Unknown  # an empty match could start anywhere
            _leads(list(parsed.data), "", False, leads)  # type: ignore[arg-type]
        except (_Unknown, RecursionError, AttributeError, TypeError, ValueError):
            leads = None
    if leads is not None and "" in leads.prefixes:
        leads = None
    if leads is not None:
        leads.words = frozenset(leads.words)
        for prefix in sorted(leads.prefixes):
            leads.by_initial[prefix[0]] = (*leads.by_initial.get(prefix[0], ()), prefix)
    if len(_word_leads) < _MAX_CACHED:
        _word_leads[id(pattern)] = (pattern, leads)
    return leads
