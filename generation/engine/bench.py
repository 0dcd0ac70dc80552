"""Benchmark of the engine: the whole job against FluidSynth, format costs, peak memory by length."""

from __future__ import annotations

import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
from scipy import signal

from .banks.registry import BankRegistry
from .encode import CHUNK_FRAMES, mp3_chunks, wav_bytes
from .jobfiles import render_job_files
from .presets import GENRES
from .render import render_master
from .spec import default_spec
from .stemcache import reverb_flac, stem_flac

__all__ = [
    "FLUIDSYNTH_SOUNDFONT",
    "bench_one",
    "encode_costs",
    "fluidsynth_compare",
    "format_table",
    "peak_rss_mib",
    "pin_to_one_core",
    "run_benchmark",
]

STAGES = ("arranging", "synthesizing", "mixing", "mastering", "encoding")
FLUIDSYNTH_SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
JOB_TARGET_X = 150.0
FLUIDSYNTH_TARGET = 1.5
# The peak-memory probe, for the worst case the limits allow (every track, the longest
# beat): the job's path (stems handed off as they are encoded, the other
# files kept until stored), in a fresh interpreter so each length has its own high-water mark.
_PEAK_SCRIPT = """
import json, sys
from pathlib import Path
from generation.engine import TRACK_NAMES, default_spec
from generation.engine.jobfiles import render_job_files
every = {name: {"enabled": True} for name in TRACK_NAMES}  # the worst case: every track on
spec = default_spec(sys.argv[1], seed=1).with_changes(duration_s=float(sys.argv[2]), tracks=every)
keep = lambda name, data, key: None if key else data
job = render_job_files(spec, sink=keep)
# VmHWM, not ru_maxrss: Linux carries a parent's maxrss into its children across exec.
status = Path("/proc/self/status").read_text().splitlines()
peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"peak_kib": peak, "stems": len(job.stems), "seconds": job.result.duration_s}))
"""


