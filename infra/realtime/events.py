"""The realtime event catalog: one emitter per event, sent to a conversation's group after commit.

Every event is a flat JSON object with ``type``, ``conversation`` (uuid), ``seq`` (the
conversation's event number, only ever growing) and ``ts`` (unix seconds, float), plus the
fields its emitter documents. Events only notify: the database is the source of truth, and a
client that misses one repairs its view with ``resume`` (see docs/realtime-protocol.md).

Emitters are plain functions usable from sync code (services, tasks); async code (consumers)
call them through ``database_sync_to_async``.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any

from django.db import transaction

from infra.observability import metrics
from infra.realtime.publisher import publisher
from infra.realtime.sequence import next_seq

logger = logging.getLogger(__name__)

EVENT_TYPES = (
    "connection.ready",
    "chat.message",
    "chat.typing",
    "chat.error",
    "conversation.updated",
    "conversation.snapshot",
    "beat.version_created",
    "beat.current_changed",
    "beat.updated",
    "beat.deleted",
    "generation.queued",
    "generation.started",
    "generation.stage",
    "generation.progress",
    "generation.preview",
    "generation.completed",
    "generation.failed",
    "generation.cancelled",
    "generation.retrying",
    "system.reconnect",
    "pong",
    "error",
)
# generation.progress events of one job are at least this far apart (10/s); the one throttle
# is the worker's progress reporter.
PROGRESS_MIN_INTERVAL_S = 0.1


def group_name(conversation_id: object) -> str:
    """Channels group of one conversation; ids only, as the layer accepts no other chars."""
    return f"conversation.{uuid.UUID(str(conversation_id)).hex}"


def build(event_type: str, conversation_id: object, seq: int, **payload: Any) -> dict[str, Any]:
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    return {
        "type": event_type,
        "conversation": str(conversation_id),
        "seq": seq,
        "ts": round(time.time(), 6),
        **payload,
    }


# --- sending --------------------------------------------------------------------------------
_redis_lock = threading.Lock()
_redis_client = None


def _ordering_client() -> Any:
    global _redis_client
    with _redis_lock:
        if _redis_client is None:
            from django.conf import settings

            from infra.redis.config import redis_client

            _redis_client = redis_client(settings.REDIS_CONNECTION, timeout=5)
        return _redis_client


def _send_now(event_type: str, conversation_id: object, payload: dict[str, Any]) -> None:
    """Take the next seq under a per-conversation Redis lock and hand the event to this
    process's publisher, which releases the lock once the event is out: web instances and
    workers all emit, and without the lock a later seq could overtake an earlier one."""
    name = f"dawg:events:{uuid.UUID(str(conversation_id)).hex}"
    try:
        # Not thread-local: the publisher's thread releases it.
        lock = _ordering_client().lock(name, timeout=5, blocking_timeout=5, thread_local=False)
        if not lock.acquire():
            raise TimeoutError(f"ordering lock {name} not acquired in 5 s")
    except Exception:
        # Events only notify; a client repairs a gap with resume. Never fail the write for it.
        _not_published(event_type, conversation_id)
        _leave_a_gap(conversation_id)
        return
    try:
        event = build(event_type, conversation_id, next_seq(conversation_id), **payload)
    except Exception:
        _release(lock)
        _not_published(event_type, conversation_id)
        return

    def sent(error: BaseException | None) -> None:
        _release(lock)
        if error is not None:
            _not_published(event_type, conversation_id, error)

    message = {"type": "event.forward", "event": event}
    if not publisher().submit(group_name(conversation_id), message, sent):
        # The seq is taken: the loss shows as a gap, as for a failed publish.
        sent(RuntimeError("the event publisher's queue is full"))


def _release(lock: Any) -> None:
    try:
        lock.release()
    except Exception:  # expired or Redis away: the 5 s timeout frees it anyway
        logger.debug("ordering lock not released", exc_info=True)


def _not_published(
    event_type: str, conversation_id: object, error: BaseException | None = None
) -> None:
    logger.warning(
        "event %s for %s not published",
        event_type,
        conversation_id,
        exc_info=error if error is not None else True,
    )
    metrics.channel_layer_dropped()


def _leave_a_gap(conversation_id: object) -> None:
    """Take a seq for an event that was not published (Redis down before the lock), so the
    loss shows as a gap in the next event's or `pong`'s seq and the client resumes. Without
    it a lost `generation.completed` left no trace (found by the redis-restart drill)."""
    try:
        next_seq(conversation_id)
    except Exception:
        logger.warning("event seq for %s not advanced", conversation_id, exc_info=True)


def emit(event_type: str, conversation_id: object, **payload: Any) -> None:
    """Send an event to every socket of the conversation once the current transaction commits."""
    transaction.on_commit(lambda: _send_now(event_type, conversation_id, payload))


# --- the catalog ----------------------------------------------------------------------------
def chat_message(conversation_id: object, *, message: dict[str, Any]) -> None:
    """A stored message (user or assistant): ``message`` {id, role, text, created_at, ...}."""
    emit("chat.message", conversation_id, message=message)


def chat_typing(conversation_id: object, *, typing: bool) -> None:
    """The assistant is (or stopped) working on a reply."""
    emit("chat.typing", conversation_id, typing=typing)


def conversation_updated(conversation_id: object, *, title: str) -> None:
    emit("conversation.updated", conversation_id, title=title)


# Every event about a version carries it as ``version``: the same object everywhere
# ({id, beat, number, parent, spec, summary, genre, bpm, key, duration_s, change_summary,
# created_at}; generation.presenters.version_to_dict), never a bare id.
def beat_version_created(conversation_id: object, *, beat: str, version: dict[str, Any]) -> None:
    """A new immutable version, now the current one of ``beat`` (the beat being edited)."""
    emit("beat.version_created", conversation_id, beat=beat, version=version)


def beat_current_changed(
    conversation_id: object, *, beat: str, version: dict[str, Any], reason: str = "restore"
) -> None:
    """Undo, redo, restore, a cancelled render or the beat switcher moved ``beat``'s current
    version (``reason``: undo|redo|restore|cancel|select); ``beat`` is now the one edited."""
    emit("beat.current_changed", conversation_id, beat=beat, version=version, reason=reason)


def beat_updated(conversation_id: object, *, beat: str, title: str) -> None:
    """The beat was renamed (``title`` empty: it follows the beat's current version again)."""
    emit("beat.updated", conversation_id, beat=beat, title=title)


def beat_deleted(conversation_id: object, *, beat: str) -> None:
    """The beat, its versions and stored files are gone."""
    emit("beat.deleted", conversation_id, beat=beat)


def generation_queued(
    conversation_id: object, *, job: str, version: dict[str, Any], position: int
) -> None:
    """``position``: renders ahead of this one (0 = next)."""
    emit("generation.queued", conversation_id, job=job, version=version, position=position)


def generation_started(
    conversation_id: object, *, job: str, version: dict[str, Any], attempt: int
) -> None:
    emit("generation.started", conversation_id, job=job, version=version, attempt=attempt)


def generation_stage(conversation_id: object, *, job: str, stage: str, progress: int) -> None:
    """A new stage began (arranging, synthesizing drums, mixing, mastering, encoding, uploading)."""
    emit("generation.stage", conversation_id, job=job, stage=stage, progress=progress)


def generation_progress(conversation_id: object, *, job: str, stage: str, progress: int) -> None:
    """Progress 0-100 within a stage; the worker's reporter sends at most
    PROGRESS_MIN_INTERVAL_S apart (generation/jobs/run.py), this only emits."""
    emit("generation.progress", conversation_id, job=job, stage=stage, progress=progress)


def generation_preview(
    conversation_id: object,
    *,
    job: str,
    version: dict[str, Any],
    url: str,
    duration_s: float,
    description: str,
) -> None:
    """The first audible result (a short loop) while the full render goes on."""
    emit(
        "generation.preview",
        conversation_id,
        job=job,
        version=version,
        url=url,
        duration_s=duration_s,
        description=description,
    )


def generation_completed(
    conversation_id: object,
    *,
    job: str,
    version: dict[str, Any],
    assets: dict[str, str],
    duration_s: float,
    summary: str,
) -> None:
    """Done: ``assets`` maps kind/name to a download URL; ``summary`` describes the spec."""
    emit(
        "generation.completed",
        conversation_id,
        job=job,
        version=version,
        assets=assets,
        duration_s=duration_s,
        summary=summary,
    )


def generation_failed(
    conversation_id: object,
    *,
    job: str,
    version: dict[str, Any],
    code: str,
    message: str,
    retryable: bool,
) -> None:
    emit(
        "generation.failed",
        conversation_id,
        job=job,
        version=version,
        code=code,
        message=message,
        retryable=retryable,
    )


def generation_cancelled(conversation_id: object, *, job: str, version: dict[str, Any]) -> None:
    """The render stopped; if ``version`` was current and never rendered, a
    ``beat.current_changed`` (reason ``cancel``) follows, putting the previous one back."""
    emit("generation.cancelled", conversation_id, job=job, version=version)


def generation_retrying(
    conversation_id: object, *, job: str, attempt: int, delay_s: float, code: str
) -> None:
    emit(
        "generation.retrying", conversation_id, job=job, attempt=attempt, delay_s=delay_s, code=code
    )
