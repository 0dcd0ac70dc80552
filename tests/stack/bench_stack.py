"""A throwaway stack for one benchmark: its own Redis, database, media dir, web and workers."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from infra.redis.embedded import EmbeddedRedis, free_port, start_embedded_redis
from tests.stack.processes import Process, celery_worker_args, spawn, wait_until

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_MODULE = "dawg.settings.development"


def raise_fd_limit(wanted: int = 65536) -> int:
    """Raise this process's open-file limit towards ``wanted`` (up to the hard limit), and quiet
    the per-request INFO lines of the HTTP client (thousands of them would cost CPU)."""
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import platform

    import psutil

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "mem_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def parallel(*calls: Callable[[], Any]) -> list[Any]:
    """Run slow start-ups side by side (servers, workers, seeding); results in call order."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Stack:
    """Redis on a free port, a fresh database, a media dir; web and worker processes on demand.

    SQLite by default (a file in the stack's directory); with ``DATABASE_URL`` pointing at
    PostgreSQL, a throwaway database ``dawg_bench_<hex>`` on that server, dropped at the end.
    """

    env_overrides: dict[str, str] = field(default_factory=dict)
    keep: bool = False
    directory: Path = field(init=False)
    redis: EmbeddedRedis | None = field(init=False, default=None)
    database_url: str = field(init=False, default="")
    processes: list[Process] = field(init=False, default_factory=list)
    _pg_admin_url: str = field(init=False, default="")
    _pg_name: str = field(init=False, default="")
    _celery: Any = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="dawg-bench-"))
        # BENCH_KEEP_DIR=1 keeps the logs and database for a look afterwards.
        self.keep = self.keep or os.environ.get("BENCH_KEEP_DIR", "") == "1"

    # --- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> Stack:
        # A SIGTERM (timeout, Ctrl-C in make) must still stop the stack's processes.
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        raise_fd_limit()
        self.redis = start_embedded_redis(data_dir=self.directory / "redis")
        (self.directory / "media").mkdir()
        self._create_database()

    def stop(self) -> None:
        if self._celery is not None:
            self._celery.close()
            self._celery = None
        for proc in reversed(self.processes):
            proc.stop()
        self.processes.clear()
        if self.redis is not None:
            self.redis.stop()
            self.redis = None
        if self._pg_name:
            self._drop_pg_database()
        if not self.keep:
            shutil.rmtree(self.directory, ignore_errors=True)

    def prune_media(self, *, older_than_s: float = 0.0) -> int:
        """Delete rendered files older than this (a 60 s beat stores ~80 MB of assets), so a
        long run does not fill the disk; returns how many files went."""
        cutoff = time.time() - older_than_s
        removed = 0
        for path in (self.directory / "media").rglob("*"):
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    # --- database -------------------------------------------------------------------------
    def _create_database(self) -> None:
        given = os.environ.get("DATABASE_URL", "")
        if given.startswith(("postgres://", "postgresql://")):
            import psycopg

            parts = urlsplit(given)
            self._pg_name = f"dawg_bench_{uuid.uuid4().hex[:12]}"
            self._pg_admin_url = urlunsplit(parts._replace(path="/postgres"))
            with psycopg.connect(self._pg_admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self._pg_name}"')
            self.database_url = urlunsplit(parts._replace(path=f"/{self._pg_name}"))
            self.manage("migrate", "--noinput")
            return
        db_file = self.directory / "bench.sqlite3"
        self.database_url = f"sqlite:///{db_file}"
        template = (
            Path(tempfile.gettempdir()) / f"dawg-bench-template-{_migrations_digest()}.sqlite3"
        )
        if not template.exists():
            scratch = template.with_suffix(f".{os.getpid()}.tmp")
            self.manage("migrate", "--noinput", env={"DATABASE_URL": f"sqlite:///{scratch}"})
            os.replace(scratch, template)
        shutil.copyfile(template, db_file)

    def _drop_pg_database(self) -> None:
        import psycopg

        try:
            with psycopg.connect(self._pg_admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)')
        finally:
            self._pg_name = ""

    # --- environment ----------------------------------------------------------------------
    def env(self, **overrides: str) -> dict[str, str]:
        """Environment for a child of this stack (never the machine's Redis or databases)."""
        assert self.redis is not None
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "CELERY_BROKER_URL": "",
            "CHANNEL_LAYER_URL": "",
            "MEDIA_ROOT": str(self.directory / "media"),
            "STORAGE_BACKEND": "filesystem",
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "text",
            "LLM_BASE_URL": "",
            "WORKER_METRICS_PORT": "0",
            "PYTHONUNBUFFERED": "1",
        }
        env.update(self.env_overrides)
        env.update(overrides)
        return env

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        merged = self.env(**(env or {})) if self.redis else {**os.environ, **(env or {})}
        merged.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=merged,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def run_module(self, module: str, payload: dict[str, Any], **env: str) -> dict[str, Any]:
        """Run ``python -m module`` with a JSON payload on stdin; return the JSON it prints."""
        done = subprocess.run(
            [sys.executable, "-m", module],
            cwd=ROOT,
            env=self.env(**env),
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{module} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    async def arun_module(self, module: str, payload: dict[str, Any], **env: str) -> dict[str, Any]:
        """:meth:`run_module` without blocking the event loop (clients keep reading)."""
        import asyncio

        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            cwd=ROOT,
            env=self.env(**env),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate(json.dumps(payload).encode())
        if proc.returncode != 0:
            raise RuntimeError(f"{module} failed:\n{out.decode()[-2000:]}\n{err.decode()[-4000:]}")
        return json.loads(out.decode().strip().splitlines()[-1])

    def seed(self, **spec: Any) -> dict[str, Any]:
        """Users, sessions and conversations (see tests.load.seed)."""
        return self.run_module("tests.load.seed", spec)

    # --- processes ------------------------------------------------------------------------
    def spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Process:
        proc = spawn(name, args, env or self.env(), self.directory)
        self.processes.append(proc)
        return proc

    def _wait_http(self, proc: Process, base: str, path: str = "/health") -> None:
        wait_until(
            lambda: httpx.get(f"{base}{path}", timeout=1).status_code < 500,
            timeout=60,
            what=f"{proc.name} at {base}",
            process=proc,
        )

    def start_web(self, **env: str) -> tuple[Process, str]:
        """Our daphne runner (``python -m infra.realtime.web_server``), one process."""
        port = free_port()
        proc = self.spawn(
            f"web-{port}",
            [
                sys.executable,
                "-m",
                "tests.load.serve",
                "infra.realtime.web_server",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            self.env(**env),
        )
        base = f"http://127.0.0.1:{port}"
        self._wait_http(proc, base)
        return proc, base

    def start_bare(self) -> tuple[Process, str]:
        """daphne serving only the bare Channels consumer (tests.load.bare_asgi)."""
        port = free_port()
        proc = self.spawn(
            f"bare-{port}",
            [
                sys.executable,
                "-m",
                "tests.load.serve",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "--verbosity",
                "0",
                "tests.load.bare_asgi:application",
            ],
        )
        base = f"http://127.0.0.1:{port}"
        self._wait_http(proc, base, "/")
        return proc, base

    def start_gunicorn(self, *, workers: int = 2, threads: int = 4) -> tuple[Process, str]:
        """The WSGI app under gunicorn (gthread workers), for plain HTTP."""
        port = free_port()
        proc = self.spawn(
            f"gunicorn-{port}",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "dawg.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--log-level",
                "warning",
            ],
        )
        base = f"http://127.0.0.1:{port}"
        self._wait_http(proc, base)
        return proc, base

    def start_worker(self, *, concurrency: int = 1, name: str = "worker", **env: str) -> Process:
        """A Celery worker on the generation and default queues (prefork)."""
        proc = self.spawn(
            name,
            celery_worker_args(
                node=f"{name}-{uuid.uuid4().hex[:6]}@%h",
                concurrency=concurrency,
                loglevel="WARNING",
            ),
            self.env(**env),
        )
        node = name + "-"

        def answers() -> bool:
            replies = self.celery_app().control.ping(timeout=0.5) or []
            return any(next(iter(r)).startswith(node) for r in replies)

        wait_until(answers, timeout=60, what=f"celery worker {name}", process=proc)
        return proc

    def celery_app(self) -> Any:
        """A Celery client of this stack's broker only (never the machine's Redis)."""
        if self._celery is None:
            from celery import Celery

            self._celery = Celery("dawg-bench", broker=self.redis.url, set_as_current=False)
        return self._celery
