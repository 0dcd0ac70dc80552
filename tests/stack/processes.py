"""Child processes for stacks started by tests, benchmarks and tools: spawn, wait, stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Process:
    """A child process in its own session (so a signal reaches its whole tree)."""

    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal(self, sig: int) -> None:
        if self.alive():
            os.killpg(self.popen.pid, sig)

    def stop(self, timeout: float = 15) -> int:
        if self.alive():
            self.signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.popen.wait()
        return self.popen.returncode

    def rss_mib(self, *, children: bool = False) -> float:
        """Resident memory of the process (and its children, e.g. a prefork pool)."""
        import psutil

        proc = psutil.Process(self.popen.pid)
        procs = [proc, *(proc.children(recursive=True) if children else [])]
        return sum(p.memory_info().rss for p in procs) / 2**20

    def cpu_seconds(self) -> float:
        import psutil

        times = psutil.Process(self.popen.pid).cpu_times()
        return times.user + times.system

    def cpu_seconds_tree(self) -> float:
        """CPU time of the process and its children (e.g. gunicorn's workers)."""
        import psutil

        proc = psutil.Process(self.popen.pid)
        total = 0.0
        for p in [proc, *proc.children(recursive=True)]:
            try:
                times = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def wait_until(
    check: Callable[[], bool], *, timeout: float, what: str, process: Process | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and not process.alive():
            raise RuntimeError(
                f"{process.name} exited while waiting for {what}:\n{process.output()[-3000:]}"
            )
        try:
            if check():
                return
        except Exception:  # noqa: S110 - not up yet
            pass
        time.sleep(0.1)
    tail = process.output()[-3000:] if process else ""
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}\n{tail}")


def spawn(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> Process:
    """Start ``args`` from the project folder, output to ``log_dir/<name>.log``, in a new
    session so a signal reaches the whole process tree."""
    log = log_dir / f"{name}.log"
    handle = log.open("wb")
    popen = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    return Process(name, popen, log)


def celery_worker_args(
    *,
    node: str,
    concurrency: int = 1,
    loglevel: str = "INFO",
    queues: str | None = "generation,default",
) -> list[str]:
    """The command line of a prefork Celery worker on both queues, as deployments run it,
    without mingle and gossip (stacks start and stop workers quickly). ``queues=None`` leaves
    ``-Q`` out (every declared queue); a name narrows it."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "dawg",
        "worker",
        *(["-Q", queues] if queues else []),
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
        "--loglevel",
        loglevel,
        "-n",
        node,
        "--without-mingle",
        "--without-gossip",
    ]
