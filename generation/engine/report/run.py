"""The whole report: measure each genre, check the targets, and format it as text tables."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..presets import GENRE_DEFAULTS
from .measure import DRUMS, ReportSettings, measure_genre
from .targets import TARGETS, evaluate, median_audible_share

__all__ = ["format_report", "run_report"]

TRACKS = ("kick", "snare", "clap", "hats", "perc", "bass", "chords", "melody", "pad")


def _columns(genres: list[dict[str, Any]], field: str) -> list[str]:
    """The usual tracks first, then any other track some genre has (a new engine stem)."""
    seen = {name for g in genres for name in g[field]}
    return [t for t in TRACKS if t in seen] + sorted(seen - set(TRACKS))


def run_report(
    genres: Iterable[str],
    settings: ReportSettings | None = None,
    *,
    png_dir: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Measure every genre and check every target; JSON-ready.

    Returns ``{"settings", "genres": [figures + "targets"], "median_audible",
    "summary"}``. ``png_dir`` also writes ``<genre>.png`` spectrograms there. With
    ``settings.banks`` each genre with sampled voices installed gets a second row,
    ``<genre>+banks``, rendered with them.
    """
    settings = settings or ReportSettings()
    measured = []
    synth = replace(settings, banks=None)
    for genre in genres:
        if progress:
            progress(genre)
        figures = measure_genre(genre, synth, png_dir=png_dir)
        figures["targets"] = evaluate(figures)
        measured.append(figures)
        if settings.banks is not None and GENRE_DEFAULTS[genre].sampled:
            # The banked row beside the synth one (a genre without sampled voices has none).
            if progress:
                progress(f"{genre}+banks")
            figures = measure_genre(genre, settings)
            if figures["sampled"]:
                figures["targets"] = evaluate(figures)
                measured.append(figures)
    # The across-genre median stays the synth palette's (one row per genre).
    median = median_audible_share([g for g in measured if not g.get("sampled")])
    checks = [t["pass"] for g in measured for t in g["targets"].values() if t["pass"] is not None]
    return {
        "settings": {
            "minutes": settings.minutes,
            "bars": settings.bars,
            "seeds": list(settings.seeds),
            "short_bars": settings.short_bars,
            "banks": settings.banks is not None,
        },
        "genres": measured,
        "median_audible": median,
        "summary": {
            "checks": len(checks),
            "passed": sum(checks),
            "genres_all_pass": sum(
                all(t["pass"] is not False for t in g["targets"].values()) for g in measured
            ),
            "genres": len(measured),
        },
    }


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def _whole_pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}"


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return f"{value:.{digits}f}"


def _table(header: list[str], rows: list[list[str]], *, markdown: bool = False) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def _mark(result: dict[str, Any]) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a"}[result["pass"]]


def format_report(report: dict[str, Any], *, markdown: bool = False) -> str:
    """The report as four tables (mix, stems, patterns, targets) and a summary line.

    Plain text aligned in columns, or Markdown tables (``markdown=True``) for docs.
    """
    genres = report["genres"]
    mix_rows = []
    for g in genres:
        bands, kick, overlap = g["bands"], g["kick"], g["seed_overlap"]
        cents = (
            f"{kick['cents']:+.0f} {kick['nearer'][0]}" if kick.get("cents") is not None else "-"
        )
        snares = [g["hit_correlation"].get(n) for n in ("snare", "clap")]
        snares = [v for v in snares if v is not None]
        mix_rows.append(
            [
                g.get("label", g["genre"]),
                str(g["bars"]),
                *(_pct(bands[b]) for b in ("sub", "low", "mid", "presence", "air", "250-6k")),
                _num(g["snare_clap_lu"]),
                _num(g["melodic_lu"]),
                _num(kick.get("hz")),
                cents,
                _num(g["side_mid_db"]),
                _pct(g.get("bass_above_200hz")),
                _num(max(snares), 4) if snares else "-",
                str(g["patterns"].get("hats", "-")),
                _pct(g["audio_twin_share"]),
                _pct(g["symbolic_twin_share"]),
                "/".join(_whole_pct(overlap[k]) for k in ("drums", "bass", "chords")),
                f"{g['short_bass_bars']}/{g['short_bars']}",
            ]
        )
    mix = _table(
        [
            "genre",
            "bars",
            "sub%",
            "low%",
            "mid%",
            "pres%",
            "air%",
            "250-6k%",
            "snLU",
            "melLU",
            "kickHz",
            "cents",
            "S/M dB",
            "bass>200%",
            "snHit",
            "hatPat",
            "twin%",
            "symTw%",
            "seeds d/b/c%",
            "bass",
        ],
        mix_rows,
        markdown=markdown,
    )
    stem_names = [t for t in _columns(genres, "stem_lu") if t != "kick"]
    pattern_names = _columns(genres, "patterns")
    stems = _table(
        ["genre", *stem_names],
        [
            [g.get("label", g["genre"]), *(_num(g["stem_lu"].get(t)) for t in stem_names)]
            for g in genres
        ],
        markdown=markdown,
    )
    patterns = _table(
        ["genre", *pattern_names, *(f"r:{d}" for d in DRUMS)],
        [
            [
                g.get("label", g["genre"]),
                *(str(g["patterns"].get(t, "-")) for t in pattern_names),
                *(_num(g["hit_correlation"].get(d), 3) for d in DRUMS),
            ]
            for g in genres
        ],
        markdown=markdown,
    )
    targets = _table(
        ["genre", *(t.key for t in TARGETS)],
        [
            [g.get("label", g["genre"]), *(_mark(g["targets"][t.key]) for t in TARGETS)]
            for g in genres
        ],
        markdown=markdown,
    )
    summary = report["summary"]
    median = report["median_audible"]
    line = (
        f"targets: {summary['passed']}/{summary['checks']} checks pass; "
        f"{summary['genres_all_pass']}/{summary['genres']} genres pass every target; "
        f"median 250 Hz-6 kHz share {_pct(median['value'])} % (>= 15 %: {_mark(median)})"
    )
    legend = "\n".join(f"{'-' if markdown else ' '} {t.key}: {t.text}" for t in TARGETS)
    return "\n\n".join(
        [
            "Mix (long beat; seeds = note overlap of two seeds, drums/bass/chords; "
            "bass = bars the bass sounds in the short beat)\n" + mix,
            "Stem loudness in the mix, LU relative to the kick\n" + stems,
            "Distinct bar patterns per track; r: median hit-to-hit correlation per drum\n"
            + patterns,
            "Targets\n" + targets + "\n" + ("\n" if markdown else "") + legend,
            line,
        ]
    )
