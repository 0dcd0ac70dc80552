"""The app's own Prometheus metrics (``dawg_*``), next to django-prometheus's, in one module."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator

# django-prometheus declares its cache families when a cache backend is first loaded; import
# them now so a process that has not touched the cache yet still exposes them (at zero).
import django_prometheus.cache.metrics  # noqa: F401
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

logger = logging.getLogger(__name__)

# The *_created series double every counter's series count and no panel or alert reads them.
disable_created_metrics()

# Label values come from our own code (stage names, error codes, event types); the cap keeps a
# bug elsewhere from turning a label into an unbounded series explosion.
_MAX_LABEL_CHARS = 64

_DURATION_BUCKETS = (0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60, 90, 120, 180, 300)
_STAGE_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60)
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
_RTF_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def _label(value: object) -> str:
    text = str(value) if value not in (None, "") else "unknown"
    return text[:_MAX_LABEL_CHARS]


# ------------------------------------------------------------------------------------------
# Generation (Celery workers, and the web process for queue state)
# ------------------------------------------------------------------------------------------
JOBS_FINISHED = Counter(
    "dawg_generation_jobs_finished_total",
    "Generation jobs that reached a final status.",
    ["status"],
)
JOBS_STARTED = Counter("dawg_generation_jobs_started_total", "Generation jobs claimed by a worker.")
JOB_DURATION = Histogram(
    "dawg_generation_job_duration_seconds",
    "Wall time from claim to final status of a generation job.",
    ["status"],
    buckets=_DURATION_BUCKETS,
)
QUEUE_WAIT = Histogram(
    "dawg_generation_queue_wait_seconds",
    "Time a generation job waited in the queue before a worker claimed it.",
    buckets=_DURATION_BUCKETS,
)
STAGE_DURATION = Histogram(
    "dawg_generation_stage_duration_seconds",
    "Wall time of one pipeline stage of a render.",
    ["stage"],
    buckets=_STAGE_BUCKETS,
)
JOB_FAILURES = Counter(
    "dawg_generation_failures_total",
    "Generation jobs failed for good, by error code.",
    ["error_code"],
)
JOB_RETRIES = Counter(
    "dawg_generation_retries_total",
    "Render attempts retried after a transient error, by error code.",
    ["error_code"],
)
PREVIEW_LATENCY = Histogram(
    "dawg_generation_preview_latency_seconds",
    "Time from a job being queued to its first playable preview.",
    buckets=_DURATION_BUCKETS,
)
RENDER_REALTIME_FACTOR = Histogram(
    "dawg_generation_render_realtime_factor",
    "Seconds of audio rendered per second of wall time (higher is faster).",
    buckets=_RTF_BUCKETS,
)

# ------------------------------------------------------------------------------------------
# WebSockets and the channel layer (daphne processes)
# ------------------------------------------------------------------------------------------
WS_CONNECTIONS_OPEN = Gauge(
    "dawg_ws_connections_open",
    "WebSocket connections open right now.",
    multiprocess_mode="livesum",
)
WS_CONNECTS = Counter("dawg_ws_connects_total", "WebSocket connections accepted.")
WS_REJECTED = Counter(
    "dawg_ws_rejected_total",
    "WebSocket handshakes refused, by reason (frame_rate: frames over a socket's budget).",
    ["reason"],
)
LOGIN_THROTTLED = Counter(
    "dawg_login_throttled_total",
    "Log-ins and sign-ups refused by a throttle bucket (pair, address, signup), and"
    " usernames guessed from many addresses (user_alarm, never refused).",
    ["bucket"],
)
WS_DISCONNECTS = Counter(
    "dawg_ws_disconnects_total", "WebSocket connections closed, by close code.", ["code"]
)
WS_EVENTS_SENT = Counter(
    "dawg_ws_events_sent_total", "Realtime events sent to WebSocket clients, by type.", ["type"]
)
WS_EVENT_LATENCY = Histogram(
    "dawg_ws_event_delivery_latency_seconds",
    "Time from an event being emitted to its frame being sent to a client.",
    buckets=_LATENCY_BUCKETS,
)
CHANNEL_LAYER_DROPS = Counter(
    "dawg_channel_layer_drops_total",
    "Channel-layer messages dropped (over capacity, expired or failed to send).",
)

# ------------------------------------------------------------------------------------------
# Chat and the assistant
# ------------------------------------------------------------------------------------------
CHAT_MESSAGES = Counter(
    "dawg_chat_messages_total", "Chat messages received from users, by transport.", ["transport"]
)
CHAT_INTENTS = Counter(
    "dawg_chat_intents_total",
    "Intents the assistant parsed, by action and parser.",
    ["action", "parser"],
)

# ------------------------------------------------------------------------------------------
# AI provider (optional LLM)
# ------------------------------------------------------------------------------------------
AI_CALLS = Counter(
    "dawg_ai_calls_total",
    "Calls to the AI provider, by provider, model and outcome.",
    ["provider", "model", "outcome"],
)
AI_TOKENS = Counter(
    "dawg_ai_tokens_total",
    "AI-provider tokens used, by kind (prompt or completion).",
    ["provider", "model", "kind"],
)
AI_COST = Counter(
    "dawg_ai_cost_usd_total", "AI-provider spend in US dollars.", ["provider", "model"]
)
AI_CALL_DURATION = Histogram(
    "dawg_ai_call_duration_seconds",
    "Wall time of one AI-provider call.",
    ["provider"],
    buckets=(*_LATENCY_BUCKETS, 10, 30),
)

# ------------------------------------------------------------------------------------------
# Storage
# ------------------------------------------------------------------------------------------
STORAGE_BYTES_WRITTEN = Counter(
    "dawg_storage_bytes_written_total", "Bytes written to default_storage (disk or S3)."
)
STORAGE_ERRORS = Counter(
    "dawg_storage_errors_total", "Storage operations that failed, by operation.", ["operation"]
)

# ------------------------------------------------------------------------------------------
# Celery workers (fed by infra.observability.worker_metrics' signal handlers)
# ------------------------------------------------------------------------------------------
CELERY_TASKS = Counter(
    "dawg_celery_tasks_total", "Celery tasks by task name and final state.", ["task", "state"]
)
CELERY_TASK_DURATION = Histogram(
    "dawg_celery_task_duration_seconds",
    "Wall time of one Celery task run.",
    ["task"],
    buckets=_DURATION_BUCKETS,
)
CELERY_WORKER_PROCESSES = Gauge(
    "dawg_celery_worker_processes",
    "Celery pool processes alive and ready for tasks.",
    multiprocess_mode="livesum",
)

# Known label values start at zero, so rate() and failure ratios work from the first scrape.
for _status in ("succeeded", "failed", "cancelled"):
    JOBS_FINISHED.labels(status=_status)
for _transport in ("ws", "http"):
    CHAT_MESSAGES.labels(transport=_transport)

# Families the web /metrics answers from the database and settings at scrape time.
STATE_METRIC_NAMES = (
    "dawg_generation_queue_depth",
    "dawg_generation_jobs",
    "dawg_ai_daily_budget_usd",
)


# ------------------------------------------------------------------------------------------
# Helpers other modules call. They never raise: a metric must not break a render or a socket.
# ------------------------------------------------------------------------------------------
def _safely(record: object) -> None:
    try:
        record()  # type: ignore[operator]
    except Exception:  # pragma: no cover - defensive
        logger.warning("metric update failed", exc_info=True)


def job_started(queue_wait_s: float | None = None) -> None:
    """A worker claimed a job; ``queue_wait_s`` is queued_at → claim."""

    def record() -> None:
        JOBS_STARTED.inc()
        if queue_wait_s is not None:
            QUEUE_WAIT.observe(max(0.0, queue_wait_s))

    _safely(record)


def observe_job_finished(status: str, duration_s: float, error_code: str = "") -> None:
    """A job reached ``succeeded``, ``failed`` or ``cancelled`` after ``duration_s`` seconds.

    A failed job also counts under ``dawg_generation_failures_total{error_code}``.
    """

    def record() -> None:
        JOBS_FINISHED.labels(status=_label(status)).inc()
        JOB_DURATION.labels(status=_label(status)).observe(max(0.0, duration_s))
        if status == "failed":
            JOB_FAILURES.labels(error_code=_label(error_code)).inc()

    _safely(record)


def job_failed(error_code: str) -> None:
    """Count a failure by code without a duration (e.g. the reaper giving up on a job)."""
    _safely(lambda: JOB_FAILURES.labels(error_code=_label(error_code)).inc())


def job_retried(error_code: str = "") -> None:
    """A render attempt failed transiently and will be retried."""
    _safely(lambda: JOB_RETRIES.labels(error_code=_label(error_code)).inc())


def observe_stage(stage: str, seconds: float) -> None:
    """One pipeline stage (arrange, synth, mix, master, encode, store, ...) took ``seconds``."""
    _safely(lambda: STAGE_DURATION.labels(stage=_label(stage)).observe(max(0.0, seconds)))


def observe_preview(latency_s: float) -> None:
    """The first playable preview of a job is ready ``latency_s`` after it was queued."""
    _safely(lambda: PREVIEW_LATENCY.observe(max(0.0, latency_s)))


def observe_render_speed(audio_s: float, render_s: float) -> None:
    """A render produced ``audio_s`` seconds of audio in ``render_s`` seconds of wall time."""
    if audio_s <= 0 or render_s <= 0:
        return
    _safely(lambda: RENDER_REALTIME_FACTOR.observe(audio_s / render_s))


def ws_connected() -> None:
    """A WebSocket was accepted."""

    def record() -> None:
        WS_CONNECTS.inc()
        WS_CONNECTIONS_OPEN.inc()

    _safely(record)


def ws_disconnected(code: int | str | None) -> None:
    """An accepted WebSocket closed with ``code`` (call once per ``ws_connected``)."""

    def record() -> None:
        WS_DISCONNECTS.labels(code=_label(code)).inc()
        WS_CONNECTIONS_OPEN.dec()

    _safely(record)


def ws_rejected(reason: str) -> None:
    """A handshake was refused (``unauthenticated``, ``forbidden``, ``too_many``, ...)."""
    _safely(lambda: WS_REJECTED.labels(reason=_label(reason)).inc())


def login_throttled(bucket: str) -> None:
    """A log-in/sign-up bucket said no (``pair``, ``address``, ``signup``) or a username
    crossed the alarm line (``user_alarm``)."""
    _safely(lambda: LOGIN_THROTTLED.labels(bucket=_label(bucket)).inc())


def event_sent(event_type: str, latency_s: float | None = None) -> None:
    """An event frame went to a client; ``latency_s`` is emit → send when known."""

    def record() -> None:
        WS_EVENTS_SENT.labels(type=_label(event_type)).inc()
        if latency_s is not None:
            WS_EVENT_LATENCY.observe(max(0.0, latency_s))

    _safely(record)


def channel_layer_dropped(n: int = 1) -> None:
    """``n`` channel-layer messages were dropped or could not be sent."""
    if n > 0:
        _safely(lambda: CHANNEL_LAYER_DROPS.inc(n))


def chat_message_received(transport: str = "ws") -> None:
    """A user's chat message was stored (``ws`` or ``http``). Never pass the text."""
    _safely(lambda: CHAT_MESSAGES.labels(transport=_label(transport)).inc())


