"""App config for generation."""

from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the beat-deletion receiver)
