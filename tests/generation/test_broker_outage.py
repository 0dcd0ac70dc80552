"""A chat turn while the broker (Redis) is down: stored, answered with JSON, and its render
sent within seconds of the broker coming back (it waited ~10 minutes for the reaper)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import redis
from django.test import Client

from chat.models import Message
from dawg.celery import app as celery_app
from generation.jobs import queue
from generation.jobs.reaper import reap_stuck_jobs
from generation.models import GenerationJob, JobStatus
from infra.redis.embedded import start_embedded_redis
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def own_broker(monkeypatch):
    """A broker of this test's own, which the test stops and starts again."""
    server = start_embedded_redis()
    monkeypatch.setattr(celery_app.conf, "broker_url", server.url)
    # Producers and connections are pooled per broker URL once used: start from none.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    monkeypatch.setattr(queue, "RETRY_MAX_S", 1.0)
    holder = {"server": server}
    yield holder
    holder["server"].stop()


def queued_tasks(url: str) -> list[str]:
    client = redis.Redis.from_url(url)
    try:
        return [
            json.loads(raw)["headers"]["argsrepr"] for raw in client.lrange("generation", 0, -1)
        ]
    finally:
        client.close()


def test_a_turn_during_a_broker_outage_is_stored_and_sent_when_it_returns(own_broker, user):
    convo = factories.conversation_create(owner=user)
    client = Client()
    client.force_login(user)
    server = own_broker["server"]
    port, url = server.port, server.url
    server.stop()

    response = client.post(
        f"/api/conversations/{convo.id}/messages/",
        json.dumps({"text": "trap beat 140", "client_msg_id": str(uuid.uuid4())}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content[:300]
    assert response["Content-Type"] == "application/json"
    job = GenerationJob.objects.get(id=response.json()["job"]["id"])
    assert job.status == JobStatus.QUEUED and job.send_pending
    assert Message.objects.filter(conversation=convo).count() == 2

    time.sleep(2)  # the broker stays down a while; retries fail quietly
    own_broker["server"] = start_embedded_redis(port=port)
    back = time.monotonic()
    deadline = back + 15
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.send_pending:
            break
        time.sleep(0.2)
    waited = time.monotonic() - back
    print(f"\nrender task sent {waited:.1f} s after the broker came back")
    assert not job.send_pending
    assert waited < 10
    assert any(str(job.id) in args for args in queued_tasks(url))


def test_the_reaper_resends_a_job_whose_task_was_never_sent(user, settings):
    settings.GENERATION_QUEUED_STALE_S = 600
    beat = factories.beat_create(owner=user)
    version = factories.version_create(beat=beat)
    pending = factories.job_create(version=version, send_pending=True)
    waiting = factories.job_create(version=version)  # sent fine a moment ago: left alone
    sent = []
    assert reap_stuck_jobs(requeue=lambda job_id, delay: sent.append(job_id)) == 1
    assert sent == [pending.id] and waiting.id not in sent