def intent_parsed(action: str, parser: str = "builtin") -> None:
    """The assistant turned a message into ``action`` (create, modify, undo, ...)."""
    _safely(lambda: CHAT_INTENTS.labels(action=_label(action), parser=_label(parser)).inc())


def ai_call(
    provider: str,
    model: str,
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    cost_usd: float = 0.0,
    *,
    outcome: str = "ok",
    duration_s: float | None = None,
) -> None:
    """One AI-provider call: tokens used, its cost in USD, and ``ok``/``error``/``timeout``."""

    def record() -> None:
        p, m = _label(provider), _label(model)
        AI_CALLS.labels(provider=p, model=m, outcome=_label(outcome)).inc()
        if prompt_tokens > 0:
            AI_TOKENS.labels(provider=p, model=m, kind="prompt").inc(prompt_tokens)
        if completion_tokens > 0:
            AI_TOKENS.labels(provider=p, model=m, kind="completion").inc(completion_tokens)
        if cost_usd > 0:
            AI_COST.labels(provider=p, model=m).inc(cost_usd)
        if duration_s is not None:
            AI_CALL_DURATION.labels(provider=p).observe(max(0.0, duration_s))

    _safely(record)


def storage_written(nbytes: int) -> None:
    """``nbytes`` were written to default_storage."""
    if nbytes > 0:
        _safely(lambda: STORAGE_BYTES_WRITTEN.inc(nbytes))


