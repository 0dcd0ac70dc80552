"""Run fault drills, each on its own private stack: `manage.py drill <name>|all|fast`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from infra.drills.registry import drills
from infra.drills.runner import run_drill


class Command(BaseCommand):
    help = "Run fault drills (docs/reliability.md); each prints what was lost and PASS/FAIL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="+", help="drill names, 'all' or 'fast'")
        parser.add_argument("--timeout", type=float, default=600, help="seconds per drill")

    def handle(self, *args: object, names: list[str], timeout: float, **options: object) -> None:
        known = drills()
        selected: list[str] = []
        for name in names:
            if name == "all":
                selected += list(known)
            elif name == "fast":
                selected += [d.name for d in known.values() if d.fast]
            elif name in known:
                selected.append(name)
            else:
                raise CommandError(f"unknown drill {name!r}; known: {', '.join(known)}")
        runs = [
            run_drill(name, timeout=timeout, echo=self.stdout.write)
            for name in dict.fromkeys(selected)
        ]
        self.stdout.write("\n== drills")
        for run in runs:
            self.stdout.write(run.verdict_line())
        failed = [run.name for run in runs if not run.passed]
        if failed:
            raise CommandError(f"failed drills: {', '.join(failed)}")
        self.stdout.write(self.style.SUCCESS(f"all {len(runs)} drills passed, nothing lost"))
