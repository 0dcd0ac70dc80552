"""Celery tasks, thin: render a job (and decide re-sends), reap stuck jobs; routes in settings."""

from __future__ import annotations

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from .jobs import lossless, reaper, run
from .jobs.claim import heartbeat_stale_s
from .jobs.queue import render_enqueue
from .models import JobStatus

# A redelivered task finds its job 'running' under a worker that may have just died; it looks
# again once a heartbeat would have gone stale, at most this many times.
MAX_RECHECKS = 2
# The database away (restart, failover) while a task claims or finishes its job: the task is
# sent again after 2, 4, 8, 16, 30, 30… seconds, for about half an hour. Without this the
# acks_late message is acked as failed and a job that was still queued is never rendered
# (the reaper only re-queues running jobs). Claim-then-work makes the retry safe. Only
# connection-level errors: a ProgrammingError or IntegrityError will not mend by waiting.
DB_RETRY_MAX = 60
DB_RETRY_MAX_DELAY_S = 30


@shared_task(name="generation.render_job", acks_late=True, ignore_result=True, bind=True)
def render_job(self: Task, job_id: str, recheck: int = 0) -> str:
    """Render one GenerationJob by id. Idempotent: a job that is finished, cancelled or alive
    on another worker is left alone (claim-then-work)."""
    try:
        outcome = run.run_job(job_id)
    except (OperationalError, InterfaceError) as exc:
        delay = min(DB_RETRY_MAX_DELAY_S, 2 ** (self.request.retries + 1))
        raise self.retry(exc=exc, countdown=delay, max_retries=DB_RETRY_MAX) from exc
    alive_elsewhere = outcome.status == "skipped" and outcome.detail == JobStatus.RUNNING
    if alive_elsewhere and recheck < MAX_RECHECKS:
        render_enqueue(job_id, heartbeat_stale_s() + 1, recheck=recheck + 1)
    return outcome.status


@shared_task(name="generation.reap_stuck_jobs", ignore_result=True)
def reap_stuck_jobs() -> int:
    """Re-queue jobs whose worker stopped beating; fail them after the attempt cap."""
    return reaper.reap_stuck_jobs()


@shared_task(name="generation.build_lossless", acks_late=True, ignore_result=True)
def build_lossless(version_id: str) -> bool:
    """Store a rendered version's WAV and reverb return (mixed again from its stems); idempotent."""
    return lossless.version_lossless_build(version_id) is not None