def storage_error(operation: str) -> None:
    """A storage ``operation`` (save, open, delete, url, ...) failed."""
    _safely(lambda: STORAGE_ERRORS.labels(operation=_label(operation)).inc())


def celery_task_finished(task: str, state: str, duration_s: float | None = None) -> None:
    """A Celery task ended in ``state`` (SUCCESS, FAILURE, RETRY, REJECTED, ...)."""

    def record() -> None:
        CELERY_TASKS.labels(task=_label(task), state=_label(state)).inc()
        if duration_s is not None:
            CELERY_TASK_DURATION.labels(task=_label(task)).observe(max(0.0, duration_s))

    _safely(record)


def celery_pool_process_up() -> None:
    """A pool process is ready (its count disappears with it in multiprocess mode)."""
    _safely(CELERY_WORKER_PROCESSES.inc)


def celery_pool_process_down() -> None:
    _safely(CELERY_WORKER_PROCESSES.dec)


# ------------------------------------------------------------------------------------------
# Exposition
# ------------------------------------------------------------------------------------------
def multiprocess_enabled() -> bool:
    """True when PROMETHEUS_MULTIPROC_DIR is set: values live in files shared by processes."""
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


# Scrape-time gauges the apps register from their AppConfig.ready (infra knows no app's
# tables): each hook returns metric families read from its own rows.
StateHook = Callable[[], Iterable[Metric]]
_STATE_HOOKS: list[StateHook] = []


