"""Celery tasks: render a job, and reap jobs whose worker died. Queues: see CELERY_TASK_ROUTES."""

from __future__ import annotations

from celery import shared_task

from . import pipeline
from .models import JobStatus

# A redelivered task finds its job 'running' under a worker that may have just died; it looks
# again once a heartbeat would have gone stale, at most this many times.
MAX_RECHECKS = 2


@shared_task(name="generation.render_job", acks_late=True, ignore_result=True)
def render_job(job_id: str, recheck: int = 0) -> str:
    """Render one GenerationJob by id. Idempotent: a job that is finished, cancelled or alive
    on another worker is left alone (claim-then-work)."""
    outcome = pipeline.run_job(job_id)
    alive_elsewhere = outcome.status == "skipped" and outcome.detail == JobStatus.RUNNING
    if alive_elsewhere and recheck < MAX_RECHECKS:
        render_job.apply_async(
            args=[job_id, recheck + 1], countdown=pipeline.heartbeat_stale_s() + 1
        )
    return outcome.status


@shared_task(name="generation.reap_stuck_jobs", ignore_result=True)
def reap_stuck_jobs() -> int:
    """Re-queue jobs whose worker stopped beating; fail them after the attempt cap."""
    return pipeline.reap_stuck_jobs()
