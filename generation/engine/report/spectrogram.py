"""A spectrogram PNG of a mix (matplotlib, imported only when a picture is asked for)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import signal

__all__ = ["write_spectrogram"]

ROWS = 240


def write_spectrogram(
    audio: np.ndarray, sample_rate: int, path: str | Path, *, title: str = ""
) -> Path:
    """Write a log-frequency spectrogram (20 Hz-20 kHz, dB) of ``audio`` to ``path``.

    ``audio`` is (samples,) or (channels, samples); channels are averaged. The band
    edges of the report (60, 250, 2k, 6k Hz) are drawn as dashed lines.
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    mono = np.atleast_2d(np.asarray(audio, dtype=np.float32)).mean(axis=0)
    freqs, times, power = signal.spectrogram(
        mono, fs=sample_rate, nperseg=4096, noverlap=2048, scaling="spectrum"
    )
    # Pool the FFT bins into log-spaced rows: what a log axis shows anyway, and a mesh
    # of 240 rows draws in a fraction of the time of 2048.
    edges = np.geomspace(20.0, 20000.0, ROWS + 1)
    row = np.searchsorted(edges, freqs) - 1
    pooled = np.full((ROWS, power.shape[1]), np.nan)
    for index in np.unique(row[(row >= 0) & (row < ROWS)]):
        pooled[index] = power[row == index].mean(axis=0)
    filled = ~np.isnan(pooled[:, 0])
    db = 10.0 * np.log10(pooled[filled] + 1e-12)
    centres = np.sqrt(edges[:-1] * edges[1:])[filled]
    figure, axes = pyplot.subplots(figsize=(12, 4.5), dpi=100)
    mesh = axes.pcolormesh(
        times,
        centres,
        db,
        shading="auto",
        cmap="magma",
        vmin=db.max() - 90,
        vmax=db.max(),
    )
    axes.set_yscale("log")
    axes.set_ylim(20.0, 20000.0)
    for edge in (60.0, 250.0, 2000.0, 6000.0):
        axes.axhline(edge, color="white", linewidth=0.6, linestyle="--", alpha=0.6)
    axes.set_xlabel("seconds")
    axes.set_ylabel("Hz")
    axes.set_title(title)
    figure.colorbar(mesh, ax=axes, label="dB")
    figure.tight_layout()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    pyplot.close(figure)
    return out
