"""The one place that sends the render tasks: by name, once the current transaction commits.

A send that fails (broker down) never fails the request that stored the job: the job is
marked ``send_pending`` and a background thread of this process retries with a short
backoff (0.5 s doubling to 5 s), so the render starts within seconds of the broker coming
back; the reaper re-sends marked jobs on every tick as well, should this process die first.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import partial

from celery import current_app
from django.db import close_old_connections, connection, transaction

logger = logging.getLogger(__name__)

RENDER_TASK = "generation.render_job"
LOSSLESS_TASK = "generation.build_lossless"
RETRY_FIRST_S = 0.5
RETRY_MAX_S = 5.0
RETRY_GIVE_UP_S = 900.0  # then the reaper's re-send is the only one

_pending: dict[str, tuple[float, int]] = {}
_pending_lock = threading.Lock()
_retrier: threading.Thread | None = None


def render_enqueue(job_id: object, delay_s: float = 0.0, *, recheck: int = 0) -> None:
    """Send ``generation.render_job`` for ``job_id`` after commit (at once outside a
    transaction), ``delay_s`` from now; ``recheck`` counts looks at a job alive elsewhere."""
    transaction.on_commit(partial(render_send, str(job_id), delay_s, recheck))


def lossless_build_send(version_id: str) -> None:
    """Ask a render worker to store a version's WAV and reverb (``generation.build_lossless``) now.

    A broker error propagates: the download that asked answers with an error, not a hang.
    """
    current_app.send_task(LOSSLESS_TASK, args=[version_id])


def _publish(job_id: str, delay_s: float, recheck: int) -> None:
    args: list[object] = [job_id, recheck] if recheck else [job_id]
    current_app.send_task(RENDER_TASK, args=args, countdown=delay_s or None)


def render_send(job_id: str, delay_s: float = 0.0, recheck: int = 0) -> bool:
    """Put the task on the broker now (the route, the generation queue, comes from
    settings). False when the broker refused it: the job is then marked and retried."""
    from generation.models import GenerationJob

    try:
        _publish(job_id, delay_s, recheck)
    except Exception:
        logger.warning("render task for job %s not sent (broker unavailable); retrying", job_id)
        GenerationJob.objects.filter(id=job_id).update(send_pending=True)
        _retry_later(job_id, recheck)
        return False
    GenerationJob.objects.filter(id=job_id, send_pending=True).update(send_pending=False)
    return True


def _retry_later(job_id: str, recheck: int) -> None:
    global _retrier
    with _pending_lock:
        _pending.setdefault(job_id, (time.monotonic(), recheck))
        if _retrier is None or not _retrier.is_alive():
            _retrier = threading.Thread(target=_retry_loop, name="render-send-retry", daemon=True)
            _retrier.start()


def _retry_loop() -> None:
    delay = RETRY_FIRST_S
    try:
        while True:
            time.sleep(delay)
            with _pending_lock:
                due = dict(_pending)
            if not due:
                return
            close_old_connections()
            for job_id, (since, recheck) in due.items():
                if _resend(job_id, recheck) or time.monotonic() - since > RETRY_GIVE_UP_S:
                    with _pending_lock:
                        _pending.pop(job_id, None)
            delay = min(RETRY_MAX_S, delay * 2)
    finally:
        connection.close()


def _resend(job_id: str, recheck: int) -> bool:
    """One retry; True when the job needs no more (sent, or no longer queued)."""
    from generation.models import GenerationJob, JobStatus

    if not GenerationJob.objects.filter(
        id=job_id, status=JobStatus.QUEUED, send_pending=True
    ).exists():
        return True
    try:
        _publish(job_id, 0.0, recheck)
    except Exception:
        return False
    GenerationJob.objects.filter(id=job_id).update(send_pending=False)
    logger.info("render task for job %s sent after the broker came back", job_id)
    return True
