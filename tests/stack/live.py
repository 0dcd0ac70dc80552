"""Real processes for end-to-end tests: daphne and a Celery worker against the test database."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings
from django.db import connection

from infra.redis.embedded import free_port
from tests.stack.processes import Process, celery_worker_args, spawn, wait_until

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """The URL of the database pytest-django created, for processes we start."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(params['NAME']).resolve()}"
    auth = params["USER"] or "postgres"
    if params.get("PASSWORD"):
        auth += f":{params['PASSWORD']}"
    return f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


_stack_counter = itertools.count(1)


def stack_redis_url() -> str:
    """The test Redis with a database number of its own (1-15), one per live stack.

    Celery queues and its control fanout are per database, so a worker of one stack never
    takes another stack's jobs (or answers its pings); tests in this process keep db 0.
    """
    base = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(base._replace(path=f"/{next(_stack_counter) % 15 + 1}"))


def child_env(**overrides: str) -> dict[str, str]:
    """Environment for a stack's processes; call once per stack and share it among them."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dawg.settings.test",
        "DATABASE_URL": test_database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
        "REDIS_URL": stack_redis_url(),
    }
    env.update(overrides)
    return env


def start_web(
    log_dir: Path, *, env: dict[str, str] | None = None, port: int | None = None
) -> tuple[Process, str]:
    port = port or free_port()
    proc = spawn(
        f"web-{port}",
        [
            sys.executable,
            "-m",
            "infra.realtime.web_server",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env or child_env(),
        log_dir,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until(
        lambda: httpx.get(f"{base}/health", timeout=1).status_code == 200,
        timeout=30,
        what=f"web on {port}",
        process=proc,
    )
    return proc, base


def start_worker(
    log_dir: Path,
    *,
    env: dict[str, str] | None = None,
    name: str = "worker",
    concurrency: int = 1,
    beat: bool = True,
    queues: str | None = "generation,default",
) -> Process:
    from celery import Celery

    args = celery_worker_args(
        node=f"{name}-{os.getpid()}@%h", concurrency=concurrency, loglevel="INFO", queues=queues
    )
    if beat:
        args += ["-B", "--schedule", str(log_dir / f"{name}-beat-schedule")]
    env = env or child_env()
    proc = spawn(name, args, env, log_dir)
    node = f"{name}-{os.getpid()}@"

    # Ask on the stack's own broker database: a plain app, since the project app's producer
    # pool would publish the ping on this process's broker whatever connection it is given.
    # Not the current app: the code under test sends tasks and pings through Celery's current
    # app (the project's).
    probe = Celery(
        "probe", broker=env.get("CELERY_BROKER_URL") or env["REDIS_URL"], set_as_current=False
    )

    def answers() -> bool:
        replies = probe.control.ping(timeout=0.5) or []
        return any(next(iter(r)).startswith(node) for r in replies)

    wait_until(answers, timeout=45, what="celery worker", process=proc)
    return proc


# --- WebSocket clients ----------------------------------------------------------------------
@dataclass
class Socket:
    """A real WebSocket client (the ``websockets`` library) that records every event."""

    ws: Any
    events: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    async def open(
        cls,
        base_url: str,
        conversation_id: object,
        session_cookie: str | None,
        origin: str | None = None,
    ) -> Socket:
        from websockets.asyncio.client import connect

        headers = {"Origin": origin or base_url}
        if session_cookie:
            headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={session_cookie}"
        url = base_url.replace("http://", "ws://") + f"/ws/conversations/{conversation_id}/"
        ws = await connect(url, additional_headers=headers, open_timeout=10, max_size=2**22)
        return cls(ws)

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def next_event(self, timeout: float = 30) -> dict[str, Any]:
        event = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.events.append(event)
        return event

    async def until(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 60
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching event; got {[e['type'] for e in self.events]}")
            event = await self.next_event(remaining)
            if predicate(event):
                return event

    def types(self) -> list[str]:
        return [e["type"] for e in self.events]

    async def close(self) -> None:
        await self.ws.close()


def session_cookie_for(user: Any) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
