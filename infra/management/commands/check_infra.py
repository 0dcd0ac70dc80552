"""Check database, Redis, broker, channel layer, storage and workers; see infra.provision.check_infra."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infra.provision.check_infra import infra_checks, run_infra_checks


class Command(BaseCommand):
    help = (
        "Database, Redis, broker, channel-layer round trip, storage write/read/delete and live "
        "Celery workers: one line per check with its latency; non-zero exit on a failure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument(
            "--skip",
            action="append",
            default=[],
            choices=sorted(infra_checks()),
            help="leave a check out (e.g. celery_workers before any worker runs)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not options["json"]:
            self.stdout.write(
                "Checking " + ", ".join(n for n in infra_checks() if n not in options["skip"])
            )
        report = run_infra_checks(skip=tuple(options["skip"]))
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            for name, result in report["checks"].items():
                ok = result["status"] == "ok"
                text = result.get("detail", "") if ok else result.get("error", "")
                line = f"  {name:<15} {result['status']:<7} {result['latency_ms']:>9.1f} ms  {text}"
                self.stdout.write(line if ok else self.style.ERROR(line))
        if report["failing"]:
            raise CommandError(f"FAILED: {', '.join(report['failing'])}")
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS(f"OK: all {len(report['checks'])} checks passed"))
