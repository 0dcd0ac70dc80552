"""parse_prompt and bench_assistant: thin commands over the assistant (no database)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.chat.assistant.evalcheck import check

LINES = [
    {"id": "a", "text": "dark trap beat, 140 bpm, F minor"},
    {
        "id": "b",
        "given": {"genre": "trap", "bpm": 140, "tonic": "F", "mode": "minor"},
        "text": "faster hats",
        "expect": {"action": "modify", "hats_faster": True},
    },
    {
        "id": "c",
        "given": {"genre": "house", "bpm": 124, "tonic": "A", "mode": "minor"},
        "text": "undo",
    },
    {
        "id": "d",
        "given": {"genre": "lo-fi", "bpm": 80, "tonic": "D", "mode": "minor"},
        "text": "stems?",
    },
    {"id": "e", "text": "what key is this?"},
]


def _run(*args: str) -> str:
    out = StringIO()
    call_command("parse_prompt", *args, stdout=out)
    return out.getvalue()


def test_parse_prompt_prints_the_intent_as_json():
    data = json.loads(_run("dark trap beat, 140 bpm, F minor"))
    assert data["action"] == "create"
    assert data["spec"]["genre"] == "trap" and data["spec"]["bpm"] == 140
    assert data["reply"]


def test_parse_prompt_reads_the_current_spec(tmp_path):
    spec = tmp_path / "spec.json"
    data = json.loads(_run("dark trap beat, 140 bpm, F minor"))
    spec.write_text(json.dumps(data["spec"]))
    edited = json.loads(_run("make it 150", "--spec", str(spec)))
    assert edited["action"] == "modify"
    assert edited["spec"]["bpm"] == 150
    assert edited["changes"] == ["bpm 140 → 150"]


def test_parse_prompt_rejects_a_bad_spec_file(tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text('{"genre": "polka"}')
    with pytest.raises(CommandError, match="not a valid spec"):
        _run("faster", "--spec", str(spec))


def test_batch_writes_one_line_per_input_in_the_eval_format(tmp_path):
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(json.dumps(line) for line in LINES) + "\n")
    rows = [json.loads(line) for line in _run("--batch", str(batch)).splitlines()]
    assert [row["id"] for row in rows] == ["a", "b", "c", "d", "e"]
    for row in rows:
        assert set(row) == {"id", "action", "spec", "previous", "export", "changes"}
    first, hats, undo, stems, question = rows
    assert first["previous"] is None and first["spec"]["genre"] == "trap"
    assert check(LINES[1]["expect"], hats) == []
    # turns that do not edit the beat report the beat as it was
    assert undo["action"] == "undo" and undo["spec"] == undo["previous"]
    assert stems["export"] == "stems" and stems["spec"] == stems["previous"]
    assert question["action"] == "question" and question["spec"] is None
    assert all(row["export"] is None for row in (first, hats, undo, question))


def test_batch_reports_unreadable_lines_and_carries_on(tmp_path):
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        'not json\n{"id": "x", "given": {"genre": "polka"}, "text": "faster"}\n{"id": "y", "text": "help"}\n'
    )
    rows = [json.loads(line) for line in _run("--batch", str(batch)).splitlines()]
    assert "error" in rows[0]
    assert rows[1]["id"] == "x" and "error" in rows[1]
    assert rows[2]["action"] == "help"


def test_bench_assistant_prints_percentiles_under_budget():
    out = StringIO()
    call_command("bench_assistant", "--rounds", "3", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["turns"] > 50
    assert result["cpu"]["p95_ms"] < 5  # the budget per turn, on the parser's own CPU time
