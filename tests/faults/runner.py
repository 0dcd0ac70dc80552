"""Run drills as child processes (one stack each) and collect their verdicts."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.stack.processes import ROOT

# Variables that would point a drill's stack at shared services; each drill makes its own.
SHARED_ENV = (
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CHANNEL_LAYER_URL",
    "DJANGO_SETTINGS_MODULE",
    "MEDIA_ROOT",
    "STORAGE_BACKEND",
    "AWS_S3_ENDPOINT_URL",
)


@dataclass(frozen=True)
class DrillRun:
    name: str
    passed: bool
    seconds: float
    output: str

    def verdict_line(self) -> str:
        lines = [line for line in self.output.splitlines() if line.startswith("-- lost:")]
        lost = lines[-1].removeprefix("-- lost: ") if lines else "unknown (no report)"
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name:<17} {self.seconds:6.1f}s  lost: {lost}"


def run_drill(
    name: str, *, timeout: float = 600, echo: Callable[[str], None] | None = None
) -> DrillRun:
    """``python -m tests.faults.one <name>`` in a child process; bounded by ``timeout``."""
    env = {k: v for k, v in os.environ.items() if k not in SHARED_ENV}
    env.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba-cache"))
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.one", name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    # SIGTERM makes the drill unwind and tear its stack down; a silent hang is caught too.
    timer = threading.Timer(timeout, proc.terminate)
    timer.start()
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            lines.append(line)
            if echo is not None:
                echo(line.rstrip("\n"))
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    finally:
        timer.cancel()
    if time.monotonic() - started >= timeout:
        lines.append(f"-- the drill ran over {timeout:.0f}s and was stopped\n")
    output = "".join(lines)
    passed = code == 0 and f"PASS {name}" in output
    return DrillRun(name, passed, time.monotonic() - started, output)
