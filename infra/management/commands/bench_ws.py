"""Benchmark WebSockets on an isolated stack: idle sockets, reconnect storm, event latency."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infra.bench import report
from infra.bench.ws import WsOptions, run


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = WsOptions()
        parser.add_argument(
            "--connections", type=int, default=defaults.connections, help="idle sockets held"
        )
        parser.add_argument(
            "--reconnect", type=int, default=defaults.reconnect, help="clients in the storm"
        )
        parser.add_argument(
            "--watchers", type=int, default=defaults.watchers, help="sockets in the latency run"
        )
        parser.add_argument(
            "--renders", type=int, default=defaults.renders, help="jobs emitting events"
        )
        parser.add_argument(
            "--per-job", type=int, default=defaults.per_job, help="watchers per job"
        )
        parser.add_argument(
            "--rate", type=float, default=defaults.rate, help="events emitted per second"
        )
        parser.add_argument(
            "--seconds", type=float, default=defaults.seconds, help="latency run length"
        )
        parser.add_argument("--real-renders", type=int, default=defaults.real_renders)
        parser.add_argument("--real-watchers", type=int, default=defaults.real_watchers)
        parser.add_argument(
            "--beat-length", default=defaults.beat_length, help='e.g. "60 seconds", "1 bar"'
        )
        parser.add_argument(
            "--hold", type=float, default=defaults.hold, help="seconds to hold idle sockets"
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=defaults.rounds,
            help="latency rounds, ours and bare in turn",
        )
        parser.add_argument(
            "--reconnect-spread",
            type=float,
            default=defaults.reconnect_spread,
            help="spread first reconnect attempts over this many seconds (0: the studio's 0.25-0.5 s)",
        )
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        options = WsOptions(
            connections=opts["connections"],
            reconnect=min(opts["reconnect"], opts["connections"]),
            watchers=opts["watchers"],
            renders=opts["renders"],
            per_job=opts["per_job"],
            rate=opts["rate"],
            seconds=opts["seconds"],
            real_renders=opts["real_renders"],
            real_watchers=opts["real_watchers"],
            beat_length=opts["beat_length"],
            hold=opts["hold"],
            rounds=opts["rounds"],
            reconnect_spread=opts["reconnect_spread"],
        )
        result = run(options)
        self.stdout.write(json.dumps(result, indent=2) if opts["json"] else report.ws_text(result))
        if not result["ok"]:
            raise CommandError("some sockets, reconnects or completed events were missing")
        self.stdout.write(self.style.SUCCESS("bench_ws: done"))
