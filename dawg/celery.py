"""The Celery application: JSON only, configured from Django settings under CELERY_."""

from celery import Celery

from infra import beat_guard  # noqa: F401 (an embedded beat dies with its worker)
from infra.observability import worker_logging, worker_metrics  # noqa: F401 (signal handlers, metrics dir)
from infra.settings_selection import select_settings

select_settings("celery")

app = Celery("dawg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
