"""Claim-then-work: take a job for one worker, write only while holding it, keep it beating."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F, Q
from django.utils import timezone

from generation.models import GenerationJob, JobStatus

logger = logging.getLogger(__name__)


class LostClaim(Exception):
    """Another worker took the job over (we were presumed dead); drop our work."""


def heartbeat_stale_s() -> float:
    """A running job whose heartbeat is older than this has lost its worker."""
    return float(settings.GENERATION_HEARTBEAT_STALE_S)


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def job_claim(job_id: str, claim: str) -> GenerationJob | None:
    """Take a queued job, or a running one whose worker stopped beating; None if not ours."""
    now = timezone.now()
    stale = now - timedelta(seconds=heartbeat_stale_s())
    takeable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale)
    claimed = GenerationJob.objects.filter(takeable, id=job_id, cancel_requested=False).update(
        status=JobStatus.RUNNING,
        worker=claim,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        stage="starting",
        progress=0,
    )
    if not claimed:
        return None
    return GenerationJob.objects.select_related("version__beat").get(id=job_id)


def claimed_update(job: GenerationJob, claim: str, **fields: object) -> None:
    """Write fields only while we hold the claim."""
    if not GenerationJob.objects.filter(id=job.id, worker=claim, status=JobStatus.RUNNING).update(
        **fields
    ):
        raise LostClaim(str(job.id))


@contextmanager
def beating(job: GenerationJob, claim: str) -> Iterator[None]:
    """Keep the job's heartbeat fresh from a thread while storing runs: storage retries can
    wait on a stalled S3 for longer than GENERATION_HEARTBEAT_STALE_S, and the reaper would
    then hand a live job to another worker (seen in the s3-hang drill). The thread beats
    only while we hold the claim and uses (then closes) its own database connection."""
    stop = threading.Event()
    every = max(1.0, heartbeat_stale_s() / 4)

    def beat() -> None:
        try:
            while not stop.wait(every):
                alive = GenerationJob.objects.filter(
                    id=job.id, worker=claim, status=JobStatus.RUNNING
                ).update(heartbeat_at=timezone.now())
                if not alive:
                    return
        except DatabaseError:
            logger.warning("job %s: heartbeat while storing failed", job.id, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{job.id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)
