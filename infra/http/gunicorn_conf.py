"""gunicorn settings for the http process: its workers' metrics summed into one /metrics.

Usage: ``gunicorn dawg.wsgi:application --config python:infra.http.gunicorn_conf ...``.
Each worker writes its values to files under a directory of this master's own
(prometheus_client multiprocess mode); any worker's /metrics reads them all. Command-line
flags still override anything set here. https://prometheus.github.io/client_python/multiprocess/
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any


def _use_private_multiprocess_dir() -> str:
    """A fresh metrics directory for this master, under PROMETHEUS_MULTIPROC_DIR if set.

    Fresh: values of an earlier run (or of daphne or Celery sharing the parent directory)
    never leak in. Set before any worker imports prometheus_client (no --preload here).
    """
    base = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.gettempdir()
    path = Path(base) / f"dawg-gunicorn-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return str(path)


metrics_dir = _use_private_multiprocess_dir()
# X-Forwarded-Proto/-For believed only from these peers: the one TRUSTED_PROXIES setting the
# app uses too (infra/http/client_address.py); never '*'.
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "").strip() or "127.0.0.1,::1"
# Access lines come from infra.http.middleware (JSON, with the request id); gunicorn's own go to
# stderr only for errors.
errorlog = "-"


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone (restart, crash, max_requests): its live gauges stop counting."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    shutil.rmtree(metrics_dir, ignore_errors=True)
