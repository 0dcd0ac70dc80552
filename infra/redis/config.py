"""Build Redis client, Celery broker and channel-layer settings from URLs (TLS, Sentinel)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    import redis

__all__ = [
    "DEFAULT_SENTINEL_PORT",
    "RedisConnection",
    "celery_broker_transport_options",
    "celery_broker_url",
    "celery_broker_use_ssl",
    "channel_layer_host",
    "parse_sentinels",
    "redis_client",
    "redis_client_kwargs",
    "sentinel_kwargs",
]

DEFAULT_SENTINEL_PORT = 26379
# redis-py accepts these names for ssl_cert_reqs; kombu documents the ssl module's constants.
SSL_CERT_REQS = {
    "required": ssl.CERT_REQUIRED,
    "optional": ssl.CERT_OPTIONAL,
    "none": ssl.CERT_NONE,
}


def parse_sentinels(entries: list[str] | tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """``["h1:26379", "h2"]`` → ``(("h1", 26379), ("h2", 26379))``; blanks are skipped."""
    sentinels: list[tuple[str, int]] = []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        if entry.startswith("["):  # [IPv6]:port
            host, _, port = entry[1:].partition("]")
            port = port.lstrip(":")
        elif entry.count(":") == 1:
            host, _, port = entry.partition(":")
        else:
            host, port = entry, ""
        if not host:
            raise ValueError(f"REDIS_SENTINELS entry without a host: {raw!r}")
        sentinels.append((host, int(port) if port else DEFAULT_SENTINEL_PORT))
    return tuple(sentinels)


@dataclass(frozen=True)
class RedisConnection:
    """How to reach one Redis: a ``redis://`` or ``rediss://`` URL, optionally via Sentinel.

    With ``sentinels`` the URL's host and port are not used (Sentinel names the master);
    its scheme (TLS or not), user, password and database number still are.
    """

    url: str
    sentinels: tuple[tuple[str, int], ...] = ()
    master_name: str = "mymaster"
    sentinel_password: str = ""
    ssl_cert_reqs: str = "required"
    ssl_ca_certs: str = ""
    socket_timeout: float = 30.0
    _parts: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("redis", "rediss"):
            raise ValueError(f"Redis URL must start with redis:// or rediss://, not {self.url!r}")
        if self.ssl_cert_reqs not in SSL_CERT_REQS:
            raise ValueError(f"REDIS_SSL_CERT_REQS must be one of {sorted(SSL_CERT_REQS)}")
        object.__setattr__(self, "_parts", parts)

    @property
    def tls(self) -> bool:
        return self._parts.scheme == "rediss"

    @property
    def username(self) -> str | None:
        return unquote(self._parts.username) if self._parts.username else None

    @property
    def password(self) -> str | None:
        return unquote(self._parts.password) if self._parts.password else None

    @property
    def db(self) -> int:
        path = self._parts.path.strip("/")
        return int(path) if path else 0

    @property
    def userinfo(self) -> str:
        """The ``user:password@`` part exactly as written (still percent-encoded)."""
        netloc = self._parts.netloc
        return netloc.rsplit("@", 1)[0] + "@" if "@" in netloc else ""

    def tls_kwargs(self) -> dict[str, Any]:
        """redis-py keyword arguments for a TLS connection (empty without TLS)."""
        if not self.tls:
            return {}
        kwargs: dict[str, Any] = {"ssl_cert_reqs": self.ssl_cert_reqs}
        if self.ssl_ca_certs:
            kwargs["ssl_ca_certs"] = self.ssl_ca_certs
        return kwargs


def sentinel_kwargs(conn: RedisConnection) -> dict[str, Any]:
    """How to talk to the Sentinel nodes themselves (own password; TLS when the master has it)."""
    kwargs: dict[str, Any] = {
        "socket_timeout": conn.socket_timeout,
        "socket_connect_timeout": min(conn.socket_timeout, 5.0),
    }
    if conn.sentinel_password:
        kwargs["password"] = conn.sentinel_password
    if conn.tls:
        kwargs["ssl"] = True
        kwargs.update(conn.tls_kwargs())
    return kwargs


def redis_client_kwargs(conn: RedisConnection) -> dict[str, Any]:
    """Keyword arguments for ``redis.Redis.from_url(conn.url, **kwargs)`` (health checks)."""
    return {
        "socket_timeout": conn.socket_timeout,
        "socket_connect_timeout": min(conn.socket_timeout, 5.0),
        **conn.tls_kwargs(),
    }


def redis_client(conn: RedisConnection, *, timeout: float | None = None) -> redis.Redis:
    """A synchronous client of the master: direct, or asked of the Sentinels first."""
    import redis
    from redis.sentinel import Sentinel

    if timeout is not None:
        conn = replace(conn, socket_timeout=timeout)
    kwargs = redis_client_kwargs(conn)
    if not conn.sentinels:
        return redis.Redis.from_url(conn.url, **kwargs)
    sentinel = Sentinel(list(conn.sentinels), sentinel_kwargs=sentinel_kwargs(conn))
    return sentinel.master_for(
        conn.master_name,
        username=conn.username,
        password=conn.password,
        db=conn.db,
        ssl=conn.tls,
        **kwargs,
    )


def celery_broker_url(conn: RedisConnection) -> str:
    """The kombu URL: the Redis URL itself, or ``sentinel://…;sentinel://…`` (one per node).

    kombu takes the master's password and database from the sentinel URLs, and TLS from
    ``broker_use_ssl`` (see :func:`celery_broker_use_ssl`).
    """
    if not conn.sentinels:
        return conn.url
    return ";".join(
        f"sentinel://{conn.userinfo}{_host_for_url(host)}:{port}/{conn.db}"
        for host, port in conn.sentinels
    )


def celery_broker_transport_options(
    conn: RedisConnection, *, visibility_timeout: int, restore_interval_s: int = 10
) -> dict[str, Any]:
    """``CELERY_BROKER_TRANSPORT_OPTIONS``: visibility timeout, plus the master's name.

    A message whose worker died unacked is restored once it is older than the visibility
    timeout, by a sweep that kombu runs every ``unacked_restore_interval`` seconds but scans
    Redis only every ``unacked_restore_throttle``-th time (default 10 x 10 s: up to 100 s
    late, measured by the worker-kill drill). Throttle 1 makes it at most 10 s late.
    """
    options: dict[str, Any] = {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": restore_interval_s,
        "unacked_restore_throttle": 1,
        "socket_timeout": conn.socket_timeout,
        "socket_connect_timeout": min(conn.socket_timeout, 5.0),
    }
    if conn.sentinels:
        options["master_name"] = conn.master_name
        options["sentinel_kwargs"] = sentinel_kwargs(conn)
    return options


def celery_broker_use_ssl(conn: RedisConnection) -> dict[str, Any] | None:
    """``CELERY_BROKER_USE_SSL`` for ``rediss://``; without it kombu silently skips cert checks."""
    if not conn.tls:
        return None
    options: dict[str, Any] = {"ssl_cert_reqs": SSL_CERT_REQS[conn.ssl_cert_reqs]}
    if conn.ssl_ca_certs:
        options["ssl_ca_certs"] = conn.ssl_ca_certs
    return options


