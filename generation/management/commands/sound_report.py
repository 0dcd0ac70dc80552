"""manage.py sound_report: render each genre and print the sound report (docs/engine.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from generation.engine import GENRES
from generation.engine.report import ReportSettings, format_report, run_report
from generation.sound_banks import sound_banks


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


class Command(BaseCommand):
    help = (
        "Render each genre and print band shares, stem loudness, kick pitch, stereo width, "
        "hit variation, bar patterns, repeated bars, seed overlap and the targets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--genres", default=",".join(GENRES), help="comma-separated")
        parser.add_argument("--minutes", type=float, default=3.0, help="length of the long beat")
        parser.add_argument("--bars", type=int, help="bars of the long beat (overrides --minutes)")
        parser.add_argument(
            "--seeds", default="1,2", help="two seeds: the measured one, then the one compared"
        )
        parser.add_argument("--short-bars", type=int, default=16, help="beat for the bass figure")
        parser.add_argument("--png-dir", help="write a spectrogram per genre here")
        parser.add_argument("--json", dest="json_path", help="write every figure to this file")
        parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
        parser.add_argument(
            "--banks",
            action="store_true",
            help="add a <genre>+banks row for each genre with sampled voices installed",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        genres = _names(options["genres"])
        unknown = [g for g in genres if g not in GENRES]
        if unknown or not genres:
            raise CommandError(
                f"unknown genre {unknown[0] if unknown else ''!r}; one of {', '.join(GENRES)}"
            )
        try:
            seeds = tuple(int(s) for s in _names(options["seeds"]))
        except ValueError as exc:
            raise CommandError("--seeds takes two whole numbers, e.g. 1,2") from exc
        if len(seeds) != 2:
            raise CommandError("--seeds takes two whole numbers, e.g. 1,2")
        if options["bars"] is not None and options["bars"] < 1:
            raise CommandError("--bars must be at least 1")
        if options["minutes"] <= 0 or options["short_bars"] < 1:
            raise CommandError("--minutes and --short-bars must be positive")
        settings = ReportSettings(
            minutes=options["minutes"],
            bars=options["bars"],
            seeds=seeds,
            short_bars=options["short_bars"],
            banks=sound_banks() if options["banks"] else None,
        )
        report = run_report(
            genres,
            settings,
            png_dir=options["png_dir"],
            progress=lambda genre: self.stderr.write(f"measuring {genre}…"),
        )
        self.stdout.write(format_report(report, markdown=options["markdown"]))
        if options["json_path"]:
            Path(options["json_path"]).write_text(json.dumps(report, indent=2, default=float))
            self.stdout.write(self.style.SUCCESS(f"wrote {options['json_path']}"))
