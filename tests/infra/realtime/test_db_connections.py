"""daphne must not leak PostgreSQL connections: many sockets and requests against a live
web process, then the server-side connections it holds are counted (pg_stat_activity).

Before: persistent connections under ASGI were opened per worker thread and never closed
(71 idle in one process, then "too many clients"). PostgreSQL only: CI runs it there
(DATABASE_URL); SQLite has no server-side connections to count.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest
from django.db import connection

from tests import factories
from tests.stack import live
from tests.stack.clients import Socket

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="counts PostgreSQL server connections (CI)"
    ),
]

SOCKETS = 60
# Calls in flight at once (CONN_MAX_AGE=0 under daphne closes each after it), with slack.
BOUND = 10


def server_connections() -> int:
    """Connections to the test database other than this test's own (the web process's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def test_many_sockets_and_requests_hold_a_bounded_number_of_connections(tmp_path):
    users = [factories.user_create(username=f"conn-{uuid.uuid4().hex[:6]}") for _ in range(3)]
    conversations = [factories.conversation_create(owner=u) for u in users]
    cookies = [live.session_cookie_for(u) for u in users]
    before = server_connections()
    env = live.child_env(WS_MAX_CONNECTIONS_PER_USER="100")
    web, base = live.start_web(tmp_path, env=env)
    loop = asyncio.new_event_loop()
    sockets: list[Socket] = []

    async def open_all() -> None:
        for i in range(SOCKETS):
            socket = await Socket.for_conversation(base, conversations[i % 3].id, cookies[i % 3])
            await socket.until(lambda e: e["type"] == "connection.ready", 20)
            sockets.append(socket)

    async def resume_all() -> None:  # every socket reads the database again, all at once
        await asyncio.gather(*(s.send({"type": "resume", "last_seq": 0}) for s in sockets))
        await asyncio.gather(
            *(s.until(lambda e: e["type"] == "conversation.snapshot", 30) for s in sockets)
        )

    async def api_reads() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=20) as client:
            pages = [
                client.get(
                    f"/api/conversations/{conversations[i % 3].id}/",
                    cookies={"sessionid": cookies[i % 3]},
                )
                for i in range(60)
            ]
            assert {r.status_code for r in await asyncio.gather(*pages)} == {200}

    async def close_all() -> None:
        for socket in sockets:
            await socket.close()

    try:
        # Measured between phases, from this thread (its own connection is left out).
        peak = 0
        for phase in (open_all, resume_all, resume_all, resume_all, api_reads):
            loop.run_until_complete(phase())
            peak = max(peak, server_connections())
        loop.run_until_complete(close_all())
        time.sleep(1)
        held = server_connections() - before
        peak -= before
        print(f"\n{SOCKETS} sockets + 180 resumes + 60 API reads: peak {peak}, after {held}")
        assert peak <= BOUND
        assert held <= BOUND
    finally:
        loop.close()
        web.stop()