def pin_to_one_core() -> int | None:
    """Restrict this process to one CPU (the lowest available); returns it, or None."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def _discard(name: str, data: bytes, key: str) -> int:
    return len(data)


def bench_one(
    genre: str, seconds: float, *, repeats: int = 2, banks: BankRegistry | None = None
) -> dict[str, Any]:
    """Best of ``repeats`` for render-to-master and for the whole job of one genre and length.

    The whole job is what a worker computes for a fresh version (``render_job_files``):
    render, FLAC stems while tracks synthesise, the mix's MP3 (in a child process), the
    reverb return, MIDI, peaks and spec (the WAV is made when a download asks for it).
    Wall and CPU (process_time, all threads, plus the MP3 child's) are both kept:
    the CPU figure is the fair one when other work shares the cores. With ``banks`` the
    genre's sampled voices play (the row is ``<genre>+banks``).
    """
    spec = default_spec(genre, seed=1, banks=banks).with_changes(duration_s=seconds)
    # Warm up once (imports, filter designs, first-touch allocations): a worker process
    # renders many beats, so one-time costs are not part of a render's cost.
    render_job_files(default_spec(genre, bars=1, seed=1, banks=banks), sink=_discard, banks=banks)
    best = dict.fromkeys(("render_wall", "job_wall", "render_cpu", "job_cpu"), float("inf"))
    stages: dict[str, float] = {}
    audio_s = 0.0
    written = 0
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = render_master(spec, banks=banks)
        best["render_wall"] = min(best["render_wall"], time.perf_counter() - wall)
        best["render_cpu"] = min(best["render_cpu"], time.process_time() - cpu)
        audio_s = result.duration_s
        del result
        wall, cpu = time.perf_counter(), time.process_time()
        job = render_job_files(spec, sink=_discard, banks=banks)
        job_wall = time.perf_counter() - wall
        job_cpu = time.process_time() - cpu + job.timings["mp3_child_cpu"]
        if job_wall < best["job_wall"]:
            stages = dict(job.result.timings)
        best["job_wall"] = min(best["job_wall"], job_wall)
        best["job_cpu"] = min(best["job_cpu"], job_cpu)
        written = job.bytes
        del job
    return {
        "genre": f"{genre}+banks" if spec.sampled_tracks() else genre,
        "seconds": round(audio_s, 2),
        "render_s": round(best["render_wall"], 3),
        "job_s": round(best["job_wall"], 3),
        "render_x": round(audio_s / best["render_wall"], 1),
        "job_x": round(audio_s / best["job_wall"], 1),
        "render_cpu_x": round(audio_s / best["render_cpu"], 1),
        "job_cpu_x": round(audio_s / best["job_cpu"], 1),
        "job_cpu_s": round(best["job_cpu"], 3),
        "job_mb": round(written / 1e6, 1),
        "stages": {k: round(stages.get(k, 0.0), 3) for k in STAGES},
    }


def fluidsynth_compare(genre: str = "trap", seconds: float = 180.0) -> dict[str, Any]:
    """FluidSynth rendering this beat's MIDI with Debian's FluidR3_GM, against our whole job.

    Both run here, one after the other, best of two each; FluidSynth's CPU time is its
    child-process rusage. Missing FluidSynth or the SoundFont gives ``available: False``.
    """
    binary = shutil.which("fluidsynth")
    if binary is None or not FLUIDSYNTH_SOUNDFONT.exists():
        return {"available": False}
    spec = default_spec(genre, seed=1).with_changes(duration_s=seconds)
    render_job_files(default_spec(genre, bars=1, seed=1), sink=_discard)
    ours_wall = ours_cpu = theirs_wall = theirs_cpu = float("inf")
    with tempfile.TemporaryDirectory() as folder:
        midi = Path(folder) / "beat.mid"
        midi.write_bytes(render_master(spec).midi())
        for _ in range(2):
            wall, cpu = time.perf_counter(), time.process_time()
            job = render_job_files(spec, sink=_discard)
            ours_wall = min(ours_wall, time.perf_counter() - wall)
            # The MP3 encoder's child process is part of our job's CPU.
            ours_cpu = min(ours_cpu, time.process_time() - cpu + job.timings["mp3_child_cpu"])
            del job
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall = time.perf_counter()
            subprocess.run(
                [binary, "-ni", "-F", f"{folder}/out.wav", str(FLUIDSYNTH_SOUNDFONT), str(midi)],
                check=True,
                capture_output=True,
            )
            theirs_wall = min(theirs_wall, time.perf_counter() - wall)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            theirs_cpu = min(theirs_cpu, used)
    return {
        "available": True,
        "genre": genre,
        "seconds": seconds,
        "ours_job_s": round(ours_wall, 3),
        "ours_job_cpu_s": round(ours_cpu, 3),
        "fluidsynth_s": round(theirs_wall, 3),
        "fluidsynth_cpu_s": round(theirs_cpu, 3),
        "ratio_wall": round(theirs_wall / ours_wall, 2),
        "ratio_cpu": round(theirs_cpu / ours_cpu, 2),
        "job_x": round(seconds / ours_wall, 1),
        "job_cpu_x": round(seconds / ours_cpu, 1),
    }


def _timed(make: Any) -> tuple[float, Any]:
    clock = time.perf_counter()
    value = make()
    return time.perf_counter() - clock, value


def _mp3_quality(master: np.ndarray, mp3: bytes) -> tuple[float, float]:
    """(SNR dB, log-spectral distance dB up to 16 kHz) of a decoded MP3 against the master."""
    decoded, _ = soundfile.read(io.BytesIO(mp3), dtype="float32", always_2d=True)
    ref = master[0]
    probe = ref[44100 * 10 : 44100 * 15]
    # LAME's encoder delay: find it by correlation over a short window.
    lags = range(0, 3000)
    scores = [float(np.dot(probe, decoded[44100 * 10 + k : 44100 * 15 + k, 0])) for k in lags]
    lag = int(np.argmax(scores))
    got = decoded[lag : lag + ref.size, 0]
    ref = ref[: got.size]
    snr = 10 * np.log10(np.sum(ref.astype(np.float64) ** 2) / np.sum((got - ref) ** 2.0))
    f, a = signal.welch(ref, 44100, nperseg=4096)
    _, b = signal.welch(got, 44100, nperseg=4096)
    band = (f > 20) & (f < 16000)
    lsd = np.sqrt(np.mean((10 * np.log10(a[band] + 1e-20) - 10 * np.log10(b[band] + 1e-20)) ** 2))
    return round(float(snr), 2), round(float(lsd), 3)


def encode_costs(genre: str = "trap", seconds: float = 180.0) -> dict[str, Any]:
    """What each stored format costs for one beat: seconds and bytes, and the LAME settings
    measured for quality and speed (CBR bitrates x quality 2/5/7)."""
    result = render_master(default_spec(genre, seed=1).with_changes(duration_s=seconds))
    master = result.master
    rows = []
    t, data = _timed(lambda: wav_bytes(master, result.sample_rate))
    rows.append({"file": "mix.wav (16-bit stereo)", "s": round(t, 3), "bytes": len(data)})
    for name, stem in result.stems.items():
        t, data = _timed(lambda stem=stem: stem_flac(stem))
        legacy = 44 + stem.size * 4  # the stereo 16-bit WAV each stem used to be stored as
        rows.append(
            {
                "file": f"stems/{name}.flac (24-bit mono)",
                "s": round(t, 3),
                "bytes": len(data),
                "wav_bytes": legacy,
            }
        )
    if result.reverb_half is not None:
        t, data = _timed(lambda: reverb_flac(result.reverb_half))
        rows.append(
            {"file": "stems/reverb.flac (24-bit, 22 kHz)", "s": round(t, 3), "bytes": len(data)}
        )
    t, data = _timed(result.midi)
    rows.append({"file": "beat.mid", "s": round(t, 4), "bytes": len(data)})
    t, data = _timed(lambda: json.dumps(result.peaks()).encode())
    rows.append({"file": "peaks.json", "s": round(t, 4), "bytes": len(data)})
    lame = []
    for bitrate in (128, 192):
        for quality in (2, 5, 7):
            pieces = (
                master[:, s : s + CHUNK_FRAMES] for s in range(0, master.shape[1], CHUNK_FRAMES)
            )
            t, data = _timed(
                lambda p=pieces, b=bitrate, q=quality: b"".join(
                    mp3_chunks(p, result.sample_rate, bitrate=b, quality=q)
                )
            )
            snr, lsd = _mp3_quality(master, data)
            lame.append(
                {
                    "bitrate": bitrate,
                    "quality": quality,
                    "s": round(t, 3),
                    "bytes": len(data),
                    "snr_db": snr,
                    "lsd_db": lsd,
                }
            )
    return {"genre": genre, "seconds": round(result.duration_s, 2), "files": rows, "lame": lame}


def peak_rss_mib(genre: str, seconds: float) -> dict[str, Any]:
    """Peak RSS (VmHWM) of one whole job of ``seconds`` in a fresh interpreter (MiB), with
    every track enabled: the worst case the spec limits allow at that length (Linux only)."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_SCRIPT, genre, str(seconds)],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "genre": genre,
        "seconds": seconds,
        "peak_mib": round(figures["peak_kib"] / 1024, 1),
        "stems": figures["stems"],
    }


