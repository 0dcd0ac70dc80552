"""Regexes that skip ahead: the characters a match can start with, the literals it must contain."""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import re
from re import _compiler as sre_compiler  # type: ignore[attr-defined]
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

__all__ = [
    "accelerate_globals",
    "accelerated",
    "could_match",
    "required_literals",
    "runnable",
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
_gates: dict[re.Pattern[str], tuple[str, ...]] = {}


def could_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when no match of ``pattern`` can exist in ``text`` (a cheap substring test).

    Only strings of three or more characters are tested: shorter ones are in nearly every
    long turn, and the test would cost more than the scan it saves.
    """
    gate = _gates.get(pattern)
    if gate is None:
        required = required_literals(pattern)
        gate = required if required and min(map(len, required)) >= 3 else ()
        if len(_gates) < _MAX_CACHED:
            _gates[pattern] = gate
    if not gate:
        return True
    return any(literal in text for literal in gate)


_fast: dict[re.Pattern[str], re.Pattern[str]] = {}
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
    fast = _fast.get(pattern)
    if fast is not None:
        return fast
    try:
        fast = _with_start_set(pattern)
    except (AttributeError, TypeError, ValueError, RuntimeError):
        # The compiler internals this leans on are private; if they change, the plain pattern
        # still gives the same matches, only slower.
        fast = pattern
    if len(_fast) < _MAX_CACHED:
        # Patterns are module constants; the bound only guards against a caller building them.
        _fast[pattern] = fast
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


_plans: dict[re.Pattern[str], tuple[re.Pattern[str], tuple[str, ...]]] = {}


def runnable(pattern: re.Pattern[str], text: str) -> re.Pattern[str] | None:
    """The :func:`accelerated` ``pattern``, or None when :func:`could_match` rules it out."""
    plan = _plans.get(pattern)
    if plan is None:
        could_match(pattern, "")
        plan = (accelerated(pattern), _gates.get(pattern, ()))
        if len(_plans) < _MAX_CACHED:
            _plans[pattern] = plan
    fast, gate = plan
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
