"""The stack on the test database: daphne and Celery workers that see what pytest-django made."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

from tests.stack.processes import Process
from tests.stack.stack import Stack

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
    """Our web runner against the test database (the caller stops it)."""
    return Stack.on_test_database(log_dir, env or child_env()).web(port=port, timeout=30)


def start_worker(
    log_dir: Path,
    *,
    env: dict[str, str] | None = None,
    name: str = "worker",
    concurrency: int = 1,
    beat: bool = True,
    queues: str | None = "generation,default",
) -> Process:
    """A Celery worker against the test database, with celery beat inside it unless
    ``beat=False`` (the caller stops it)."""
    stack = Stack.on_test_database(log_dir, env or child_env())
    try:
        return stack.worker(
            name=name,
            concurrency=concurrency,
            queues=queues,
            beat_schedule=log_dir / f"{name}-beat-schedule" if beat else None,
            timeout=45,
        )
    finally:
        if stack._celery is not None:
            stack._celery.close()


def session_cookie_for(user: Any) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
