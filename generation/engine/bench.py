"""Benchmark of the engine: real-time factors per genre and length, stage times, memory."""

from __future__ import annotations

import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterable
from typing import Any

from .banks.registry import BankRegistry
from .presets import GENRES
from .render import render_master, write_outputs
from .spec import default_spec

__all__ = ["bench_one", "format_table", "pin_to_one_core", "run_benchmark"]

STAGES = ("arranging", "synthesizing", "mixing", "mastering", "encoding")


def pin_to_one_core() -> int | None:
    """Restrict this process to one CPU (the lowest available); returns it, or None."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def bench_one(
    genre: str,
    seconds: float,
    *,
    repeats: int = 2,
    memory: bool = False,
    banks: BankRegistry | None = None,
) -> dict[str, Any]:
    """Time one genre at one length: best of ``repeats`` for render-to-master and whole job.

    The whole job is render-to-master plus every encoding written to a temporary
    directory (WAV, MP3, MIDI, stems, peaks, spec). ``memory`` adds a traced run
    (tracemalloc) for the peak of Python-visible allocations (numpy included). With
    ``banks`` the genre's sampled voices play (the row is ``<genre>+banks``).
    """
    spec = default_spec(genre, seed=1, banks=banks).with_changes(duration_s=seconds)
    # Warm up once (imports, filter designs, first-touch allocations, sample files read):
    # a worker process renders many beats, so one-time costs are not part of a render's.
    render_master(default_spec(genre, bars=1, seed=1, banks=banks), banks=banks)
    best = {
        "render_wall": float("inf"),
        "job_wall": float("inf"),
        "render_cpu": float("inf"),
        "job_cpu": float("inf"),
    }
    stages: dict[str, float] = {}
    audio_s = 0.0
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as out:
            wall, cpu = time.perf_counter(), time.process_time()
            result = render_master(spec, banks=banks)
            mastered_wall, mastered_cpu = time.perf_counter() - wall, time.process_time() - cpu
            write_outputs(result, out)
            job_wall, job_cpu = time.perf_counter() - wall, time.process_time() - cpu
        audio_s = result.duration_s
        if job_wall < best["job_wall"]:
            stages = dict(result.timings)
        for name, value in (
            ("render_wall", mastered_wall),
            ("job_wall", job_wall),
            ("render_cpu", mastered_cpu),
            ("job_cpu", job_cpu),
        ):
            best[name] = min(best[name], value)
        del result
    row: dict[str, Any] = {
        "genre": f"{genre}+banks" if spec.sampled_tracks() else genre,
        "seconds": round(audio_s, 2),
        "render_s": round(best["render_wall"], 3),
        "job_s": round(best["job_wall"], 3),
        "render_x": round(audio_s / best["render_wall"], 1),
        "job_x": round(audio_s / best["job_wall"], 1),
        # CPU seconds of this process: the fair figure when other work shares the core.
        "render_cpu_x": round(audio_s / best["render_cpu"], 1),
        "job_cpu_x": round(audio_s / best["job_cpu"], 1),
        "stages": {k: round(stages.get(k, 0.0), 3) for k in STAGES},
    }
    if memory:
        tracemalloc.start()
        with tempfile.TemporaryDirectory() as out:
            write_outputs(render_master(spec, banks=banks), out)
        row["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    return row


def run_benchmark(
    genres: Iterable[str] = GENRES,
    lengths: Iterable[float] = (60, 180),
    *,
    repeats: int = 2,
    memory: bool = True,
    banked: Iterable[str] = (),
    banks: BankRegistry | None = None,
) -> dict[str, Any]:
    """Benchmark every genre at every length on one core; returns rows and machine facts.

    Each genre in ``banked`` also gets a ``<genre>+banks`` row per length, rendered with
    its sampled voices from ``banks`` (left out, and said so, where they are missing).
    """
    cpu = pin_to_one_core()
    lengths = list(lengths)
    rows = [bench_one(g, float(s), repeats=repeats, memory=memory) for s in lengths for g in genres]
    notes = []
    for genre in banked:
        if banks is None or default_spec(genre, banks=banks).sampled_tracks() == {}:
            notes.append(f"{genre}+banks: no sampled voices installed here (make banks)")
            continue
        rows += [
            bench_one(genre, float(s), repeats=repeats, memory=memory, banks=banks) for s in lengths
        ]
    return {
        "machine": {
            "python": platform.python_version(),
            "cpus_available": os.cpu_count(),
            "pinned_cpu": cpu,
            "platform": platform.platform(),
        },
        "rows": rows,
        "notes": notes,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        if sys.platform != "darwin"
        else None,
    }


def format_table(report: dict[str, Any]) -> str:
    """The benchmark as a Markdown table."""
    lines = [
        "| genre | audio s | render s | render x RT (cpu) | job s | job x RT (cpu) | arrange | synth | mix | master | encode | traced peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report["rows"]:
        st = row["stages"]
        lines.append(
            f"| {row['genre']} | {row['seconds']:.0f} | {row['render_s']:.3f} | {row['render_x']:.0f} ({row['render_cpu_x']:.0f}) | "
            f"{row['job_s']:.3f} | {row['job_x']:.0f} ({row['job_cpu_x']:.0f}) | {st['arranging']:.3f} | "
            f"{st['synthesizing']:.3f} | {st['mixing']:.3f} | {st['mastering']:.3f} | {st['encoding']:.3f} | "
            f"{row.get('traced_peak_mb', '')} |"
        )
    lines += report.get("notes", [])
    lines.append(f"\nprocess max RSS: {report['max_rss_mb']} MB; machine: {report['machine']}")
    return "\n".join(lines)
