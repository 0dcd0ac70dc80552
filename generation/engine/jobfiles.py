"""A job's files encoded in parallel: FLAC stems while tracks synthesise, then MP3 (in a child
process) beside the rest."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .banks.registry import BankRegistry
from .encode import CHUNK_FRAMES, wav_chunks
from .genres import GRAMMARS
from .mp3proc import Mp3Process
from .render import Progress, RenderResult, render_master
from .spec import BeatSpec
from .stemcache import StemCache, reverb_flac, stem_flac
from .voices import SAMPLE_RATE

__all__ = [
    "ENCODE_THREADS",
    "JobFiles",
    "Sink",
    "mix_wav_bytes",
    "render_job_files",
    "render_lossless",
    "spec_has_reverb",
]

# Two encoder threads: one feeds LAME's child process (PCM packing and a pipe, no GIL),
# the other runs FLAC (libsndfile releases the GIL), WAV packing and the uploads (I/O).
ENCODE_THREADS = 2

Sink = Callable[[str, bytes, str], Any]
"""``sink(name, data, key)`` keeps one encoded file (e.g. uploads it) and returns what it
kept; ``key`` is the stem's content key for ``stems/<track>.flac``, else ``""``."""


@dataclass
class JobFiles:
    """What :func:`render_job_files` made.

    ``files`` maps each file name (``mix.mp3``, ``beat.mid``, ``peaks.json``, ``spec.json``,
    ``stems/reverb.flac``, and ``mix.wav`` when asked for) to what the sink returned for it; ``stems`` maps
    each synthesised track to ``(key, what the sink returned for stems/<track>.flac)``;
    ``reused`` the tracks taken from the cache (track -> key). ``bytes`` counts what went
    to the sink; ``timings["job_cpu"]`` the CPU time of the whole job, the MP3 encoder's
    child process included (``timings["mp3_child_cpu"]``).
    """

    result: RenderResult
    files: dict[str, Any] = field(default_factory=dict)
    stems: dict[str, tuple[str, Any]] = field(default_factory=dict)
    reused: dict[str, str] = field(default_factory=dict)
    bytes: int = 0
    sizes: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def _keep(name: str, data: bytes, key: str) -> bytes:
    return data


def render_job_files(
    spec: BeatSpec,
    *,
    stems: StemCache | None = None,
    sink: Sink = _keep,
    progress: Progress | None = None,
    threads: int = ENCODE_THREADS,
    banks: BankRegistry | None = None,
    mix_wav: bool = False,
    reverb: bool = False,
) -> JobFiles:
    """Render ``spec`` and encode every file a version stores, overlapping the two.

    Each synthesised stem is FLAC-encoded (and handed to ``sink``) on a pool thread while
    the next track synthesises; stems found in ``stems`` are neither synthesised nor
    encoded again. Once mastered, the MP3 is encoded by a child process (started before
    the render, fed chunks from one thread) while MIDI and peaks are made here. The mix WAV
    and the reverb return's FLAC are made only with ``mix_wav`` / ``reverb``: a version
    stores them when a download first asks (:func:`render_lossless`). ``sink`` runs on
    pool threads (it must be thread-safe; storage uploads are).
    """
    clock, cpu = time.perf_counter(), time.process_time()
    pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="encode")
    encoder = Mp3Process(SAMPLE_RATE).start()  # every render is at SAMPLE_RATE
    lock = threading.Lock()
    pending: list[Future] = []
    stem_results: dict[str, tuple[str, Any]] = {}
    files: dict[str, Any] = {}
    sizes: dict[str, int] = {}

    def deliver(name: str, data: bytes, key: str = "") -> Any:
        kept = sink(name, data, key)
        with lock:
            sizes[name] = len(data)
        return kept

    def encode_stem(track: str, key: str, audio: np.ndarray) -> None:
        stem_results[track] = (key, deliver(f"stems/{track}.flac", stem_flac(audio), key))

    remember = getattr(stems, "remember", None)  # a cache may keep what this render made

    def on_stem(track: str, key: str, audio: np.ndarray, reused: bool) -> None:
        if not reused:
            if remember is not None:
                remember(key, audio)
            pending.append(pool.submit(encode_stem, track, key, audio))

    def encode_file(name: str, make: Callable[[], bytes]) -> None:
        files[name] = deliver(name, make())

    try:
        result = render_master(
            spec, progress=progress, stems=stems, on_stem=on_stem, keep_stems=False, banks=banks
        )
        rendered = time.perf_counter()
        master = result.master
        frames = result.samples

        def mp3() -> bytes:
            pieces = (master[:, s : s + CHUNK_FRAMES] for s in range(0, frames, CHUNK_FRAMES))
            return encoder.encode(pieces)

        # The MP3 is the longest piece: queued first of the mix's files, its thread feeds the
        # child while the other thread takes the reverb and any stem left.
        pending.append(pool.submit(encode_file, "mix.mp3", mp3))
        if mix_wav:
            pending.append(pool.submit(encode_file, "mix.wav", lambda: mix_wav_bytes(result)))
        if reverb and result.reverb_half is not None:
            half = result.reverb_half
            pending.append(pool.submit(encode_file, "stems/reverb.flac", lambda: reverb_flac(half)))
        encode_file("beat.mid", result.midi)
        encode_file(
            "peaks.json", lambda: json.dumps(result.peaks(), separators=(",", ":")).encode()
        )
        encode_file("spec.json", lambda: result.spec_json().encode())
        for future in list(pending):
            future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        encoder.close()
    elapsed = time.perf_counter() - clock
    result.timings["encoding"] = time.perf_counter() - rendered
    return JobFiles(
        result=result,
        files=files,
        stems=stem_results,
        reused={name: result.stem_keys[name] for name in result.reused},
        bytes=sum(sizes.values()),
        sizes=dict(sizes),
        timings={
            **result.timings,
            "job_wall": elapsed,
            "job_cpu": time.process_time() - cpu + encoder.child_cpu_s,
            "mp3_child_cpu": encoder.child_cpu_s,
            "threads": float(threads),
            "cpus": float(os.cpu_count() or 1),
        },
    )


def mix_wav_bytes(result: RenderResult) -> bytes:
    """The master as the 16-bit stereo WAV a version's WAV download is."""
    master = result.master
    source = lambda start, stop: master[:, start:stop]  # noqa: E731
    return b"".join(wav_chunks(source, result.samples, 2, result.sample_rate))


def spec_has_reverb(spec: BeatSpec) -> bool:
    """Whether a render of ``spec`` has a reverb return (some enabled track sends to it)."""
    mix = GRAMMARS[spec.genre].mix
    return any(mix.send(name) for name in spec.enabled_tracks())


def render_lossless(
    spec: BeatSpec, *, stems: StemCache | None = None, banks: BankRegistry | None = None
) -> dict[str, bytes]:
    """The version's lossless files, made again from its stems (the cache's, synthesised if
    missing): ``mix.wav`` and, when it has one, ``stems/reverb.flac``.

    Stems are stored on the 24-bit grid they are mixed at, so the master is byte-identical
    to the one the version's MP3 was encoded from, and so is the reverb return: these are
    the files the job would have written. Costs the render's mix and master (~0.5 s of CPU
    for 3 minutes) when every stem is cached.
    """
    result = render_master(spec, stems=stems, keep_stems=False, banks=banks)
    files = {"mix.wav": mix_wav_bytes(result)}
    if result.reverb_half is not None:
        files["stems/reverb.flac"] = reverb_flac(result.reverb_half)
    return files
