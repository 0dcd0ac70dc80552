"""Benchmark renders through the real chat path on an isolated stack (one at a time, and a burst)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infra.bench import report
from infra.bench.generation import GenerationOptions, run


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = GenerationOptions()
        parser.add_argument("--requests", type=int, default=defaults.requests, help="burst size")
        parser.add_argument(
            "--sequential", type=int, default=defaults.sequential, help="one-at-a-time requests"
        )
        parser.add_argument("--beat-length", default=defaults.beat_length, help='e.g. "60 seconds"')
        parser.add_argument(
            "--concurrency",
            default=",".join(str(c) for c in defaults.concurrencies),
            help="worker concurrencies to try, comma-separated",
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        options = GenerationOptions(
            requests=opts["requests"],
            sequential=opts["sequential"],
            beat_length=opts["beat_length"],
            concurrencies=[int(c) for c in opts["concurrency"].split(",") if c.strip()],
        )
        result = run(options)
        self.stdout.write(
            json.dumps(result, indent=2) if opts["json"] else report.generation_text(result)
        )
        if not result["ok"]:
            raise CommandError("some generation requests did not complete")
        self.stdout.write(self.style.SUCCESS("bench_generation: done"))
