"""The one place that sends the render task: by name, once the current transaction commits."""

from __future__ import annotations

from functools import partial

from celery import current_app
from django.db import transaction

RENDER_TASK = "generation.render_job"


def render_enqueue(job_id: object, delay_s: float = 0.0, *, recheck: int = 0) -> None:
    """Send ``generation.render_job`` for ``job_id`` after commit (at once outside a
    transaction), ``delay_s`` from now; ``recheck`` counts looks at a job alive elsewhere."""
    transaction.on_commit(partial(render_send, str(job_id), delay_s, recheck))


def render_send(job_id: str, delay_s: float = 0.0, recheck: int = 0) -> None:
    """Put the task on the broker now; the route (the generation queue) comes from settings."""
    args: list[object] = [job_id, recheck] if recheck else [job_id]
    current_app.send_task(RENDER_TASK, args=args, countdown=delay_s or None)
