"""The render pipeline: arrange -> synthesize -> mix -> master -> encode, with progress."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .arrange import Arrangement, arrange
from .encode import midi_bytes, mp3_bytes, peaks, wav_bytes
from .genres import GRAMMARS
from .master import master
from .mix import (
    Layout,
    fold_loop,
    layout,
    mix_down,
    reverb_return,
    sidechain_curve,
    stereo_gains,
    synthesize_track,
)
from .presets import DRUM_TRACKS
from .spec import BeatSpec
from .voices import SAMPLE_RATE

__all__ = [
    "EncodedBeat",
    "Progress",
    "RenderResult",
    "encode",
    "render",
    "render_master",
    "render_preview",
    "write_outputs",
]

Progress = Callable[[str, float], None]


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
        level, gain_db and sidechain, before pan. ``stem_audio(name)`` gives it in stereo
        as it sits in the mix.
    returns : dict[str, np.ndarray]
        Shared effect returns, float32 (2, samples): ``reverb``.
    timings : dict[str, float]
        Seconds per stage (``arranging``, ``synthesizing``, ``mixing``, ``mastering``,
        and ``encoding`` once :func:`encode` ran).
    master_info : dict[str, float]
        The master's own figures: estimated LUFS, make-up gain, deepest limiting.
    """

    spec: BeatSpec
    arrangement: Arrangement
    sample_rate: int
    master: np.ndarray
    stems: dict[str, np.ndarray]
    returns: dict[str, np.ndarray]
    timings: dict[str, float] = field(default_factory=dict)
    master_info: dict[str, float] = field(default_factory=dict)
    loop: bool = False

    @property
    def duration_s(self) -> float:
        """Length of the audio in seconds (the bars, plus a 1.5 s ring-out unless looping)."""
        return self.master.shape[1] / self.sample_rate

    @property
    def samples(self) -> int:
        return int(self.master.shape[1])

    def stem_audio(self, name: str) -> np.ndarray:
        """A stem in stereo as it enters the mix (pan and Haas width), float32 (2, samples)."""
        mono = self.stems[name]
        left, right, delay = stereo_gains(name, self.spec.genre)
        out = np.empty((2, mono.size), dtype=np.float32)
        np.multiply(mono, left, out=out[0])
        if delay:
            out[1, :delay] = right * mono[-delay:] if self.loop else 0.0
            np.multiply(mono[:-delay], right, out=out[1, delay:])
        else:
            np.multiply(mono, right, out=out[1])
        return out

    @property
    def premaster(self) -> np.ndarray:
        """The mix before mastering, float32 (2, samples): the stems in stereo plus returns.

        Recomputed on demand rather than kept, to hold memory down on long beats.
        """
        names = list(self.stems)
        stack = (
            np.stack([self.stems[n] for n in names])
            if names
            else np.zeros((0, self.samples), np.float32)
        )
        reverb = self.returns.get("reverb")
        mix = mix_down(stack, names, self.spec.genre, reverb)
        if self.loop:
            # mix_down leaves the first Haas samples empty; a loop takes them from the end.
            for name in names:
                _left, right, delay = stereo_gains(name, self.spec.genre)
                if delay:
                    mix[1, :delay] += right * self.stems[name][-delay:]
        return mix

    # --- encodings -----------------------------------------------------------------------
    def mix_wav(self, *, bits: int = 16) -> bytes:
        return wav_bytes(self.master, self.sample_rate, bits=bits)

    def mix_mp3(self, *, bitrate: int = 192) -> bytes:
        return mp3_bytes(self.master, self.sample_rate, bitrate=bitrate)

    def midi(self) -> bytes:
        return midi_bytes(self.arrangement)

    def stem_wav(self, name: str, *, bits: int = 16) -> bytes:
        """One stem as a stereo WAV; ``"reverb"`` is the shared reverb return."""
        audio = self.returns[name] if name in self.returns else self.stem_audio(name)
        return wav_bytes(audio, self.sample_rate, bits=bits)

    def stem_names(self) -> list[str]:
        return [*self.stems, *self.returns]

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
    spec: BeatSpec, *, progress: Progress | None = None, humanize: bool = True
) -> RenderResult:
    """Arrange, synthesize every enabled track, mix and master; no encoding.

    ``progress(stage, fraction)`` is called with ``arranging``, ``synthesizing <track>``,
    ``mixing`` and ``mastering``; ``fraction`` runs 0..1 over the whole render.
    ``humanize=False`` renders every note on its grid with written velocities (analysis).
    """
    report = progress or _noop
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    report("arranging", 0.0)
    arrangement = arrange(spec, humanize=humanize)
    geometry = layout(arrangement)
    timings["arranging"] = time.perf_counter() - clock

    names = spec.enabled_tracks()
    clock = time.perf_counter()
    stems_work = np.zeros((len(names), geometry.work), dtype=np.float32)
    duck = sidechain_curve(arrangement, geometry)
    sidechained = GRAMMARS[spec.genre].mix.sidechain_tracks
    for index, name in enumerate(names):
        report(f"synthesizing {name}", 0.05 + 0.55 * index / max(1, len(names)))
        synthesize_track(arrangement, name, geometry, stems_work[index])
        if duck is not None and name in sidechained:
            stems_work[index] *= duck
    stems_array = fold_loop(stems_work, geometry.total) if geometry.loop else stems_work
    timings["synthesizing"] = time.perf_counter() - clock

    report("mixing", 0.6)
    clock = time.perf_counter()
    mixdata = GRAMMARS[spec.genre].mix
    sends = np.array([mixdata.send(name) for name in names], dtype=np.float32)
    returns: dict[str, np.ndarray] = {}
    if names and sends.any():
        send = sends @ stems_array
        returns["reverb"] = reverb_return(send, spec.genre, geometry)
        del send
    mix = mix_down(stems_array, names, spec.genre, returns.get("reverb"))
    stems = {name: stems_array[i] for i, name in enumerate(names)}
    if geometry.loop:
        for name in names:
            _left, right, delay = stereo_gains(name, spec.genre)
            if delay:
                mix[1, :delay] += right * stems[name][-delay:]
    timings["mixing"] = time.perf_counter() - clock

    report("mastering", 0.75)
    clock = time.perf_counter()
    mastered, info = master(mix, SAMPLE_RATE, lowpass_hz=mixdata.master_lowpass_hz)
    del mix
    timings["mastering"] = time.perf_counter() - clock
    return RenderResult(
        spec, arrangement, SAMPLE_RATE, mastered, stems, returns, timings, info, geometry.loop
    )


