"""Shared fixtures: users, clients, conversations and beats."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def user(db):
    return factories.user_create(username="alice")


@pytest.fixture
def other_user(db):
    return factories.user_create(username="bob")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def other_client(client, other_user):
    client.force_login(other_user)
    return client


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> dict[str, str]:
    """STATIC_ROOT after collectstatic, as the image has it (the deploy check needs it)."""
    from tests.deploy.test_settings_env import SAFE_PROD_ENV, _manage

    env = {**SAFE_PROD_ENV, "DJANGO_STATIC_ROOT": str(tmp_path_factory.mktemp("static"))}
    result = _manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stderr
    return {"DJANGO_STATIC_ROOT": env["DJANGO_STATIC_ROOT"]}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test database, and before it is dropped, the socket-reads thread's
    connection closed (it is kept a while after the last read; PostgreSQL refuses to drop a
    database that a session still uses)."""
    yield django_db_setup
    from infra.realtime import socket_reads

    socket_reads.close_connections()


@pytest.fixture(autouse=True)
def _queue_consumers_forgotten():
    """/health/ready and /metrics cache which queues have workers: no test sees another's."""
    from infra.observability.queues import queue_consumers_forget

    queue_consumers_forget()
    yield
    queue_consumers_forget()
