"""Benchmark the built-in assistant parser and print per-turn p50/p95/p99 times."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chat.assistant import bench


class Command(BaseCommand):
    help = "Time the built-in intent parser over a realistic mix of turns (p50/p95/p99)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", type=int, default=50, help="passes over the turn set")
        parser.add_argument("--json", action="store_true", help="print the numbers as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        result = bench.run(rounds=max(1, options["rounds"]))
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(bench.format_report(result))
        worst = max(result["cpu"]["p99_ms"], result["long_cpu"]["p99_ms"])
        verdict = "under" if worst <= 5 else "OVER"
        style = self.style.SUCCESS if verdict == "under" else self.style.ERROR
        self.stdout.write(style(f"p99 parse time {verdict} the 5 ms budget"))