def encode(
    result: RenderResult, *, progress: Progress | None = None, mp3: bool = True, wav_bits: int = 16
) -> EncodedBeat:
    """Every output file as bytes: mix.wav, mix.mp3, beat.mid, stems/<name>.wav, peaks.json,
    spec.json. Adds ``encoding`` to ``result.timings``."""
    report = progress or _noop
    clock = time.perf_counter()
    files: dict[str, bytes] = {}
    report("encoding", 0.85)
    files["mix.wav"] = result.mix_wav(bits=wav_bits)
    if mp3:
        files["mix.mp3"] = result.mix_mp3()
    report("encoding", 0.93)
    files["beat.mid"] = result.midi()
    for name in result.stem_names():
        files[f"stems/{name}.wav"] = result.stem_wav(name, bits=wav_bits)
    files["peaks.json"] = json.dumps(result.peaks(), separators=(",", ":")).encode()
    files["spec.json"] = result.spec_json().encode()
    elapsed = time.perf_counter() - clock
    result.timings["encoding"] = elapsed
    report("encoding", 1.0)
    return EncodedBeat(files, {"encoding": elapsed})


def render(
    spec: BeatSpec, *, progress: Progress | None = None, humanize: bool = True
) -> RenderResult:
    """Render a beat to a mastered :class:`RenderResult` (encodings are methods on it).

    Stages reported through ``progress(stage, fraction)``: ``arranging``,
    ``synthesizing <track>``, ``mixing``, ``mastering``. Call :func:`encode` or
    :func:`write_outputs` for the files (stage ``encoding``).
    """
    return render_master(spec, progress=progress, humanize=humanize)


def render_preview(spec: BeatSpec, *, bars: int = 2) -> RenderResult:
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
    return render_master(preview)


def write_outputs(
    result: RenderResult, out_dir: str | Path, *, progress: Progress | None = None
) -> dict[str, Path]:
    """Encode ``result`` and write its files under ``out_dir``; returns name -> path."""
    out = Path(out_dir)
    (out / "stems").mkdir(parents=True, exist_ok=True)
    encoded = encode(result, progress=progress)
    paths = {}
    for name, data in encoded.files.items():
        path = out / name
        path.write_bytes(data)
        paths[name] = path
    return paths


__all__ += ["Layout"]
