"""Analysis helpers shared by the engine tests (librosa lives here, not in the engine)."""

from __future__ import annotations

import numpy as np

from generation.engine import RenderResult
from generation.engine.analysis import estimate_key
from generation.engine.presets import GENRE_DEFAULTS, PITCHED_TRACKS

ANALYSIS_RATE = 22050


def tracked_tempo(result: RenderResult) -> float:
    """Mean beat interval of librosa's beat tracker on the mono master, as BPM.

    The tracker gets the genre's usual tempo as its prior (what a DJ would expect), not
    the spec's bpm.
    """
    import librosa

    mono = result.master.mean(axis=0)[::2]
    _, beats = librosa.beat.beat_track(
        y=mono, sr=ANALYSIS_RATE, units="time", start_bpm=GENRE_DEFAULTS[result.spec.genre].bpm
    )
    return float(60.0 / np.mean(np.diff(beats)))


def tempo_error(estimate: float, bpm: float) -> float:
    """Relative error against bpm, its half or its double, whichever is nearest."""
    return min(abs(estimate / target - 1.0) for target in (bpm, bpm / 2, bpm * 2))


def chroma_key(audio: np.ndarray, *, fmin_note: str) -> tuple[str, str]:
    import librosa

    chroma = librosa.feature.chroma_cqt(
        y=np.asarray(audio, dtype=np.float32)[::2],
        sr=ANALYSIS_RATE,
        fmin=librosa.note_to_hz(fmin_note),
        n_octaves=7 if fmin_note.endswith("1") else 6,
    )
    tonic, mode, _ = estimate_key(chroma)
    return tonic, mode


def pitched_key(result: RenderResult) -> tuple[str, str]:
    """Key of the pitched stems summed (chroma from C1 so the bass's roots count)."""
    pitched = [result.stems[name] for name in PITCHED_TRACKS if name in result.stems]
    return chroma_key(np.sum(pitched, axis=0), fmin_note="C1")


def mix_key(result: RenderResult) -> tuple[str, str]:
    """Key of the full master (chroma from C2 to keep the kick's tail out)."""
    return chroma_key(result.master.mean(axis=0), fmin_note="C2")


def onset_times(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Onsets (s) of an isolated drum stem, at 1.5 ms resolution."""
    import librosa

    return librosa.onset.onset_detect(
        y=np.asarray(audio, dtype=np.float32),
        sr=sample_rate,
        hop_length=64,
        units="time",
        backtrack=False,
    )
