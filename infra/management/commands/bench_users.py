"""Simulate users chatting and editing over WebSockets on an isolated stack; counts outcomes."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infra.bench import report
from infra.bench.users import UsersOptions, run


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = UsersOptions()
        parser.add_argument("--users", type=int, default=defaults.users)
        parser.add_argument("--seconds", type=float, default=defaults.seconds, help="run length")
        parser.add_argument("--think-min", type=float, default=defaults.think_min)
        parser.add_argument("--think-max", type=float, default=defaults.think_max)
        parser.add_argument("--worker-concurrency", type=int, default=defaults.worker_concurrency)
        parser.add_argument(
            "--ramp", type=float, default=defaults.ramp, help="seconds to start all"
        )
        parser.add_argument(
            "--lengths",
            default=",".join(defaults.lengths),
            help='beat lengths users ask for, comma-separated (e.g. "1 bar")',
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        options = UsersOptions(
            users=opts["users"],
            seconds=opts["seconds"],
            think_min=opts["think_min"],
            think_max=opts["think_max"],
            worker_concurrency=opts["worker_concurrency"],
            ramp=opts["ramp"],
            lengths=[x.strip() for x in opts["lengths"].split(",") if x.strip()],
        )
        result = run(options)
        self.stdout.write(
            json.dumps(result, indent=2) if opts["json"] else report.users_text(result)
        )
        if not result["ok"]:
            raise CommandError("error rate at or above 0.1%")
        self.stdout.write(self.style.SUCCESS("bench_users: done"))
