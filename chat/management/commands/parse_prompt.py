"""Print what the assistant understands from a chat turn, or from a JSON-lines batch of turns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chat.assistant import get_interpreter, interpret
from chat.assistant.batch import run_batch
from generation.engine.spec import BeatSpec, SpecError


class Command(BaseCommand):
    help = (
        "Interpret TEXT (optionally against --spec SPEC.json) and print the intent as JSON, or "
        "interpret every line of --batch IN.jsonl and print one result line per input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", nargs="?", help="the chat turn")
        parser.add_argument("--spec", type=Path, help="JSON file with the current beat's spec")
        parser.add_argument("--batch", type=Path, help='JSON lines {"id", "text", "given"?}')
        parser.add_argument(
            "--llm",
            action="store_true",
            help="use the configured LLM provider (LLM_BASE_URL) instead of the built-in parser",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interpreter = self._interpreter(options["llm"])
        if options["batch"]:
            try:
                lines = options["batch"].read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"cannot read {options['batch']}: {exc}") from exc
            for result in run_batch(lines, interpreter):
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        if options["text"] is None:
            raise CommandError("give a TEXT to interpret or --batch IN.jsonl")
        current = self._spec(options["spec"]) if options["spec"] else None
        intent = interpreter(options["text"], current)
        self.stdout.write(json.dumps(intent.to_dict(), ensure_ascii=False, indent=2))

    def _spec(self, path: Path) -> BeatSpec:
        try:
            return BeatSpec.from_json(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        except SpecError as exc:
            raise CommandError(f"{path} is not a valid spec: {exc}") from exc

    def _interpreter(self, use_llm: bool) -> Any:
        if not use_llm:
            return interpret
        return get_interpreter(
            {
                name: getattr(settings, name, "")
                for name in (
                    "LLM_BASE_URL",
                    "LLM_API_KEY",
                    "LLM_MODEL",
                    "LLM_TIMEOUT_S",
                    "LLM_PRICE_INPUT_PER_1K",
                    "LLM_PRICE_OUTPUT_PER_1K",
                )
            }
        )
