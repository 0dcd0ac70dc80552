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
        from django.contrib.auth.signals import user_logged_out

        from .realtime.session_groups import on_logged_out

        user_logged_out.connect(on_logged_out, dispatch_uid="infra.realtime.session_groups")
        from infra.settings_selection import log_selected_settings

        log_selected_settings()
