"""App config for infra."""

from django.apps import AppConfig


class InfraConfig(AppConfig):
    name = "infra"
    verbose_name = "Infrastructure"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - importing registers the checks
        from .observability import db_metrics

        db_metrics.install()
