"""manage.py bench_engine: real-time factors of the engine per genre, on one core."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from generation.engine.bench import format_table, run_benchmark
from generation.engine.presets import GENRES
from generation.sound_banks import sound_banks


class Command(BaseCommand):
    help = (
        "Benchmark render-to-master and the whole job per genre, against FluidSynth; "
        "format costs; peak RSS of 3-, 10- and 15-minute jobs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--genres", nargs="+", default=list(GENRES), choices=GENRES)
        parser.add_argument(
            "--lengths", nargs="+", type=float, default=[60.0, 180.0], help="seconds"
        )
        parser.add_argument("--repeats", type=int, default=2, help="best of N runs")
        parser.add_argument("--no-memory", action="store_true", help="skip the peak-RSS runs")
        parser.add_argument(
            "--memory-lengths",
            nargs="+",
            type=float,
            default=[180.0, 600.0, 900.0],
            help="beat lengths (s) whose whole job's peak RSS is measured",
        )
        parser.add_argument("--no-compare", action="store_true", help="skip FluidSynth")
        parser.add_argument("--no-costs", action="store_true", help="skip the format costs")
        parser.add_argument("--pin", action="store_true", help="run on one CPU only")
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--banked-genres",
            nargs="*",
            default=["boom-bap"],
            choices=GENRES,
            help="genres also benchmarked with their sampled voices (<genre>+banks rows); "
            "none: --banked-genres with no names",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["repeats"] < 1:
            raise CommandError("--repeats must be at least 1")
        report = run_benchmark(
            options["genres"],
            options["lengths"],
            repeats=options["repeats"],
            memory=not options["no_memory"],
            memory_lengths=options["memory_lengths"],
            compare=not options["no_compare"],
            costs=not options["no_costs"],
            pin=options["pin"],
            banked=options["banked_genres"],
            banks=sound_banks(),
        )
        self.stdout.write(json.dumps(report, indent=2) if options["json"] else format_table(report))
