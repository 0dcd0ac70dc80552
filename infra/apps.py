"""App config for infra."""

from django.apps import AppConfig


class InfraConfig(AppConfig):
    name = "infra"
    verbose_name = "Infrastructure"

    def ready(self) -> None:
        from . import checks, db_metrics, media_origin, static_files  # noqa: F401 - importing registers the checks

        db_metrics.install()
        from dawg.settings_selection import log_selected_settings

        log_selected_settings()
