"""App config for generation."""

from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        from infra.observability import metrics

        from . import signals  # noqa: F401  (connects the beat-deletion receiver)
        from .jobs.gauges import job_state_metrics

        metrics.state_hook_register(job_state_metrics)

        from infra.provision.check_infra import report_check_register

        from .sound_banks import banks_report

        report_check_register("sound_banks", banks_report)
