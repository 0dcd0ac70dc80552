"""Celery tasks: render a job, and reap jobs stuck past the hard time limit."""

from __future__ import annotations

from celery import shared_task

from . import pipeline


@shared_task(name="generation.render_job", acks_late=True, ignore_result=True)
def render_job(job_id: str) -> None:
    """Render one GenerationJob. Idempotent: a job that is not queued is left alone."""
    pipeline.run_job(job_id)


@shared_task(name="generation.reap_stuck_jobs", ignore_result=True)
def reap_stuck_jobs() -> int:
    """Re-queue jobs stuck in running past the hard limit; fail them after the attempt cap."""
    return pipeline.reap_stuck_jobs()
