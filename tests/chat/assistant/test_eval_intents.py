"""Every shared eval example and every case in cases.jsonl passes through the batch format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chat.assistant.batch import interpret_record

from .evalcheck import check

HERE = Path(__file__).parent
SHARED = Path(__file__).resolve().parents[4] / "shared" / "eval" / "intents.jsonl"


def _load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


SHARED_CASES = _load(SHARED)
OWN_CASES = _load(HERE / "cases.jsonl")
# Compositional edits (issue 16): arithmetic, corrections, decoys, scope, theory, references,
# instruments, control, questions, solo, variations and sections, as producers type them.
EDIT_CASES = _load(HERE / "cases_edits.jsonl")
# Written fresh, before running them, the way producers type (typos, slang, emoji, run-ons,
# foreign number words, corrections, decoys, references, questions, control phrasing).
MORE_CASES = _load(HERE / "cases_more.jsonl")


@pytest.mark.skipif(not SHARED_CASES, reason="shared eval examples not present")
@pytest.mark.parametrize("case", SHARED_CASES, ids=[c["id"] for c in SHARED_CASES])
def test_shared_eval_example_is_understood(case):
    out = interpret_record(case)
    assert check(case["expect"], out) == [], (case["text"], out["action"], out["changes"])


@pytest.mark.parametrize("case", OWN_CASES, ids=[c["id"] for c in OWN_CASES])
def test_own_case_is_understood(case):
    out = interpret_record(case)
    assert check(case["expect"], out) == [], (case["text"], out["action"], out["changes"])


def test_there_are_at_least_150_own_cases():
    assert len(OWN_CASES) >= 150


@pytest.mark.parametrize("case", EDIT_CASES, ids=[c["id"] for c in EDIT_CASES])
def test_compositional_edit_is_understood(case):
    out = interpret_record(case)
    assert check(case["expect"], out) == [], (case["text"], out["action"], out["changes"])


def test_there_are_at_least_400_compositional_cases():
    assert len(EDIT_CASES) >= 400
    assert not {c["id"] for c in EDIT_CASES} & {c["id"] for c in OWN_CASES}


@pytest.mark.parametrize("case", MORE_CASES, ids=[c["id"] for c in MORE_CASES])
def test_fresh_case_is_understood(case):
    out = interpret_record(case)
    assert check(case["expect"], out) == [], (case["text"], out["action"], out["changes"])


def test_there_are_at_least_150_fresh_cases_with_their_own_ids():
    assert len(MORE_CASES) >= 150
    ids = [c["id"] for c in MORE_CASES]
    assert len(set(ids)) == len(ids)
    assert not set(ids) & {c["id"] for c in [*OWN_CASES, *EDIT_CASES]}