def state_hook_register(hook: StateHook) -> None:
    """Add ``hook`` to what the web /metrics reads at scrape time (once, however often called)."""
    if hook not in _STATE_HOOKS:
        _STATE_HOOKS.append(hook)


class StateCollector:
    """Gauges read at scrape time: the AI budget from settings, then every registered hook
    (queue depth and active jobs by status come from generation's). Only the web /metrics
    uses it, so series are not duplicated."""

    def collect(self) -> Iterable[Metric]:
        from django.conf import settings

        budget = GaugeMetricFamily(
            "dawg_ai_daily_budget_usd", "The AI-provider spend allowed per day (settings)."
        )
        budget.add_metric([], float(settings.LLM_DAILY_BUDGET_USD))
        yield budget
        from .queues import queue_consumer_metrics

        for hook in (queue_consumer_metrics, *_STATE_HOOKS):
            try:
                families = list(hook())
            except Exception:
                # The database away must not take /metrics down with it.
                logger.warning("could not read %s for metrics", hook.__name__, exc_info=True)
                continue
            yield from families

    def describe(self) -> Iterable[Metric]:
        return []


class _ScrapeRegistry:
    """Quacks like a CollectorRegistry for generate_latest(): several collectors in a row."""

    def __init__(self, *collectors: object) -> None:
        self._collectors = collectors

    def collect(self) -> Iterator[Metric]:
        for collector in self._collectors:
            yield from collector.collect()  # type: ignore[attr-defined]


def web_registry() -> _ScrapeRegistry:
    """What the web /metrics exposes: every process's metrics plus the scrape-time state."""
    if multiprocess_enabled():
        base: object = MultiProcessCollector(None)
    else:
        base = REGISTRY
    return _ScrapeRegistry(base, StateCollector())


def worker_registry() -> object:
    """What a worker's metrics port exposes: the metrics of its pool processes."""
    if multiprocess_enabled():
        return _ScrapeRegistry(MultiProcessCollector(None))
    return REGISTRY
