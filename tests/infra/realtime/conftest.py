"""A live stack for end-to-end tests: daphne (our runner) and a Celery worker, real Redis."""

from __future__ import annotations

import pytest

from tests.stack import live


@pytest.fixture(scope="session")
def live_logs(tmp_path_factory):
    return tmp_path_factory.mktemp("live-logs")


@pytest.fixture(scope="session")
def live_stack(django_db_setup, django_db_blocker, live_logs):
    """One web process and one worker (with the reaper schedule) for the whole session."""
    with django_db_blocker.unblock():
        env = live.child_env(GENERATION_HEARTBEAT_STALE_S="3", CELERY_REAPER_INTERVAL_S="2")
        worker = live.start_worker(live_logs, env=env)
        web, base_url = live.start_web(live_logs, env=env)
    stack = {"web": web, "worker": worker, "base_url": base_url, "env": env, "logs": live_logs}
    yield stack
    for process in (stack["web"], stack["worker"]):
        process.stop()
