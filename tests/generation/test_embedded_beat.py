"""`celery worker -B`: after kill -9 of the worker, its embedded beat does not stay behind
(before infra/beat_guard.py it did, and kept sending the reaper task)."""

from __future__ import annotations

import os
import signal
import time

import psutil
import pytest

from tests.stack import live
from tests.stack.processes import celery_worker_args, spawn

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_embedded_beat_dies_with_a_killed_worker(tmp_path):
    args = [
        *celery_worker_args(node=f"beatguard-{os.getpid()}@%h"),
        "-B",
        "--schedule",
        str(tmp_path / "schedule"),
    ]
    worker = spawn("worker-B", args, live.child_env(WORKER_METRICS_PORT="0"), tmp_path)
    children: list[psutil.Process] = []
    try:
        parent = psutil.Process(worker.popen.pid)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(children) < 2:  # the pool process + beat
            children = parent.children(recursive=True)
            time.sleep(0.3)
        assert len(children) >= 2, worker.log.read_text(errors="replace")[-2000:]
        time.sleep(2)  # beat has set itself up (its init signal ran)

        os.kill(parent.pid, signal.SIGKILL)
        _gone, alive = psutil.wait_procs(children, timeout=10)
        assert alive == [], f"outlived the worker: {[p.pid for p in alive]}"
    finally:
        for process in children:  # whatever survived (a failed run): ours, by pid
            if process.is_running():
                process.kill()
        worker.signal(signal.SIGKILL)
        worker.popen.wait(timeout=10)
