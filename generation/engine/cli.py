"""Command-line helpers for the engine: key shortcuts, spec building, a progress bar, a job."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any, TextIO

from .banks.registry import BankRegistry
from .render import render_master, write_outputs
from .spec import BeatSpec, SpecError, default_spec, normalize_tonic

__all__ = ["ProgressBar", "build_spec", "generate", "parse_key"]

_KEY = re.compile(r"^\s*(?P<tonic>[A-Ga-g](?:#|b|♯|♭)?)\s*(?P<mode>major|maj|minor|min|m|M)?\s*$")


def parse_key(text: str) -> dict[str, str]:
    """``"F minor"``, ``"Fm"``, ``"F# minor"``, ``"Bb major"``, ``"C"`` -> tonic and mode.

    A bare tonic means major; ``m``/``min``/``minor`` mean minor. Raises SpecError
    (field ``key``) for anything else.
    """
    match = _KEY.match(text or "")
    if not match:
        raise SpecError(
            "key", f"{text!r} is not a key such as 'F minor', 'Fm', 'F# minor' or 'Bb major'"
        )
    mode_text = match.group("mode") or "major"
    mode = "minor" if mode_text in ("m", "min", "minor") else "major"
    return {"tonic": normalize_tonic(match.group("tonic")), "mode": mode}


def build_spec(
    *,
    spec_file: str | Path | None = None,
    genre: str | None = None,
    bpm: float | None = None,
    key: str | None = None,
    bars: int | None = None,
    seed: int | None = None,
) -> BeatSpec:
    """A validated spec from a JSON file and/or shortcuts (shortcuts win over the file).

    Without a file the genre's defaults fill every field (genre defaults to trap).
    Raises SpecError naming the first invalid field.
    """
    data: dict[str, Any]
    if spec_file is not None:
        try:
            data = json.loads(Path(spec_file).read_text())
        except OSError as exc:
            raise SpecError("spec", f"cannot read {spec_file}: {exc.strerror}") from exc
        except ValueError as exc:
            raise SpecError("spec", f"{spec_file} is not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise SpecError("spec", "must be a JSON object")
    else:
        base = default_spec(genre or "trap")
        data = base.to_dict()
    if genre is not None:
        if spec_file is None:
            data["genre"] = genre
        else:
            data = {**data, "genre": genre}
    if bpm is not None:
        data["bpm"] = bpm
    if key is not None:
        data["key"] = parse_key(key)
    if bars is not None:
        data["bars"] = bars
        data.pop("duration_s", None)
        data.pop("sections", None)
    if seed is not None:
        data["seed"] = seed
    return BeatSpec.from_dict(data)


class ProgressBar:
    """A one-line text progress bar (``\\r``-redrawn) for terminals."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.started = time.perf_counter()

    def __call__(self, stage: str, fraction: float) -> None:
        filled = round(self.width * max(0.0, min(1.0, fraction)))
        elapsed = time.perf_counter() - self.started
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {fraction * 100:5.1f}% {elapsed:5.2f}s {stage:<24}")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def generate(
    spec: BeatSpec,
    out_dir: str | Path,
    *,
    progress: ProgressBar | None = None,
    banks: BankRegistry | None = None,
) -> dict[str, Any]:
    """Render ``spec`` and write every output file into ``out_dir``; returns a summary.

    The summary holds the resolved spec, duration, sections, per-stage timings, the
    master's figures and the written files (relative paths and sizes).
    """
    started = time.perf_counter()
    result = render_master(spec, progress=progress, banks=banks)
    paths = write_outputs(result, out_dir, progress=progress)
    summary = result.summary()
    summary["timings"]["total"] = round(time.perf_counter() - started, 4)
    summary["files"] = {name: path.stat().st_size for name, path in paths.items()}
    summary["out_dir"] = str(Path(out_dir))
    summary["realtime_factor"] = round(
        result.duration_s / max(1e-9, summary["timings"]["total"]), 1
    )
    return summary