def run_benchmark(
    genres: Iterable[str] = GENRES,
    lengths: Iterable[float] = (60, 180),
    *,
    repeats: int = 2,
    memory: bool = True,
    memory_lengths: Iterable[float] = (180, 600, 900),
    compare: bool = True,
    costs: bool = True,
    pin: bool = False,
    banked: Iterable[str] = (),
    banks: BankRegistry | None = None,
) -> dict[str, Any]:
    """Every genre at every length, FluidSynth on the same beat, format costs, peak RSS.

    Each genre in ``banked`` also gets a ``<genre>+banks`` row per length, rendered with
    its sampled voices from ``banks`` (left out, and said so, where they are missing).
    """
    cpu = pin_to_one_core() if pin else None
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    lengths = list(lengths)
    rows = [bench_one(g, float(s), repeats=repeats) for s in lengths for g in genres]
    notes = []
    for genre in banked:
        if banks is None or not default_spec(genre, banks=banks).sampled_tracks():
            notes.append(f"{genre}+banks: no sampled voices installed here (make banks)")
            continue
        rows += [bench_one(genre, float(s), repeats=repeats, banks=banks) for s in lengths]
    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus_available": len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count(),
            "pinned_cpu": cpu,
            "platform": platform.platform(),
            "load_avg_1m_at_start": load,
        },
        "rows": rows,
        "notes": notes,
    }
    if compare:
        report["fluidsynth"] = fluidsynth_compare()
    if costs:
        report["costs"] = encode_costs()
    if memory:
        worst = "synthwave" if "synthwave" in GENRES else next(iter(GENRES))
        report["peak_rss"] = [peak_rss_mib(worst, float(s)) for s in memory_lengths]
    report["max_rss_mb"] = (
        round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        if sys.platform != "darwin"
        else None
    )
    return report


