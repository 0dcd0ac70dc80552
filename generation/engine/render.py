"""The render pipeline: arrange -> synthesize -> mix -> master -> encode, with progress."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .arrange import Arrangement, arrange
from .banks.licences import samples_txt
from .banks.registry import BankRegistry
from .encode import midi_bytes, mp3_bytes, peaks, wav_bytes, wav_chunks
from .genres import GRAMMARS
from .mix import (
    CHUNK,
    fader,
    fold_loop,
    layout,
    reverb_return,
    sidechain_curve,
    stereo_gains,
    synthesize_track,
    upsample_chunk,
)
from .mix.master import master
from .presets import DRUM_TRACKS
from .spec import BeatSpec
from .stemcache import StemCache, quantize_stem, stem_key
from .voices import SAMPLE_RATE

__all__ = [
    "EncodedBeat",
    "Progress",
    "RenderResult",
    "StemReady",
    "encode",
    "iter_files",
    "mix_gains",
    "render_master",
    "render_preview",
    "write_outputs",
]

Progress = Callable[[str, float], None]
StemReady = Callable[[str, str, np.ndarray, bool], None]
"""``on_stem(track, key, stem, reused)``: called once per track as soon as its stem is final."""


def _noop(stage: str, fraction: float) -> None:
    return None


@dataclass
class RenderResult:
    """A rendered beat: audio as float32 arrays plus everything needed to encode it.

    Attributes
    ----------
    spec : BeatSpec
    arrangement : Arrangement
        Sections, chords and notes per track (in beats); ``pattern_view()`` for the UI.
    sample_rate : int
        44100.
    master : np.ndarray
        float32, shape (2, samples): the mastered stereo mix.
    stems : dict[str, np.ndarray]
        One float32 mono array (samples,) per enabled track: the dry track after its
        level and sidechain, before its fader (``gain_db``) and pan, on the 24-bit grid
        stems are stored at (pre-fader, so a level edit reuses the stem).
        ``stem_audio(name)`` gives it in stereo as it sits in the mix. Empty when rendered
        with ``keep_stems=False``.
    reverb_half : np.ndarray or None
        The shared reverb return at half rate, float32 (2, ceil(samples / 2)) at
        22.05 kHz; ``returns["reverb"]`` is it at full rate.
    timings : dict[str, float]
        Seconds per stage (``arranging``, ``synthesizing``, ``mixing``, ``mastering``,
        and ``encoding`` once :func:`encode` or :func:`write_outputs` ran).
    master_info : dict[str, float]
        The master's own figures: estimated LUFS, make-up gain, deepest limiting (dB).
    loop : bool
        The audio loops: its tail is wrapped onto its start.
    stem_keys : dict[str, str]
        Per track, the content key of its stem (``stemcache.stem_key``).
    reused : tuple[str, ...]
        The tracks whose stems came from the stem cache instead of being synthesised.
    """

    spec: BeatSpec
    arrangement: Arrangement
    sample_rate: int
    master: np.ndarray
    stems: dict[str, np.ndarray]
    reverb_half: np.ndarray | None = None
    timings: dict[str, float] = field(default_factory=dict)
    master_info: dict[str, float] = field(default_factory=dict)
    loop: bool = False
    stem_keys: dict[str, str] = field(default_factory=dict)
    reused: tuple[str, ...] = ()

    @property
    def duration_s(self) -> float:
        """Length of the audio in seconds (the bars, plus a 1.5 s ring-out unless looping)."""
        return self.master.shape[1] / self.sample_rate

    @property
    def samples(self) -> int:
        return int(self.master.shape[1])

    def stem_names(self) -> list[str]:
        """Every stem file: the enabled tracks, then the shared ``reverb`` return."""
        return [*self.stems, *(["reverb"] if self.reverb_half is not None else [])]

    def stem_chunk(self, name: str, start: int, stop: int) -> np.ndarray:
        """Samples ``start:stop`` of a stem in stereo as it enters the mix, float32 (2, k).

        Track stems get their fader, pan and Haas width; ``"reverb"`` is the reverb return.
        """
        if name == "reverb" and self.reverb_half is not None:
            return upsample_chunk(self.reverb_half, start, stop, loop=self.loop)
        mono = self.stems[name]
        left, right, delay = mix_gains(name, self.spec)
        out = np.empty((2, stop - start), dtype=np.float32)
        np.multiply(mono[start:stop], left, out=out[0])
        if delay:
            lo = start - delay
            if lo >= 0:
                np.multiply(mono[lo : stop - delay], right, out=out[1])
            else:
                head = -lo
                out[1, :head] = right * mono[mono.size - head :] if self.loop else 0.0
                np.multiply(mono[: stop - delay], right, out=out[1, head:])
        else:
            np.multiply(mono[start:stop], right, out=out[1])
        return out

    def stem_audio(self, name: str) -> np.ndarray:
        """A whole stem in stereo (see :meth:`stem_chunk`), float32 (2, samples)."""
        return self.stem_chunk(name, 0, self.samples)

    @property
    def returns(self) -> dict[str, np.ndarray]:
        """Shared effect returns at full rate, float32 (2, samples); built on demand."""
        return {"reverb": self.stem_audio("reverb")} if self.reverb_half is not None else {}

    @property
    def premaster(self) -> np.ndarray:
        """The mix before mastering, float32 (2, samples): the stereo stems plus the reverb.

        Recomputed on demand (bit-identical to what was mastered) rather than kept, to
        hold memory down on long beats.
        """
        mix = np.zeros((2, self.samples), dtype=np.float32)
        for name, stem in self.stems.items():
            _mix_in(mix, None, stem, name, self.spec, loop=self.loop)
        _add_reverb(mix, self.reverb_half, loop=self.loop)
        return mix

    # --- encodings -----------------------------------------------------------------------
    def mix_wav(self, *, bits: int = 16) -> bytes:
        return wav_bytes(self.master, self.sample_rate, bits=bits)

    def mix_mp3(self, *, bitrate: int = 192) -> bytes:
        return mp3_bytes(self.master, self.sample_rate, bitrate=bitrate)

    def midi(self) -> bytes:
        return midi_bytes(self.arrangement)

    def stem_wav_chunks(self, name: str, *, bits: int = 16) -> Iterator[bytes]:
        """One stem as a stereo WAV, streamed in chunks (no full-length copy)."""
        source = lambda start, stop: self.stem_chunk(name, start, stop)  # noqa: E731
        return wav_chunks(source, self.samples, 2, self.sample_rate, bits=bits)

    def stem_wav(self, name: str, *, bits: int = 16) -> bytes:
        """One stem as a stereo WAV; ``"reverb"`` is the shared reverb return."""
        return b"".join(self.stem_wav_chunks(name, bits=bits))

    def peaks(self, *, bins: int = 1500) -> dict[str, Any]:
        return peaks(self.master, self.sample_rate, bins=bins)

    def spec_json(self) -> str:
        return json.dumps(self.spec.to_dict(), indent=2, sort_keys=True)

    def summary(self) -> dict[str, Any]:
        """JSON-ready facts about the render (no audio)."""
        return {
            "spec": self.spec.to_dict(),
            "spec_hash": self.spec.spec_hash(),
            "sample_rate": self.sample_rate,
            "duration_s": round(self.duration_s, 3),
            "sections": [
                {"name": s.name, "start_bar": s.start_bar, "bars": s.bars}
                for s in self.arrangement.sections
            ],
            "stems": self.stem_names(),
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "master": self.master_info,
        }


@dataclass(frozen=True)
class EncodedBeat:
    """The files of a render as bytes, keyed the way :func:`write_outputs` names them."""

    files: dict[str, bytes]
    timings: dict[str, float]


def render_master(
    spec: BeatSpec,
    *,
    progress: Progress | None = None,
    humanize: bool = True,
    stems: StemCache | None = None,
    on_stem: StemReady | None = None,
    keep_stems: bool = True,
    banks: BankRegistry | None = None,
) -> RenderResult:
    """Arrange, synthesize every enabled track, mix and master; no encoding.

    ``progress(stage, fraction)`` is called with ``arranging``, ``synthesizing <track>``,
    ``mixing`` and ``mastering``; ``fraction`` runs 0..1 over the whole render.
    ``humanize=False`` renders every note on its grid with written velocities (analysis).
    ``stems`` is a stem cache: a track whose key it holds is taken from it, not
    synthesised. ``on_stem`` hears of each final stem (so encoding can start while the
    next track synthesises). Stems are rounded to the 24-bit grid they are stored at, so
    cached and fresh renders are byte-identical. ``keep_stems=False`` drops each stem once
    it is mixed (the job, which has encoded it by then): ``result.stems`` is then empty.
    Sampled tracks come from ``banks`` (default: the banks at Debian's paths); a bank that
    is missing, or installed at another version than the spec records, raises a
    ``SpecError`` before anything renders. The result's spec records the bank versions.
    """
    if spec.sampled_tracks():
        banks = banks if banks is not None else BankRegistry()
        spec = spec.checked_banks(banks)
    report = progress or _noop
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    report("arranging", 0.0)
    arrangement = arrange(spec, humanize=humanize)
    geometry = layout(arrangement)
    timings["arranging"] = time.perf_counter() - clock

    names = spec.enabled_tracks()
    clock = time.perf_counter()
    mixdata = GRAMMARS[spec.genre].mix
    total = geometry.total
    # The mix and the reverb send are summed as each stem is finished, so a stem the
    # caller does not keep is freed before the next one is made: memory stays at the mix
    # plus a stem or two whatever the track count (docs/reliability.md, "Memory").
    mix = np.zeros((2, total), dtype=np.float32)
    send_levels = {name: float(mixdata.send(name)) for name in names}
    send = np.zeros(total, dtype=np.float32) if any(send_levels.values()) else None
    duck: np.ndarray | None = None
    duck_made = False  # the curve is built only if a sidechained track is synthesised
    sidechained = mixdata.sidechain_tracks
    keys: dict[str, str] = {}
    reused: list[str] = []
    stem_audio: dict[str, np.ndarray] = {}
    for index, name in enumerate(names):
        report(f"synthesizing {name}", 0.05 + 0.55 * index / max(1, len(names)))
        key = keys[name] = stem_key(arrangement, name, work=geometry.work, total=total)
        cached = stems.load(key, total) if stems is not None else None
        if cached is not None:
            stem = cached
            reused.append(name)
        else:
            if not duck_made and name in sidechained:
                duck, duck_made = sidechain_curve(arrangement, geometry), True
            # A loop renders into a longer buffer whose tail is folded back onto the start.
            buffer = np.zeros(geometry.work, dtype=np.float32)
            synthesize_track(arrangement, name, geometry, buffer, banks=banks)
            if duck is not None and name in sidechained:
                buffer *= duck
            stem = fold_loop(buffer, total) if geometry.loop else buffer
            del buffer
            quantize_stem(stem)
        if on_stem is not None:
            on_stem(name, key, stem, cached is not None)
        _mix_in(mix, send, stem, name, spec, loop=geometry.loop, send=send_levels[name])
        if keep_stems:
            stem_audio[name] = stem
        del stem, cached
    del duck
    timings["synthesizing"] = time.perf_counter() - clock

    report("mixing", 0.6)
    clock = time.perf_counter()
    reverb_half = None
    if send is not None:
        reverb_half = reverb_return(send, spec.genre, geometry)
    del send
    _add_reverb(mix, reverb_half, loop=geometry.loop)
    timings["mixing"] = time.perf_counter() - clock

    report("mastering", 0.75)
    clock = time.perf_counter()
    mastered, info = master(
        mix,
        SAMPLE_RATE,
        lowpass_hz=mixdata.master_lowpass_hz,
        texture=mixdata.texture,
        glue_ratio=mixdata.glue_ratio,
    )
    del mix
    timings["mastering"] = time.perf_counter() - clock
    return RenderResult(
        spec,
        arrangement,
        SAMPLE_RATE,
        mastered,
        stem_audio,
        reverb_half,
        timings,
        info,
        geometry.loop,
        keys,
        tuple(reused),
    )


def _mix_in(
    mix: np.ndarray,
    send_bus: np.ndarray | None,
    stem: np.ndarray,
    name: str,
    spec: BeatSpec,
    *,
    loop: bool,
    send: float = 0.0,
) -> None:
    """Add one mono pre-fader stem to the stereo mix (fader, pan, Haas delay) and to the
    reverb send (after the fader), in place.

    The same per-track sum as ``mix.mix_down`` (one stem at a time, in track order, a
    chunk at a time), so no full-length temporaries; ``premaster`` uses it too, which
    keeps it bit-identical to what was mastered.
    """
    left, right, delay = mix_gains(name, spec)
    send *= fader(spec.tracks[name].gain_db)
    n = stem.size
    scratch = np.empty(min(n, CHUNK), dtype=np.float32)
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        part = scratch[: stop - start]
        np.multiply(stem[start:stop], np.float32(left), out=part)
        mix[0, start:stop] += part
        if not delay:
            np.multiply(stem[start:stop], np.float32(right), out=part)
            mix[1, start:stop] += part
        if send_bus is not None and send:
            np.multiply(stem[start:stop], np.float32(send), out=part)
            send_bus[start:stop] += part
    if delay:
        for start in range(delay, n, CHUNK):
            stop = min(n, start + CHUNK)
            part = scratch[: stop - start]
            np.multiply(stem[start - delay : stop - delay], np.float32(right), out=part)
            mix[1, start:stop] += part
        if loop:
            mix[1, :delay] += np.float32(right) * stem[n - delay :]


def mix_gains(name: str, spec: BeatSpec) -> tuple[float, float, int]:
    """A pre-fader stem's left and right gains in the mix (its fader times its pan) and its
    Haas delay: what the mix, ``stem_chunk`` and the stems ZIP all multiply it by."""
    left, right, delay = stereo_gains(name, spec.genre)
    level = fader(spec.tracks[name].gain_db)
    return left * level, right * level, delay


def _add_reverb(mix: np.ndarray, reverb_half: np.ndarray | None, *, loop: bool) -> None:
    """Add the shared reverb return, upsampled a chunk at a time, to the mix in place."""
    if reverb_half is None:
        return
    n = mix.shape[1]
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        mix[:, start:stop] += upsample_chunk(reverb_half, start, stop, loop=loop)


def iter_files(
    result: RenderResult, *, mp3: bool = True, wav_bits: int = 16
) -> Iterator[tuple[str, Iterable[bytes]]]:
    """Every output file as ``(name, chunks)``, encoded lazily one file at a time.

    Names: mix.wav, mix.mp3, beat.mid, stems/<track>.wav (and stems/reverb.wav),
    peaks.json, spec.json, and SAMPLES.txt when a sound bank played. Consuming the chunks
    of one file before the next keeps peak memory to one chunk for WAVs.
    """
    yield (
        "mix.wav",
        wav_chunks(
            lambda start, stop: result.master[:, start:stop],
            result.samples,
            2,
            result.sample_rate,
            bits=wav_bits,
        ),
    )
    if mp3:
        yield "mix.mp3", [result.mix_mp3()]
    yield "beat.mid", [result.midi()]
    for name in result.stem_names():
        yield f"stems/{name}.wav", result.stem_wav_chunks(name, bits=wav_bits)
    yield "peaks.json", [json.dumps(result.peaks(), separators=(",", ":")).encode()]
    yield "spec.json", [result.spec_json().encode()]
    credits = samples_txt(result.spec)
    if credits is not None:
        yield "SAMPLES.txt", [credits.encode()]


def encode(
    result: RenderResult, *, progress: Progress | None = None, mp3: bool = True, wav_bits: int = 16
) -> EncodedBeat:
    """Every output file as bytes in memory (see :func:`iter_files` for the names).

    Adds ``encoding`` to ``result.timings``. For long beats prefer :func:`write_outputs`,
    which streams to disk.
    """
    report = progress or _noop
    clock = time.perf_counter()
    files: dict[str, bytes] = {}
    names = 5 + len(result.stem_names())
    for index, (name, chunks) in enumerate(iter_files(result, mp3=mp3, wav_bits=wav_bits)):
        report("encoding", 0.85 + 0.15 * index / names)
        files[name] = b"".join(chunks)
    elapsed = time.perf_counter() - clock
    result.timings["encoding"] = elapsed
    report("encoding", 1.0)
    return EncodedBeat(files, {"encoding": elapsed})


def render_preview(
    spec: BeatSpec, *, bars: int = 2, banks: BankRegistry | None = None
) -> RenderResult:
    """A fast first-audible loop: ``bars`` bars of the hook's drums and bass, mastered.

    Tens of milliseconds, so the UI can play something while the full render runs.
    """
    keep = {*DRUM_TRACKS, "bass"}
    tracks = {
        name: {"enabled": setting.enabled and name in keep} for name, setting in spec.tracks.items()
    }
    if not any(t["enabled"] for t in tracks.values()):
        tracks = {name: {"enabled": setting.enabled} for name, setting in spec.tracks.items()}
    preview = spec.with_changes(bars=bars, loop=True, sections=[], tracks=tracks)
    return render_master(preview, banks=banks)


def write_outputs(
    result: RenderResult,
    out_dir: str | Path,
    *,
    progress: Progress | None = None,
    wav_bits: int = 16,
) -> dict[str, Path]:
    """Encode ``result`` and stream its files under ``out_dir``; returns name -> path.

    Writes mix.wav, mix.mp3, beat.mid, stems/<track>.wav, stems/reverb.wav, peaks.json
    and spec.json. Adds ``encoding`` to ``result.timings``.
    """
    report = progress or _noop
    clock = time.perf_counter()
    out = Path(out_dir)
    (out / "stems").mkdir(parents=True, exist_ok=True)
    paths = {}
    names = 5 + len(result.stem_names())
    for index, (name, chunks) in enumerate(iter_files(result, wav_bits=wav_bits)):
        report("encoding", 0.85 + 0.15 * index / names)
        path = out / name
        with path.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        paths[name] = path
    result.timings["encoding"] = time.perf_counter() - clock
    report("encoding", 1.0)
    return paths
