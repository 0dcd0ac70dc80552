"""Redis settings: TLS and Sentinel build the right broker and channel-layer config, and work."""

from __future__ import annotations

import json
import ssl

import pytest

from infra.redis.config import (
    RedisConnection,
    celery_broker_transport_options,
    celery_broker_url,
    celery_broker_use_ssl,
    channel_layer_host,
    parse_sentinels,
    redis_client_kwargs,
)
from tests.deploy.redis_servers import PASSWORD, sentinel_redis, tls_redis
from tests.deploy.settings_loader import load_settings
from tests.deploy.test_settings_env import SAFE_PROD_ENV, _manage

SENTINELS = parse_sentinels(["10.0.0.1:26379", "10.0.0.2:26380", "sentinel-3"])


def test_parse_sentinels_defaults_the_port_and_skips_blanks():
    assert parse_sentinels([" a:1 ", "", "b", "[::1]:26380", "[fe80::2]"]) == (
        ("a", 1),
        ("b", 26379),
        ("::1", 26380),
        ("fe80::2", 26379),
    )


def test_a_non_redis_url_is_refused():
    with pytest.raises(ValueError, match="redis://"):
        RedisConnection(url="http://redis:6379/0")


def test_an_unknown_certificate_mode_is_refused():
    with pytest.raises(ValueError, match="REDIS_SSL_CERT_REQS"):
        RedisConnection(url="rediss://r:6380/0", ssl_cert_reqs="maybe")


def test_plain_url_is_used_as_it_is_everywhere():
    conn = RedisConnection(url="redis://:pw@redis:6379/1")
    assert celery_broker_url(conn) == "redis://:pw@redis:6379/1"
    assert celery_broker_use_ssl(conn) is None
    options = celery_broker_transport_options(conn, visibility_timeout=300)
    assert options["visibility_timeout"] == 300
    assert "master_name" not in options
    host = channel_layer_host(conn)
    assert host["address"] == "redis://:pw@redis:6379/1"
    # Above channels-redis's 5 s blocking reads (redis-py 8 defaults to 5 s).
    assert host["socket_timeout"] > 5
    assert not any(key.startswith("ssl") for key in host)


def test_rediss_url_verifies_certificates_in_broker_layer_and_clients():
    conn = RedisConnection(url="rediss://:pw@redis:6380/0", ssl_ca_certs="/etc/ca.pem")
    assert celery_broker_url(conn) == "rediss://:pw@redis:6380/0"
    # Without broker_use_ssl kombu falls back to CERT_NONE for rediss://.
    assert celery_broker_use_ssl(conn) == {
        "ssl_cert_reqs": ssl.CERT_REQUIRED,
        "ssl_ca_certs": "/etc/ca.pem",
    }
    host = channel_layer_host(conn)
    assert host["address"].startswith("rediss://")
    assert host["ssl_cert_reqs"] == "required"
    assert host["ssl_ca_certs"] == "/etc/ca.pem"
    assert redis_client_kwargs(conn)["ssl_cert_reqs"] == "required"


def test_cert_reqs_none_is_passed_on_for_managed_self_signed_redis():
    conn = RedisConnection(url="rediss://:pw@redis:6380/0", ssl_cert_reqs="none")
    assert celery_broker_use_ssl(conn) == {"ssl_cert_reqs": ssl.CERT_NONE}
    assert channel_layer_host(conn)["ssl_cert_reqs"] == "none"


def test_sentinel_broker_url_lists_every_sentinel_with_the_master_credentials():
    conn = RedisConnection(
        url="redis://:p%40ss@ignored:6379/2", sentinels=SENTINELS, master_name="dawg"
    )
    assert celery_broker_url(conn) == (
        "sentinel://:p%40ss@10.0.0.1:26379/2;"
        "sentinel://:p%40ss@10.0.0.2:26380/2;"
        "sentinel://:p%40ss@sentinel-3:26379/2"
    )
    options = celery_broker_transport_options(conn, visibility_timeout=400)
    assert options["master_name"] == "dawg"
    assert options["visibility_timeout"] == 400
    assert "password" not in options["sentinel_kwargs"]


def test_sentinel_channel_layer_host_names_the_sentinels_and_the_master():
    conn = RedisConnection(
        url="redis://app:p%40ss@ignored:6379/3",
        sentinels=SENTINELS,
        master_name="dawg",
        sentinel_password="sentinel-pw",
    )
    host = channel_layer_host(conn)
    assert "address" not in host
    assert host["sentinels"] == [["10.0.0.1", 26379], ["10.0.0.2", 26380], ["sentinel-3", 26379]]
    assert host["master_name"] == "dawg"
    assert (host["username"], host["password"], host["db"]) == ("app", "p@ss", 3)
    assert host["sentinel_kwargs"]["password"] == "sentinel-pw"
    assert "ssl" not in host


def test_sentinel_with_tls_uses_tls_to_master_and_sentinels():
    conn = RedisConnection(url="rediss://:pw@ignored/0", sentinels=SENTINELS)
    assert celery_broker_url(conn).startswith("sentinel://:pw@10.0.0.1:26379/0;")
    assert celery_broker_use_ssl(conn) == {"ssl_cert_reqs": ssl.CERT_REQUIRED}
    assert celery_broker_transport_options(conn, visibility_timeout=300)["sentinel_kwargs"]["ssl"]
    host = channel_layer_host(conn)
    assert host["ssl"] is True
    assert host["ssl_cert_reqs"] == "required"
    assert host["sentinel_kwargs"]["ssl"] is True