def _verdict(value: float, limit: float) -> str:
    return "met" if value >= limit else f"MISSED by {100 * (1 - value / limit):.0f}%"


def format_table(report: dict[str, Any]) -> str:
    """The benchmark as Markdown tables, targets marked met or missed."""
    lines = [
        "| genre | audio s | render s | render x RT (cpu) | job s | job x RT (cpu) | job MB | arrange | synth | mix | master | encode |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report["rows"]:
        st = row["stages"]
        lines.append(
            f"| {row['genre']} | {row['seconds']:.0f} | {row['render_s']:.3f} | {row['render_x']:.0f} ({row['render_cpu_x']:.0f}) | "
            f"{row['job_s']:.3f} | {row['job_x']:.0f} ({row['job_cpu_x']:.0f}) | {row['job_mb']} | {st['arranging']:.3f} | "
            f"{st['synthesizing']:.3f} | {st['mixing']:.3f} | {st['mastering']:.3f} | {st['encoding']:.3f} |"
        )
    fs = report.get("fluidsynth")
    if fs and fs.get("available"):
        lines += [
            "",
            f"whole job of a {fs['seconds']:.0f} s {fs['genre']} beat vs FluidSynth (FluidR3_GM) on its MIDI, same run:",
            "| | ours (whole job) | fluidsynth -ni -F | ratio (target >= 1.5) |",
            "|---|---|---|---|",
            f"| wall s | {fs['ours_job_s']} | {fs['fluidsynth_s']} | {fs['ratio_wall']} ({_verdict(fs['ratio_wall'], FLUIDSYNTH_TARGET)}) |",
            f"| CPU s | {fs['ours_job_cpu_s']} | {fs['fluidsynth_cpu_s']} | {fs['ratio_cpu']} ({_verdict(fs['ratio_cpu'], FLUIDSYNTH_TARGET)}) |",
            f"whole job x real time (target >= {JOB_TARGET_X:.0f}): wall {fs['job_x']} ({_verdict(fs['job_x'], JOB_TARGET_X)}), "
            f"CPU {fs['job_cpu_x']} ({_verdict(fs['job_cpu_x'], JOB_TARGET_X)})",
        ]
    elif fs is not None:
        lines.append("\nFluidSynth or /usr/share/sounds/sf2/FluidR3_GM.sf2 missing: no comparison")
    costs = report.get("costs")
    if costs:
        lines += ["", f"what each format costs ({costs['seconds']:.0f} s {costs['genre']} beat):"]
        lines += ["| file | s | bytes | as stereo 16-bit WAV |", "|---|---|---|---|"]
        for row in costs["files"]:
            lines.append(
                f"| {row['file']} | {row['s']} | {row['bytes']:,} | {row.get('wav_bytes', '') and format(row['wav_bytes'], ',')} |"
            )
        lines += ["", "| LAME CBR kbit/s | quality | s | bytes | SNR dB | spectral distance dB |"]
        lines.append("|---|---|---|---|---|---|")
        for row in costs["lame"]:
            lines.append(
                f"| {row['bitrate']} | {row['quality']} | {row['s']} | {row['bytes']:,} | {row['snr_db']} | {row['lsd_db']} |"
            )
    peaks = report.get("peak_rss")
    if peaks:
        lines += [
            "",
            "peak RSS of one whole job (fresh process):",
            "| genre | beat s | stems | peak MiB |",
        ]
        lines.append("|---|---|---|---|")
        for row in peaks:
            lines.append(
                f"| {row['genre']} | {row['seconds']:.0f} | {row['stems']} | {row['peak_mib']} |"
            )
    lines += report.get("notes", [])
    lines.append(f"\nprocess max RSS: {report['max_rss_mb']} MB; machine: {report['machine']}")
    return "\n".join(lines)
