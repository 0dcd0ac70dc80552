"""/health/ready against a real Redis that goes away and comes back."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings
from django.test import override_settings

from dawg.celery import app as celery_app
from infra.redis.config import RedisConnection, channel_layer_host
from infra.redis.embedded import EmbeddedRedis, start_embedded_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_redis():
    server = start_embedded_redis()
    yield server
    server.stop()


def _pointed_at(server: EmbeddedRedis) -> override_settings:
    """Settings whose Redis, broker and channel layer are all ``server``."""
    connection = RedisConnection(url=server.url)
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["hosts"] = [channel_layer_host(connection)]
    return override_settings(
        REDIS_URL=server.url,
        REDIS_CONNECTION=connection,
        CELERY_BROKER_URL=server.url,
        CHANNEL_LAYERS=layers,
    )


def test_ready_is_503_naming_redis_while_it_is_down_and_200_once_it_is_back(
    client, own_redis, monkeypatch
):
    # The Celery app read its broker URL at import; point it at the same server.
    monkeypatch.setattr(celery_app.conf, "broker_url", own_redis.url)
    with _pointed_at(own_redis):
        up = client.get("/health/ready")
        assert up.status_code == 200, up.json()
        assert up.json()["failing"] == []

        own_redis.stop()
        down = client.get("/health/ready")
        body = down.json()
        assert down.status_code == 503
        assert "redis" in body["failing"]
        assert body["checks"]["redis"]["status"] == "failed"
        assert body["checks"]["database"]["status"] == "ok"
        assert all("latency_ms" in check for check in body["checks"].values())

        back = start_embedded_redis(port=own_redis.port)
        try:
            again = client.get("/health/ready")
            assert again.status_code == 200, again.json()
            # Every part answers; only the queues have no worker here (reported, optional).
            assert again.json()["failing"] == []
            assert again.json()["degraded"] == ["queue_consumers"]
        finally:
            back.stop()


def test_optional_parts_failing_report_degraded_and_stay_in_rotation(
    client, own_redis, monkeypatch
):
    monkeypatch.setattr(celery_app.conf, "broker_url", own_redis.url)
    optional = ["redis", "broker", "channel_layer"]
    with _pointed_at(own_redis), override_settings(HEALTH_OPTIONAL_CHECKS=optional):
        own_redis.stop()
        response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert sorted(body["degraded"]) == sorted([*optional, "queue_consumers"])
    assert body["failing"] == []
    assert body["checks"]["redis"] | {"required": False} == body["checks"]["redis"]
    assert body["checks"]["database"]["required"] is True


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health", HTTP_X_REQUEST_ID="probe-1")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "probe-1"
