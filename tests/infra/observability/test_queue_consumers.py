"""Every declared queue has a consumer: a plain worker takes all of them, ``-Q`` narrows, and
/health/ready, check_infra and /metrics say which queue nobody consumes (real Redis, Celery)."""

from __future__ import annotations

import os
import uuid
from io import StringIO

import pytest
import redis
from celery import Celery
from django.core.management import CommandError, call_command

from dawg.celery import app
from infra.observability import queues
from infra.redis.embedded import start_embedded_redis
from tests.stack import live
from tests.stack.processes import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def wait_answering(queue: str) -> None:
    """Until the in-thread worker answers broadcasts (its control channel subscribes late)."""
    wait_until(
        lambda: queues.queue_consumers(max_age=0).consumers[queue],
        timeout=20,
        what=f"a worker on {queue} to answer",
    )
    queues.queue_consumers_forget()


def probe_app(broker: str) -> Celery:
    """A client of ``broker`` only, with the project's queues and routes."""
    probe = Celery("probe", broker=broker, set_as_current=False)
    for name in ("task_queues", "task_routes", "task_default_queue"):
        setattr(probe.conf, name, app.conf[name])
    return probe


def test_each_task_lands_on_its_own_queue_only():
    server = start_embedded_redis()
    try:
        probe = probe_app(server.url)
        probe.send_task("generation.render_job", args=[str(uuid.uuid4())])
        probe.send_task("generation.reap_stuck_jobs")
        client = redis.Redis.from_url(server.url)
        assert (client.llen("generation"), client.llen("default")) == (1, 1)
        client.close()
        probe.close()
    finally:
        server.stop()


def test_a_plain_worker_consumes_the_render_queue_and_q_narrows(tmp_path):
    live_logs = tmp_path
    env = live.child_env()
    probe = probe_app(env["REDIS_URL"])
    plain = live.start_worker(live_logs, env=env, name="plain", beat=False, queues=None)
    try:
        found = queues.queue_consumers(app=probe, max_age=0, timeout=2)
        assert found.error == "" and found.unconsumed == []
        assert all(any(w.startswith("plain-") for w in found.consumers[q]) for q in found.consumers)
        assert set(found.consumers) == {"generation", "default"}
        # A render sent by name is taken and acknowledged (an unknown job: skipped).
        broker = redis.Redis.from_url(env["REDIS_URL"])
        probe.send_task("generation.render_job", args=[str(uuid.uuid4())])
        wait_until(
            lambda: broker.llen("generation") == 0 and broker.hlen("unacked") == 0,
            timeout=30,
            what="the plain worker to take and finish the render",
            process=plain,
        )
        broker.close()
    finally:
        plain.stop()
    narrow = live.start_worker(live_logs, env=env, name="narrow", beat=False, queues="default")
    try:
        found = queues.queue_consumers(app=probe, max_age=0, timeout=2)
        assert found.unconsumed == ["generation"]
        assert [w for w in found.consumers["default"] if w.startswith("narrow-")]
    finally:
        narrow.stop()
        probe.close()


def test_ready_stays_200_but_says_degraded_while_no_worker_consumes_renders(client, tmp_path):
    # Workers on this process's own broker (the one the project app and the views ask), as
    # real processes: an in-thread test worker stops answering broadcasts once another stopped.
    env = live.child_env(REDIS_URL=os.environ["REDIS_URL"])
    narrow = live.start_worker(tmp_path, env=env, name="narrow", beat=False, queues="default")
    try:
        wait_answering("default")
        # One answer with time for a loaded machine, kept: the probe and the scrape reuse it.
        assert queues.queue_consumers(timeout=3).unconsumed == ["generation"]
        body = client.get("/health/ready")
        report = body.json()
        assert body.status_code == 200, report
        assert report["status"] == "degraded" and report["failing"] == []
        assert report["degraded"] == ["queue_consumers"]
        assert report["checks"]["queue_consumers"]["required"] is False
        with pytest.raises(RuntimeError, match="no worker consumes queue generation"):
            queues.check_queue_consumers()

        scrape = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
        assert 'dawg_celery_queue_consumers{queue="generation"} 0.0' in scrape
        assert 'dawg_celery_queue_consumers{queue="default"} 1.0' in scrape

        # check_infra asks afresh and fails, naming the part.
        with pytest.raises(CommandError, match=r"FAILED: queue_consumers$"):
            call_command("check_infra", "--skip", "storage", stdout=StringIO())
    finally:
        narrow.stop()

    # /health/ready keeps its answer for a while; check_infra's fresh question sees the change.
    cached = queues.queue_consumers()
    assert cached.unconsumed == ["generation"]
    plain = live.start_worker(tmp_path, env=env, name="plain", beat=False, queues=None)
    try:
        # (a long max_age: starting the worker may itself take longer than the default 15 s)
        assert queues.queue_consumers(max_age=3600) is cached
        wait_answering("generation")
        call_command("check_infra", "--skip", "storage", stdout=StringIO())
    finally:
        plain.stop()
