"""Child processes for stacks started by tests, benchmarks and drills: spawn, wait, stop."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from infra.redis.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]

__all__ = [
    "ROOT",
    "DrillAbort",
    "Process",
    "celery_worker_args",
    "free_port",
    "spawn",
    "wait_until",
]


class DrillAbort(Exception):
    """Raised inside a wait_until check: stop waiting, the caller cannot go on."""


@dataclass
class Process:
    """A child process in its own session (so a signal can reach its whole tree), its output
    in ``log``."""

    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal(self, sig: int, *, group: bool = False) -> None:
        """Send ``sig`` to the process (or its whole group: the process and its children)."""
        if not self.alive():
            return
        if group:
            os.killpg(self.popen.pid, sig)
        else:
            os.kill(self.popen.pid, sig)

    def children(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(pid) for pid in out.split()]

    def wait(self, timeout: float) -> int | None:
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then SIGKILL the group after ``timeout`` seconds; reaps the children."""
        if self.alive():
            self.signal(signal.SIGTERM)
            if self.wait(timeout) is None:
                self.signal(signal.SIGKILL, group=True)
                self.popen.wait()
        # pool children left behind by a SIGKILLed parent
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        return self.popen.returncode

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def count(self, text: str) -> int:
        return self.output().count(text)

    # --- what benches measure (psutil: a test-only dependency) --------------------------
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


def wait_until(
    check: Callable[[], object],
    *,
    timeout: float,
    what: str,
    process: Process | None = None,
    every: float = 0.1,
) -> float:
    """Poll ``check`` until it returns something true; returns the seconds it took. A
    ``process`` that exits meanwhile, or a check raising :class:`DrillAbort`, ends the wait."""
    started = time.monotonic()
    deadline = started + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if process is not None and not process.alive():
            raise RuntimeError(
                f"{process.name} exited while waiting for {what}:\n{process.output()[-3000:]}"
            )
        try:
            if check():
                return time.monotonic() - started
        except DrillAbort:
            raise
        except Exception as exc:  # not up yet
            last_error = f"{type(exc).__name__}: {exc}"
        time.sleep(every)
    tail = process.output()[-3000:] if process else ""
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what} {last_error}\n{tail}")


def spawn(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> Process:
    """Start ``args`` from the project folder, output to ``log_dir/<name>.log``, in a new
    session so a signal reaches the whole process tree."""
    log = log_dir / f"{name}.log"
    with log.open("ab") as handle:
        popen = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
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
