"""The one live-stack harness: a stack's servers, environment and processes (web, workers,
celery beat, gunicorn, the bare baseline), for tests, benches and drills alike.

Three ways to build one, by what the stack runs against:

- :meth:`Stack.for_bench` — its own embedded Redis, a fresh database (SQLite from a migrated
  template, or a throwaway PostgreSQL database when DATABASE_URL points at one) and media dir;
- :func:`drill_stack` — Redis with AOF, a SQLite file or a private PostgreSQL cluster, a folder
  or a local S3 (optionally behind a proxy that can hang), Django set up in this process;
- :meth:`Stack.on_test_database` — the database and Redis of the running pytest session.
"""

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .processes import ROOT, Process, celery_worker_args, free_port, spawn, wait_until
from .servers import HangProxy, PostgresCluster, RedisServer, S3Server

# Children of a bench: quiet logs (thousands of requests), no fixed ports.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "dawg.settings.development",
    "DJANGO_DEBUG": "false",
    "CELERY_BROKER_URL": "",
    "CHANNEL_LAYER_URL": "",
    "STORAGE_BACKEND": "filesystem",
    "LOG_LEVEL": "WARNING",
    "LOG_FORMAT": "text",
    "LLM_BASE_URL": "",
    "WORKER_METRICS_PORT": "0",
    "PYTHONUNBUFFERED": "1",
}
# Children of a drill: text logs at INFO (a drill reads them), limits out of the way.
DRILL_ENV = {
    "DJANGO_SETTINGS_MODULE": "dawg.settings.development",
    "DJANGO_DEBUG": "false",
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    "WORKER_METRICS_PORT": "0",
    "PYTHONUNBUFFERED": "1",
    "CHAT_MESSAGES_PER_MINUTE": "1000",
    "GENERATION_MAX_ACTIVE_JOBS_PER_USER": "100",
    "WS_MAX_CONNECTIONS_PER_USER": "200",
    "DATABASE_CONN_MAX_AGE": "60",
}


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
    """Servers and processes under one folder, all on 127.0.0.1; ``base_env`` is what every
    child gets (the stack's Redis, database and storage)."""

    directory: Path
    base_env: dict[str, str]
    redis: Any = None
    postgres: PostgresCluster | None = None
    s3: S3Server | None = None
    s3_proxy: HangProxy | None = None
    worker_loglevel: str = "INFO"
    keep: bool = False
    # for_bench: start the embedded Redis and the database on entering the context.
    own_servers: bool = False
    procs: list[Process] = field(default_factory=list)
    workers: list[Process] = field(default_factory=list)
    webs: list[tuple[Process, str]] = field(default_factory=list)
    beats: list[Process] = field(default_factory=list)
    bases: dict[str, str] = field(default_factory=dict)
    _serial: int = 0
    _celery: Any = None
    _pg_name: str = ""
    _pg_admin_url: str = ""

    # --- building ---------------------------------------------------------------------------
    @classmethod
    def for_bench(cls, *, env_overrides: dict[str, str] | None = None, keep: bool = False) -> Stack:
        """A throwaway stack for one benchmark (use it as a context manager)."""
        directory = Path(tempfile.mkdtemp(prefix="dawg-bench-"))
        return cls(
            directory=directory,
            base_env={**os.environ, **BENCH_ENV, **(env_overrides or {})},
            worker_loglevel="WARNING",
            # BENCH_KEEP_DIR=1 keeps the logs and database for a look afterwards.
            keep=keep or os.environ.get("BENCH_KEEP_DIR", "") == "1",
            own_servers=True,
        )

    @classmethod
    def on_test_database(cls, directory: Path, env: dict[str, str]) -> Stack:
        """Processes against the pytest session's database and Redis (``live.child_env``)."""
        return cls(directory=directory, base_env=env)

    def __enter__(self) -> Stack:
        # A SIGTERM (timeout, Ctrl-C in make) must still stop the stack's processes.
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            if self.own_servers:
                self._start_bench()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start_bench(self) -> None:
        from infra.redis.embedded import start_embedded_redis

        raise_fd_limit()
        self.redis = start_embedded_redis(data_dir=self.directory / "redis")
        (self.directory / "media").mkdir()
        self.base_env.update(REDIS_URL=self.redis.url, MEDIA_ROOT=str(self.directory / "media"))
        self._create_database()

    # --- the database of a bench --------------------------------------------------------------
    @property
    def database_url(self) -> str:
        return self.base_env.get("DATABASE_URL", "")

    def _create_database(self) -> None:
        given = os.environ.get("DATABASE_URL", "")
        if given.startswith(("postgres://", "postgresql://")):
            import psycopg

            parts = urlsplit(given)
            self._pg_name = f"dawg_bench_{uuid.uuid4().hex[:12]}"
            self._pg_admin_url = urlunsplit(parts._replace(path="/postgres"))
            with psycopg.connect(self._pg_admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self._pg_name}"')
            self.base_env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{self._pg_name}"))
            self.manage("migrate", "--noinput")
            return
        db_file = self.directory / "bench.sqlite3"
        self.base_env["DATABASE_URL"] = f"sqlite:///{db_file}"
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

    # --- environment and one-off commands -----------------------------------------------------
    def env(self, **overrides: str) -> dict[str, str]:
        """Environment for a child of this stack (never the machine's Redis or databases)."""
        return {**self.base_env, **overrides}

    def manage(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**(env or {})),
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

    # --- processes ----------------------------------------------------------------------------
    def _name(self, kind: str) -> str:
        self._serial += 1
        return f"{kind}{self._serial}"

    def spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Process:
        proc = spawn(name, args, env or self.env(), self.directory)
        self.procs.append(proc)
        return proc

    def _serve(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Process:
        """A server module with a raised fd limit (``python -m tests.stack.serve``)."""
        return self.spawn(name, [sys.executable, "-m", "tests.stack.serve", *args], env)

    def web(
        self, *, port: int | None = None, wait: bool = True, timeout: float = 90, **env: str
    ) -> tuple[Process, str]:
        """Our daphne runner (``python -m infra.realtime.web_server``), one process."""
        port = port or free_port()
        proc = self._serve(
            self._name("web"),
            [
                "infra.realtime.web_server",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--shutdown-timeout",
                "10",
            ],
            self.env(**env),
        )
        base = f"http://127.0.0.1:{port}"
        self.bases[proc.name] = base
        self.webs.append((proc, base))
        if wait:
            self.wait_ready(proc, timeout=timeout)
        return proc, base

    def bare(self) -> tuple[Process, str]:
        """daphne serving only the bare Channels consumer (tests.load.bare_asgi)."""
        port = free_port()
        proc = self._serve(
            self._name("bare"),
            [
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

    def gunicorn(self, *, workers: int = 2, threads: int = 4) -> tuple[Process, str]:
        """The WSGI app under gunicorn (gthread workers), for plain HTTP."""
        port = free_port()
        proc = self.spawn(
            self._name("gunicorn"),
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

    def worker(
        self,
        *,
        concurrency: int = 1,
        name: str | None = None,
        queues: str | None = "generation,default",
        beat_schedule: Path | None = None,
        wait: bool = True,
        timeout: float = 90,
        **env: str,
    ) -> Process:
        """A prefork Celery worker (both queues unless ``queues`` says otherwise); with
        ``beat_schedule``, celery beat inside it (``-B``)."""
        name = name or self._name("worker")
        node = f"{name}-{uuid.uuid4().hex[:6]}"
        args = celery_worker_args(
            node=f"{node}@%h", concurrency=concurrency, loglevel=self.worker_loglevel, queues=queues
        )
        if beat_schedule is not None:
            args += ["-B", "--schedule", str(beat_schedule)]
        proc = self.spawn(name, args, self.env(**env))
        proc.node = node  # type: ignore[attr-defined]
        self.workers.append(proc)
        if wait:
            self.wait_ready(proc, timeout=timeout)
        return proc

    def beat(self) -> Process:
        """celery beat on its own (as in the Procfile): the reaper outlives any worker."""
        name = self._name("beat")
        proc = self.spawn(
            name,
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "dawg",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.directory / f"{name}-schedule"),
            ],
        )
        self.beats.append(proc)
        return proc

    def wait_ready(self, proc: Process, *, timeout: float = 90) -> float:
        """Until a web answers /health with 200, or a worker answers a ping on the stack's
        broker."""
        if proc.name in self.bases:
            return self._wait_http(proc, self.bases[proc.name], timeout=timeout)
        node = getattr(proc, "node", proc.name) + "@"

        def answers() -> bool:
            replies = self.celery_app().control.ping(timeout=0.5) or []
            return any(next(iter(r)).startswith(node) for r in replies)

        return wait_until(answers, timeout=timeout, what=f"celery worker {proc.name}", process=proc)

    def _wait_http(
        self, proc: Process, base: str, path: str = "/health", *, timeout: float = 90
    ) -> float:
        import httpx

        return wait_until(
            lambda: httpx.get(f"{base}{path}", timeout=2).status_code == 200,
            timeout=timeout,
            what=f"{proc.name} at {base}",
            process=proc,
            every=0.2,
        )

    def celery_app(self) -> Any:
        """A plain Celery client of this stack's broker only (never the machine's Redis, and
        not the project's app: the code under test sends through that one)."""
        if self._celery is None:
            from celery import Celery

            env = self.base_env
            broker = env.get("CELERY_BROKER_URL") or env["REDIS_URL"]
            self._celery = Celery("stack-probe", broker=broker, set_as_current=False)
        return self._celery

    # --- stopping -----------------------------------------------------------------------------
    def close(self, *, keep: bool | None = None) -> None:
        """Every process at once (SIGTERM, then SIGKILL after 10 s), then the servers."""
        if self._celery is not None:
            self._celery.close()
            self._celery = None
        for proc in self.procs:
            proc.signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.procs:
            proc.wait(max(0.1, deadline - time.monotonic()))
            proc.stop(timeout=0.1)
        self.procs.clear()
        if self.s3_proxy is not None:
            self.s3_proxy.close()
        if self.s3 is not None:
            self.s3.stop()
        if self.redis is not None:
            self.redis.stop()
            self.redis = None
        if self.postgres is not None:
            try:
                self.postgres.destroy()
            except Exception as exc:
                print(f"postgres did not stop cleanly: {exc}", flush=True)
        if self._pg_name:
            self._drop_pg_database()
        if keep if keep is not None else self.keep:
            print(f"-- logs kept in {self.directory}", flush=True)
        else:
            shutil.rmtree(self.directory, ignore_errors=True)


# --- a drill's stack --------------------------------------------------------------------------
_DJANGO_READY = False


def _setup_django(env: dict[str, str]) -> None:
    global _DJANGO_READY
    if _DJANGO_READY:
        raise RuntimeError("one drill per process: Django is already set up for another stack")
    os.environ.update(env)
    os.environ["LOG_LEVEL"] = "WARNING"  # this process prints the report, not log lines
    import django

    django.setup()
    _DJANGO_READY = True


@contextmanager
def drill_stack(
    name: str,
    *,
    database: str = "sqlite",
    s3: bool = False,
    s3_proxy: bool = False,
    settings: dict[str, str] | None = None,
    workers: int = 1,
    concurrency: int = 1,
    webs: int = 1,
    beat: bool = True,
) -> Iterator[Stack]:
    """Start Redis (AOF), the database (SQLite file or a private PostgreSQL) and storage
    (a folder, or a local S3), set up Django in this process against them and migrate, while
    ``workers`` Celery workers, ``webs`` web instances and celery beat start alongside."""
    root = Path(tempfile.mkdtemp(prefix=f"dawg-drill-{name}-"))
    os.chmod(root, 0o755)  # noqa: S103 - the postgres user reads its own subfolder
    env = {**os.environ, **DRILL_ENV}
    for key in ("DATABASE_URL", "DATABASE_REPLICA_URL", "CELERY_BROKER_URL", "CHANNEL_LAYER_URL"):
        env.pop(key, None)
    built = Stack(directory=root, base_env=env, redis=RedisServer(root / "redis"))
    ok = False
    try:
        built.redis.start()
        env["REDIS_URL"] = built.redis.url
        if database == "postgres":
            built.postgres = PostgresCluster(root / "pg")
            built.postgres.init()
            built.postgres.start()
            built.postgres.create_database()
            env["DATABASE_URL"] = built.postgres.url
        else:
            env["DATABASE_URL"] = f"sqlite:///{root / 'db.sqlite3'}"
        if s3:
            built.s3 = S3Server()
            built.s3.start()
            built.s3.create_bucket()
            endpoint = built.s3.endpoint
            if s3_proxy:  # the app talks to S3 through a proxy that can hang
                built.s3_proxy = HangProxy(built.s3.port)
                endpoint = f"http://127.0.0.1:{built.s3_proxy.port}"
            env.update(
                STORAGE_BACKEND="s3",
                AWS_STORAGE_BUCKET_NAME=built.s3.bucket,
                AWS_S3_ENDPOINT_URL=endpoint,
                AWS_S3_ADDRESSING_STYLE="path",
                AWS_ACCESS_KEY_ID="drill",
                AWS_SECRET_ACCESS_KEY="drill-secret",
                AWS_DEFAULT_ACL="private",
            )
        else:
            env.update(STORAGE_BACKEND="filesystem", MEDIA_ROOT=str(root / "media"))
        env.update(settings or {})
        started = time.monotonic()
        for _ in range(workers):
            built.worker(concurrency=concurrency, wait=False)
        for _ in range(webs):
            built.web(wait=False)
        _setup_django(env)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        if beat:
            built.beat()
        for proc in [*built.workers, *(proc for proc, _ in built.webs)]:
            built.wait_ready(proc)
        print(f"-- stack up in {time.monotonic() - started:.1f}s ({root})", flush=True)
        yield built
        ok = True
    finally:
        built.close(keep=not ok or bool(os.environ.get("DRILL_KEEP")))
