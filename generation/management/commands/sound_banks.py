"""manage.py sound_banks: which sound banks this process would render with (see --hint)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from generation.sound_banks import banks_missing_hint, banks_report


class Command(BaseCommand):
    help = "Report the sampled sound banks found (SOUND_BANK_PATHS or Debian's paths)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hint",
            action="store_true",
            help="print only one line saying how to add missing banks (nothing if none is)",
        )

    def handle(self, *args: object, **options: object) -> None:
        hint = banks_missing_hint()
        if options["hint"]:
            if hint:
                self.stdout.write(hint)
            return
        self.stdout.write(banks_report())
        if hint:
            self.stdout.write(hint)
