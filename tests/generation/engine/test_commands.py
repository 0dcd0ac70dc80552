"""The generate_beat and bench_engine management commands (Django settings, no database)."""

from __future__ import annotations

import json
from io import StringIO

import pytest

from generation.engine.cli import parse_key

pytest.importorskip("django")
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("F minor", ("F", "minor")),
        ("Fm", ("F", "minor")),
        ("F# minor", ("F#", "minor")),
        ("Bb major", ("A#", "major")),
        ("C", ("C", "major")),
        ("ebm", ("D#", "minor")),
    ],
)
def test_key_shortcut_accepts_the_usual_spellings(text, expected):
    key = parse_key(text)
    assert (key["tonic"], key["mode"]) == expected


def test_generate_beat_writes_every_file_and_prints_a_json_summary(tmp_path):
    out = StringIO()
    call_command(
        "generate_beat",
        "--out",
        str(tmp_path),
        "--genre",
        "house",
        "--bpm",
        "126",
        "--key",
        "Fm",
        "--bars",
        "4",
        "--seed",
        "9",
        "--json",
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert summary["spec"]["bpm"] == 126 and summary["spec"]["key"] == {
        "tonic": "F",
        "mode": "minor",
    }
    assert summary["duration_s"] == pytest.approx(4 * 4 * 60 / 126 + 1.5, abs=0.01)
    assert {"arranging", "synthesizing", "mixing", "mastering", "encoding"} <= set(
        summary["timings"]
    )
    for name in ("mix.wav", "mix.mp3", "beat.mid", "peaks.json", "spec.json", "stems/kick.wav"):
        assert (tmp_path / name).stat().st_size > 0
    assert json.loads((tmp_path / "spec.json").read_text())["genre"] == "house"


def test_generate_beat_reads_a_spec_file_and_shortcuts_override_it(tmp_path):
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(
        json.dumps(
            {"genre": "lo-fi", "bpm": 82, "bars": 2, "tracks": {"melody": {"enabled": False}}}
        )
    )
    out = StringIO()
    call_command(
        "generate_beat",
        "--spec",
        str(spec_file),
        "--out",
        str(tmp_path / "o"),
        "--bpm",
        "84",
        "--json",
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert summary["spec"]["bpm"] == 84 and summary["spec"]["genre"] == "lo-fi"
    assert "stems/melody.wav" not in summary["files"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--genre", "polka"], "genre"),
        (["--bpm", "500"], "bpm"),
        (["--key", "H minor"], "key"),
        (["--bars", "0"], "bars"),
    ],
)
def test_generate_beat_rejects_bad_specs_with_the_validation_message(tmp_path, args, fragment):
    with pytest.raises(CommandError) as caught:
        call_command("generate_beat", "--out", str(tmp_path), *args, stdout=StringIO())
    assert str(caught.value).startswith(f"invalid spec: {fragment}")


def test_bench_engine_reports_real_time_factors_per_genre():
    out = StringIO()
    call_command(
        "bench_engine",
        "--genres",
        "pop",
        "--lengths",
        "5",
        "--repeats",
        "1",
        "--no-memory",
        "--json",
        "--banked-genres",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    (row,) = report["rows"]
    assert row["genre"] == "pop" and row["render_x"] > 1 and row["job_x"] > 1
    assert set(row["stages"]) == {"arranging", "synthesizing", "mixing", "mastering", "encoding"}
