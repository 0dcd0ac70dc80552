"""The ASGI app, the Celery app and the health endpoints come up."""

import pytest
from django.test import override_settings


def test_asgi_application_routes_http_and_websocket():
    from channels.routing import ProtocolTypeRouter

    from dawg.asgi import application

    assert isinstance(application, ProtocolTypeRouter)
    assert set(application.application_mapping) == {"http", "websocket"}


def test_celery_app_is_json_only_and_acks_late():
    from dawg.celery import app

    conf = app.conf
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
    app.loader.import_default_modules()  # autodiscovery is lazy until a worker starts
    assert {"generation.render_job", "generation.reap_stuck_jobs"} <= set(app.tasks)


def test_celery_broker_is_reachable():
    from dawg.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)


@pytest.mark.django_db
def test_liveness_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_readiness_reports_each_part(client):
    response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert set(body["checks"]) == {
        "database",
        "redis",
        "broker",
        "channel_layer",
        "storage",
        "static_files",
        "queue_consumers",
    }
    # No worker runs here: reported, and the instance stays in rotation.
    assert body["status"] == "degraded" and body["degraded"] == ["queue_consumers"]
    assert all(c["status"] == "ok" for n, c in body["checks"].items() if n != "queue_consumers")


def test_request_id_is_echoed_or_made(client):
    assert client.get("/health", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    made = client.get("/health", HTTP_X_REQUEST_ID="bad id with spaces")["X-Request-ID"]
    assert made != "bad id with spaces" and len(made) == 32


@override_settings(METRICS_ALLOWED_IPS=["10.9.9.9"], METRICS_TOKEN="")
def test_metrics_refuse_unlisted_addresses(client):
    assert client.get("/metrics").status_code == 403


def test_metrics_served_to_loopback(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests" in response.content
