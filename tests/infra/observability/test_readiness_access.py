"""/health/ready: full report for the orchestrator only, no addresses for anyone, and a
storage probe that does not write an object per call."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from infra.observability import health, views

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    monkeypatch.setitem(health._storage_probe, "at", float("-inf"))
    monkeypatch.setitem(health._storage_probe, "error", None)
    monkeypatch.setitem(views._public_report, "at", float("-inf"))


@pytest.fixture
def redis_down(monkeypatch):
    def down() -> None:
        raise ConnectionError("Error 111 connecting to 10.20.30.40:6379. Connection refused.")

    monkeypatch.setitem(health.READINESS_CHECKS, "redis", down)
    # No worker runs here: the queue check (degraded, never failing) would list itself too.
    monkeypatch.setitem(health.READINESS_CHECKS, "queue_consumers", lambda: "1 consumer")


def test_outsiders_get_status_and_failing_names_only(redis_down, settings):
    response = Client(REMOTE_ADDR="203.0.113.9").get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "failed", "failing": ["redis"], "degraded": []}


def test_the_orchestrator_gets_each_check_but_no_address(redis_down, settings):
    settings.HEALTH_TOKEN = "probe-token"
    for client, headers in (
        (Client(REMOTE_ADDR="10.0.3.4"), {}),  # kubelet, from the node's network
        (Client(REMOTE_ADDR="203.0.113.9"), {"HTTP_AUTHORIZATION": "Bearer probe-token"}),
    ):
        response = client.get("/health/ready", **headers)
        body = response.json()
        assert response.status_code == 503
        error = "ConnectionError: Error 111 connecting to [address]. Connection refused."
        assert body["checks"]["redis"] == body["checks"]["redis"] | {"error": error}
        assert body["checks"]["database"]["status"] == "ok"
        assert "10.20.30.40" not in response.content.decode()
    wrong = Client(REMOTE_ADDR="203.0.113.9").get("/health/ready", HTTP_AUTHORIZATION="Bearer nope")
    assert "checks" not in wrong.json()


def test_storage_is_probed_once_a_minute_not_per_call(settings, monkeypatch):
    settings.HEALTH_STORAGE_PROBE_S = 60
    writes = []
    real_save = default_storage.save
    monkeypatch.setattr(
        default_storage, "save", lambda *a, **k: writes.append(a[0]) or real_save(*a, **k)
    )
    client = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(10):
        assert client.get("/health/ready").json()["checks"]["storage"]["status"] == "ok"
    assert len(writes) == 1


def test_outside_calls_share_one_report(settings, monkeypatch):
    settings.HEALTH_PUBLIC_CACHE_S = 60
    runs = []
    monkeypatch.setitem(health.READINESS_CHECKS, "database", lambda: runs.append(1))
    outsider = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(20):
        assert outsider.get("/health/ready").status_code == 200
    assert len(runs) == 1


@pytest.mark.parametrize(
    "message",
    [
        'connection to server at "db.internal" (10.0.0.5), port 5432 failed: refused',
        'could not translate host name "postgres.prod.svc" to address',
        "Error 111 connecting to redis-master.cache:6379. Connection refused.",
        "Could not connect to the endpoint URL: https://s3.eu-west-1.amazonaws.com/bucket",
        "connect to [fd00::12]:6379 failed; fd00::12 is down",
    ],
)
def test_addresses_are_redacted_from_error_messages(message):
    redacted = health.redact_addresses(message)
    for secret in (
        "db.internal",
        "10.0.0.5",
        "postgres.prod.svc",
        "redis-master",
        "s3.eu-west-1",
        "fd00::12",
    ):
        assert secret not in redacted, redacted
    assert "[address]" in redacted
