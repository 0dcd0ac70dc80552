"""Benchmark the JSON API on an isolated stack at a constant arrival rate (daphne and gunicorn)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infra.bench import report
from infra.bench.http import HttpOptions, run


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = HttpOptions()
        parser.add_argument("--rate", type=float, default=defaults.rate, help="requests per second")
        parser.add_argument("--seconds", type=float, default=defaults.seconds, help="measured run")
        parser.add_argument(
            "--warmup", type=float, default=defaults.warmup, help="unmeasured run first"
        )
        parser.add_argument("--users", type=int, default=defaults.users, help="seeded users")
        parser.add_argument(
            "--servers", default=",".join(defaults.servers), help="comma-separated: daphne,gunicorn"
        )
        parser.add_argument("--gunicorn-workers", type=int, default=defaults.gunicorn_workers)
        parser.add_argument("--gunicorn-threads", type=int, default=defaults.gunicorn_threads)
        parser.add_argument(
            "--client-processes",
            type=int,
            default=defaults.client_processes,
            help="load generators",
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        options = HttpOptions(
            rate=opts["rate"],
            seconds=opts["seconds"],
            warmup=opts["warmup"],
            users=opts["users"],
            servers=[s.strip() for s in opts["servers"].split(",") if s.strip()],
            gunicorn_workers=opts["gunicorn_workers"],
            gunicorn_threads=opts["gunicorn_threads"],
            client_processes=opts["client_processes"],
        )
        result = run(options)
        self.stdout.write(
            json.dumps(result, indent=2) if opts["json"] else report.http_text(result)
        )
        if not result["ok"]:
            raise CommandError("some requests failed")
        self.stdout.write(self.style.SUCCESS("bench_http: done"))
