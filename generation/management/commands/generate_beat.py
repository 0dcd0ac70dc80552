"""manage.py generate_beat: render a beat from a spec (or shortcuts) into a directory."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from generation.engine.cli import ProgressBar, build_spec, generate
from generation.engine.spec import SpecError
from generation.sound_banks import sound_banks


class Command(BaseCommand):
    help = "Render a beat: writes mix.wav, mix.mp3, beat.mid, stems/, peaks.json and spec.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--spec", help="BeatSpec JSON file (shortcuts override its fields)")
        parser.add_argument("--out", required=True, help="output directory")
        parser.add_argument("--json", action="store_true", help="print a JSON summary")
        parser.add_argument("--genre")
        parser.add_argument("--bpm", type=float)
        parser.add_argument("--key", help="e.g. 'F minor', 'Fm', 'F# minor', 'Bb major'")
        parser.add_argument("--bars", type=int)
        parser.add_argument("--seed", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spec = build_spec(
                spec_file=options["spec"],
                genre=options["genre"],
                bpm=options["bpm"],
                key=options["key"],
                bars=options["bars"],
                seed=options["seed"],
            )
        except SpecError as exc:
            raise CommandError(f"invalid spec: {exc}") from exc
        # The bar redraws one line with \r, so it writes to the terminal directly.
        progress = ProgressBar(sys.stdout) if self.stdout.isatty() and not options["json"] else None
        summary = generate(spec, options["out"], progress=progress, banks=sound_banks())
        if progress:
            progress.close()
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2, sort_keys=True))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{spec.genre} {spec.bpm:g} bpm {spec.key.label()}, {summary['duration_s']:.1f} s "
                    f"in {summary['timings']['total']:.2f} s -> {options['out']}"
                )
            )
