"""The Celery application: JSON only, configured from Django settings under CELERY_."""

import os

from celery import Celery

from infra.observability import worker_logging, worker_metrics  # noqa: F401 (signal handlers, metrics dir)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dawg.settings.development")

app = Celery("dawg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