def channel_layer_host(conn: RedisConnection, *, max_connections: int = 500) -> dict[str, Any]:
    """One ``hosts`` entry for channels-redis (``RedisPubSubChannelLayer`` and the core layer).

    Plain: ``{"address": url, ...}`` goes to ``ConnectionPool.from_url``. Sentinel:
    ``{"sentinels": [...], "master_name": ..., "sentinel_kwargs": ...}`` plus connection
    arguments, which channels-redis hands to redis-py's ``SentinelConnectionPool``.
    ``socket_timeout`` must exceed the layer's 5 s blocking reads (redis-py 8 defaults to 5 s).
    """
    common: dict[str, Any] = {
        "socket_timeout": conn.socket_timeout,
        "socket_connect_timeout": min(conn.socket_timeout, 5.0),
        "max_connections": max_connections,
        **conn.tls_kwargs(),
    }
    if not conn.sentinels:
        return {"address": conn.url, **common}
    host: dict[str, Any] = {
        "sentinels": [list(pair) for pair in conn.sentinels],
        "master_name": conn.master_name,
        "sentinel_kwargs": sentinel_kwargs(conn),
        "db": conn.db,
        **common,
    }
    if conn.username:
        host["username"] = conn.username
    if conn.password:
        host["password"] = conn.password
    if conn.tls:
        host["ssl"] = True
    return host


def _host_for_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host
