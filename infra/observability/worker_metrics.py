"""Celery worker metrics: an HTTP endpoint per worker, fed by task signals, multiprocess-safe."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from celery import signals

logger = logging.getLogger(__name__)


def is_worker_command(argv: list[str]) -> bool:
    """True for ``celery ... worker ...`` (also ``python -m celery``), not for beat or inspect."""
    return bool(argv) and "celery" in Path(argv[0]).as_posix() and "worker" in argv[1:]


def _use_private_multiprocess_dir() -> str | None:
    """Give this worker (and its prefork children) a metrics directory of its own.

    Pool processes each write their values to files there; the endpoint in the main process
    sums them. A fresh directory per worker means no stale values from an earlier run and no
    sharing with web processes that happen to have the same PROMETHEUS_MULTIPROC_DIR.
    Must run before prometheus_client creates any metric, i.e. when dawg.celery is imported.
    """
    base = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.gettempdir()
    path = Path(base) / f"dawg-celery-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    values = sys.modules.get("prometheus_client.values")
    if values is not None:  # imported already: metrics made from now on use the files
        values.ValueClass = values.get_value_class()
    return str(path)


_private_dir = _use_private_multiprocess_dir() if is_worker_command(sys.argv) else None
_server: Any = None
_task_started: dict[str, float] = {}


@signals.worker_ready.connect
def _start_metrics_endpoint(sender: Any = None, **_: Any) -> None:
    global _server
    from django.conf import settings

    from . import metrics

    pool = getattr(sender, "pool", None)
    if pool is not None and type(pool).__module__.rpartition(".")[2] not in ("prefork", "solo"):
        # prefork and solo pools send worker_process_init; threads and green pools do not.
        metrics.celery_pool_process_up()
    port = settings.WORKER_METRICS_PORT
    if not port:
        return
    from prometheus_client import start_http_server

    try:
        _server, _thread = start_http_server(
            port,
            addr=settings.WORKER_METRICS_ADDR,
            registry=metrics.worker_registry(),  # type: ignore[arg-type]
        )
    except OSError as exc:
        # A second worker on the same host: it keeps working, only its metrics are not served.
        logger.warning("worker metrics endpoint not started on port %s: %s", port, exc)
        return
    logger.info("worker metrics on http://%s:%s/metrics", settings.WORKER_METRICS_ADDR, port)


@signals.worker_shutdown.connect
def _stop_metrics_endpoint(**_: Any) -> None:
    if _server is not None:
        _server.shutdown()
    if _private_dir:
        shutil.rmtree(_private_dir, ignore_errors=True)


@signals.worker_process_init.connect
def _pool_process_up(**_: Any) -> None:
    from . import metrics

    metrics.celery_pool_process_up()


@signals.worker_process_shutdown.connect
def _pool_process_down(**_: Any) -> None:
    from . import metrics

    metrics.celery_pool_process_down()
    if metrics.multiprocess_enabled():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())


@signals.task_prerun.connect
def _task_started_at(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _task_started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _task_finished(
    task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any
) -> None:
    from . import metrics

    started = _task_started.pop(task_id or "", None)
    duration = time.perf_counter() - started if started is not None else None
    metrics.celery_task_finished(getattr(task, "name", "unknown"), state or "unknown", duration)