def test_the_channel_layer_accepts_the_sentinel_host_entry():
    from channels_redis.pubsub import RedisPubSubChannelLayer
    from channels_redis.utils import create_pool
    from redis.asyncio.sentinel import SentinelConnectionPool, SentinelManagedSSLConnection

    conn = RedisConnection(url="rediss://:pw@ignored/0", sentinels=SENTINELS)
    layer = RedisPubSubChannelLayer(hosts=[channel_layer_host(conn)])
    assert layer is not None
    pool = create_pool(channel_layer_host(conn))
    assert isinstance(pool, SentinelConnectionPool)
    assert pool.service_name == "mymaster"
    assert issubclass(pool.connection_class, SentinelManagedSSLConnection)


# --- settings built from the environment ---------------------------------------------------


def _settings_under(env: dict[str, str]) -> dict:
    built = load_settings("dawg.settings.production", env)
    return {
        "broker_url": built.CELERY_BROKER_URL,
        "broker_use_ssl": built.CELERY_BROKER_USE_SSL,
        "transport_options": built.CELERY_BROKER_TRANSPORT_OPTIONS,
        "hosts": built.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"],
    }


def test_production_settings_wire_sentinels_into_broker_and_channel_layer():
    built = _settings_under(
        {
            **SAFE_PROD_ENV,
            "REDIS_URL": "rediss://:pw@ignored:6380/0",
            "REDIS_SENTINELS": "s1:26379,s2:26379",
            "REDIS_SENTINEL_MASTER": "dawg-redis",
        }
    )
    assert built["broker_url"] == "sentinel://:pw@s1:26379/0;sentinel://:pw@s2:26379/0"
    assert built["broker_use_ssl"] == {"ssl_cert_reqs": ssl.CERT_REQUIRED}
    assert built["transport_options"]["master_name"] == "dawg-redis"
    assert built["hosts"][0]["master_name"] == "dawg-redis"
    assert built["hosts"][0]["sentinels"] == [["s1", 26379], ["s2", 26379]]


def test_redis_password_can_come_from_a_secret_file(tmp_path):
    url_file = tmp_path / "redis-url"
    url_file.write_text("rediss://:from-file@redis.internal:6380/0")
    env = {k: v for k, v in SAFE_PROD_ENV.items() if k != "REDIS_URL"}
    built = _settings_under({**env, "REDIS_URL_FILE": str(url_file)})
    assert built["broker_url"] == "rediss://:from-file@redis.internal:6380/0"
    assert built["hosts"][0]["address"] == "rediss://:from-file@redis.internal:6380/0"


# --- against real servers -----------------------------------------------------------------

PROBE = """
import asyncio, json
from channels.layers import get_channel_layer
from dawg.celery import app
from infra.observability.health import run_readiness_checks

report = run_readiness_checks(["redis", "broker", "channel_layer"])

async def roundtrip():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("deploy.probe", channel)
    await asyncio.sleep(0.2)
    await layer.group_send("deploy.probe", {"type": "probe", "n": 1})
    message = await asyncio.wait_for(layer.receive(channel), 5)
    await layer.flush()
    return message["n"]

try:
    report["layer_roundtrip"] = asyncio.run(roundtrip())
except Exception as exc:
    report["layer_roundtrip"] = repr(exc)
try:
    with app.connection_for_write() as connection:
        queue = connection.SimpleQueue("deploy-probe")
        queue.put({"n": 2})
        message = queue.get(timeout=5)
        message.ack()
        report["broker_roundtrip"] = message.payload["n"]
        queue.close()
except Exception as exc:
    report["broker_roundtrip"] = repr(exc)
print("PROBE " + json.dumps(report))
"""


REDIS_ONLY = """
from infra.observability.health import run_readiness_checks
print(run_readiness_checks(["redis"]))
"""


def _probe(env: dict[str, str]) -> dict:
    result = _manage("shell", "-c", PROBE, env=env)
    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE "))


@pytest.mark.slow
def test_tls_redis_with_password_works_for_health_broker_and_channel_layer(tmp_path):
    with tls_redis(tmp_path) as server:
        env = {**SAFE_PROD_ENV, "REDIS_URL": server.url, "REDIS_SSL_CA_CERTS": str(server.ca_file)}
        report = _probe(env)
        assert report["failing"] == [], report
        assert report["layer_roundtrip"] == 1, report
        assert report["broker_roundtrip"] == 2, report

        # Certificates really are checked: without our CA the self-signed one is refused.
        refused = _manage("shell", "-c", REDIS_ONLY, env={**SAFE_PROD_ENV, "REDIS_URL": server.url})
        assert "certificate verify failed" in refused.stdout.lower(), (
            refused.stdout + refused.stderr
        )


@pytest.mark.slow
def test_sentinel_finds_the_master_for_health_broker_and_channel_layer(tmp_path):
    with sentinel_redis(tmp_path) as setup:
        env = {
            **SAFE_PROD_ENV,
            # The host here is deliberately wrong: Sentinel must supply the master's address.
            "REDIS_URL": f"redis://:{PASSWORD}@no-such-host.invalid:1/0",
            "REDIS_SENTINELS": setup.sentinels,
            "REDIS_SENTINEL_MASTER": setup.master_name,
        }
        report = _probe(env)
        assert report["failing"] == [], report
        assert report["layer_roundtrip"] == 1, report
        assert report["broker_roundtrip"] == 2, report
