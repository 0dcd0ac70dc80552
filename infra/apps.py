"""App config for infra."""

from django.apps import AppConfig


class InfraConfig(AppConfig):
    name = "infra"
    verbose_name = "Infrastructure"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - importing registers the checks
        from .observability import db_metrics, static_files  # noqa: F401 - registers checks
        from .storage import media_origin  # noqa: F401 - registers its check

        db_metrics.install()
        from infra.settings_selection import log_selected_settings

        log_selected_settings()
