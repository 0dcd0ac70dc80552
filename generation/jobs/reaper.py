"""The reaper: re-queue running jobs whose worker died, re-send queued jobs nobody took."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from generation import presenters
from generation.models import GenerationJob, JobStatus
from infra.observability import metrics
from infra.realtime import events

from .claim import heartbeat_stale_s
from .outcomes import public_message
from .queue import render_enqueue


def reap_stuck_jobs(
    *, now: object | None = None, requeue: Callable[[object, float], None] = render_enqueue
) -> int:
    """Re-queue running jobs whose worker stopped beating (or that outlived the hard limit);
    fail them after the attempt cap. Returns how many jobs were touched."""
    now = now or timezone.now()
    stale_beat = now - timedelta(seconds=heartbeat_stale_s())
    too_old = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 30)
    stuck = GenerationJob.objects.filter(
        Q(heartbeat_at__lt=stale_beat)
        | Q(heartbeat_at__isnull=True, started_at__lt=too_old)
        | Q(started_at__lt=too_old),
        status=JobStatus.RUNNING,
    ).select_related("version__beat")
    touched = 0
    for job in stuck:
        conversation_id = job.version.beat.conversation_id
        base = GenerationJob.objects.filter(id=job.id, status=JobStatus.RUNNING, worker=job.worker)
        if job.attempts >= settings.GENERATION_MAX_ATTEMPTS:
            if base.update(
                status=JobStatus.FAILED,
                error_code="worker_lost",
                finished_at=now,
                error_message="the worker stopped responding too many times",
            ):
                events.generation_failed(
                    conversation_id,
                    job=str(job.id),
                    version=presenters.version_to_dict(job.version),
                    code="worker_lost",
                    message=public_message("worker_lost"),
                    retryable=True,
                )
                metrics.job_failed("worker_lost")
                touched += 1
        elif base.update(
            status=JobStatus.QUEUED, worker="", stage="waiting to retry", error_code="worker_lost"
        ):
            events.generation_retrying(
                conversation_id,
                job=str(job.id),
                attempt=job.attempts + 1,
                delay_s=0,
                code="worker_lost",
            )
            metrics.job_retried("worker_lost")
            requeue(job.id, 0)
            touched += 1
    return touched + _requeue_forgotten(now=now, requeue=requeue)


def _requeue_forgotten(*, now: object, requeue: Callable[[object, float], None]) -> int:
    """Queued jobs nobody has picked up for GENERATION_QUEUED_STALE_S get their task sent
    again: its message may be gone (a Redis without persistence restarted, or the task gave
    up waiting for the database). A duplicate is harmless: only one claim can win.
    ``heartbeat_at`` of a queued job remembers the last re-send, so each waits its turn."""
    stale = now - timedelta(seconds=settings.GENERATION_QUEUED_STALE_S)
    # A job whose task was never sent (send_pending: the broker was down) is re-sent on every
    # tick, not after GENERATION_QUEUED_STALE_S: it starts as soon as the broker is back.
    forgotten = GenerationJob.objects.filter(
        Q(heartbeat_at__lt=stale)
        | Q(heartbeat_at__isnull=True, queued_at__lt=stale)
        | Q(send_pending=True),
        status=JobStatus.QUEUED,
    ).values_list("id", flat=True)[:500]
    count = 0
    for job_id in forgotten:
        if GenerationJob.objects.filter(id=job_id, status=JobStatus.QUEUED).update(
            heartbeat_at=now
        ):
            requeue(job_id, 0)
            count += 1
    return count
