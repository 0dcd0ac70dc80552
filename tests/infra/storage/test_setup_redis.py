"""setup_redis against a real Redis server: eviction, persistence, auth and the four targets."""

from __future__ import annotations

from io import StringIO

import pytest
import redis
from django.core.management import CommandError, call_command

from infra.redis.embedded import start_embedded_redis
from infra.redis.setup import ERROR, REDIS_TARGETS, TARGETS, RedisFacts, redis_findings


@pytest.fixture(scope="module")
def own_redis():
    """A Redis of this module's own: its settings are changed, so never the shared one."""
    server = start_embedded_redis()
    yield server
    server.stop()


@pytest.fixture
def redis_url(own_redis):
    client = redis.Redis.from_url(own_redis.url)
    client.config_set("maxmemory-policy", "noeviction")
    client.config_set("appendonly", "no")
    yield own_redis.url
    client.config_set("maxmemory-policy", "noeviction")
    client.close()


def run(*args: str) -> str:
    out = StringIO()
    call_command("setup_redis", *args, stdout=out)
    return out.getvalue()


def test_check_flags_allkeys_lru_on_a_real_redis(redis_url):
    redis.Redis.from_url(redis_url).config_set("maxmemory-policy", "allkeys-lru")
    with pytest.raises(CommandError, match="maxmemory-policy: allkeys-lru"):
        run("--url", redis_url, "--check")


def test_check_passes_a_noeviction_redis_and_reports_what_it_found(redis_url):
    out = run("--url", redis_url, "--check")
    assert "version: Redis 6.2" in out
    assert "maxmemory-policy: noeviction" in out
    assert "persistence: AOF off, RDB off" in out
    assert out.splitlines()[-1].startswith("OK: Redis 6.2")


def test_production_check_requires_a_password_and_tls(redis_url):
    with pytest.raises(CommandError) as raised:
        run("--url", redis_url, "--check", "--production", "--target", "railway")
    message = str(raised.value)
    assert "password" in message and "TLS" in message and "persistence" in message


def test_aof_on_satisfies_persistence(redis_url):
    redis.Redis.from_url(redis_url).config_set("appendonly", "yes")
    out = run("--url", redis_url)
    assert "persistence: AOF on" in out


def test_without_check_problems_are_reported_but_exit_zero(redis_url):
    redis.Redis.from_url(redis_url).config_set("maxmemory-policy", "volatile-lru")
    out = run("--url", redis_url)
    assert "[error]" in out
    assert out.splitlines()[-1].startswith("DONE with 1 problem(s)")


def test_unreachable_redis_fails_with_a_clear_verdict():
    with pytest.raises(CommandError, match="cannot reach Redis"):
        run("--url", "redis://127.0.0.1:1/0", "--check")


@pytest.mark.parametrize("target", TARGETS)
def test_every_target_prints_noeviction_and_a_redis_url(redis_url, target):
    out = run("--url", redis_url, "--target", target)
    assert f"Settings for {target}:" in out
    assert "noeviction" in out
    assert "REDIS_URL=" in out


def test_write_env_sets_redis_url_and_keeps_other_lines(redis_url, tmp_path):
    env_path = tmp_path / ".env"
    env_path.write_text("# prod\nDJANGO_DEBUG=false\nREDIS_URL=\n")
    run("--url", redis_url, "--target", "elasticache", "--write-env", str(env_path))
    lines = env_path.read_text().splitlines()
    assert lines[:3] == ["# prod", "DJANGO_DEBUG=false", f"REDIS_URL={redis_url}"]
    assert "REDIS_SSL_CERT_REQS=required" in lines


def test_elasticache_without_aof_is_a_warning_not_an_error():
    facts = RedisFacts(
        version="7.1.0",
        mode="standalone",
        used_memory_human="1M",
        maxmemory=10**9,
        maxmemory_policy="noeviction",
        aof_enabled=False,
        rdb_enabled=None,
        tls=True,
        password=True,
    )
    findings = redis_findings(facts, production=True, target="elasticache")
    assert not [f for f in findings if f.level == ERROR]
    assert REDIS_TARGETS["elasticache"].redis_url.startswith("rediss://")
