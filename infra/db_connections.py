"""Database connection settings for the process's server: ASGI (daphne) or not.

Under ASGI every socket runs its database calls in a thread of its own (Channels' thread-
sensitive contexts), so persistent connections (CONN_MAX_AGE > 0) stayed open one per
socket: 60 sockets held 61 PostgreSQL connections. Django's advice for ASGI: no persistent
connections, and the backend's pool instead. https://docs.djangoproject.com/en/5.2/ref/databases/#connection-pool
"""

from __future__ import annotations

import os
from typing import Any

# Set by infra.realtime.web_server (and dawg.asgi) before the settings load.
SERVER_ENV = "DAWG_SERVER"


def is_asgi() -> bool:
    return os.environ.get(SERVER_ENV, "") == "asgi"


def for_server(database: dict[str, Any], *, pool_max_size: int) -> dict[str, Any]:
    """``database`` unchanged outside ASGI; under ASGI: CONN_MAX_AGE 0 and, on PostgreSQL,
    psycopg's pool (at most ``pool_max_size`` connections for the whole process)."""
    if not is_asgi():
        return database
    database = {**database, "CONN_MAX_AGE": 0}
    if database.get("ENGINE") == "django.db.backends.postgresql" and pool_max_size > 0:
        options = dict(database.get("OPTIONS") or {})
        # timeout: a thread waits this long for a free connection, then the call fails.
        options["pool"] = {"min_size": 1, "max_size": pool_max_size, "timeout": 10}
        # With the pool, CONN_HEALTH_CHECKS makes Django hand psycopg_pool its connection
        # check: each connection is tried before use, so the ones a PostgreSQL restart broke
        # are replaced instead of failing request after request.
        database["CONN_HEALTH_CHECKS"] = True
        database["OPTIONS"] = options
    return database
