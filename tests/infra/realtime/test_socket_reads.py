"""The socket-reads threads: a connection each, kept while busy, broken ones replaced, idle closed."""

from __future__ import annotations

import asyncio
import time

import pytest
from django.db import connection, connections

from infra.realtime import socket_reads
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _connection_id() -> int:
    connection.ensure_connection()
    return id(connection.connection)


def test_consecutive_reads_share_one_connection_that_sees_new_rows():
    async def reads():
        return [await socket_reads.read(_connection_id) for _ in range(10)]

    # No connect and close per call: the read thread's one connection, kept.
    assert len(set(asyncio.run(reads()))) == 1
    user = factories.user_create(username="seen-by-reads")  # committed on this thread
    found = asyncio.run(
        socket_reads.read(lambda: type(user).objects.filter(username="seen-by-reads").exists())
    )
    assert found


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a server to end the connection (CI: PostgreSQL)",
)
def test_a_read_on_a_connection_the_server_ended_runs_again_on_a_new_one():
    def backend_pid() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return int(cursor.fetchone()[0])

    async def pids() -> set[int]:
        return {await socket_reads.read(backend_pid)}

    first = asyncio.run(pids())
    assert len(first) == 1
    # What a database restart does to the kept connections: the server ends them.
    with connection.cursor() as cursor:
        for pid in first:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)
    second = asyncio.run(pids())  # the thread's first read fails, and runs again
    assert len(second) == 1 and not second & first


def test_an_error_that_is_not_the_connection_is_raised_once():
    calls = []

    def fails() -> None:
        calls.append(1)
        raise ValueError("not the database")

    with pytest.raises(ValueError):
        asyncio.run(socket_reads.read(fails))
    assert calls == [1]


def test_the_thread_closes_its_connection_when_idle(monkeypatch):
    def is_open() -> bool:
        return any(c.connection is not None for c in connections.all(initialized_only=True))

    asyncio.run(socket_reads.read(_connection_id))  # the thread opens its connection
    assert asyncio.run(socket_reads.read(is_open))
    time.sleep(socket_reads.IDLE_CLOSE_S + 0.5)
    # The check itself runs first thing after the idle close, before it opens anything.
    assert not asyncio.run(socket_reads.read(is_open))
