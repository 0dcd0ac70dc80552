"""check_infra against the test stack: every part passes, and a part that is down is named."""

from __future__ import annotations

import json
from dataclasses import replace
from io import StringIO

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import CommandError, call_command

from dawg.celery import app
from infra.provision.check_infra import check_channel_layer_roundtrip
from infra.redis.embedded import free_port
from tests.infra.storage.conftest import s3_storages, use_storages

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def live_worker():
    """A real Celery worker (in a thread) consuming from the test Redis broker."""
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING") as worker:
        yield worker


def run(*args: str) -> str:
    out = StringIO()
    call_command("check_infra", *args, stdout=out)
    return out.getvalue()


def test_check_infra_fails_without_a_live_worker():
    # First in the module: the module-scoped worker below is not started yet.
    with pytest.raises(CommandError, match=r"FAILED: celery_workers, queue_consumers$"):
        run()


def test_check_infra_passes_against_the_test_stack(s3_storage, live_worker):
    out = run()
    parts = ("database", "redis", "broker", "channel_layer", "storage", "static_files")
    for part in (*parts, "celery_workers", "queue_consumers", "sound_banks"):
        line = next(line for line in out.splitlines() if line.strip().startswith(part))
        assert " ok " in line and " ms" in line
    assert out.splitlines()[-1] == "OK: all 9 checks passed"


def test_check_infra_json_reports_latency_for_every_check(s3_storage, live_worker):
    report = json.loads(run("--json"))
    assert report["status"] == "ok"
    assert set(report["checks"]) == {
        "database",
        "redis",
        "broker",
        "channel_layer",
        "storage",
        "static_files",
        "celery_workers",
        "queue_consumers",
        "sound_banks",
    }
    assert all(check["latency_ms"] >= 0 for check in report["checks"].values())


def test_channel_layer_roundtrip_really_delivers():
    assert "sent and received" in check_channel_layer_roundtrip()


def test_check_infra_names_storage_when_s3_is_down(settings, moto_endpoint, bucket):
    settings.STORAGE_WRITE_ATTEMPTS = 1
    use_storages(settings, s3_storages(endpoint=f"http://127.0.0.1:{free_port()}", bucket=bucket))
    with pytest.raises(CommandError, match=r"FAILED: storage$"):
        run("--skip", "celery_workers")


def test_check_infra_names_redis_when_it_is_down(settings):
    settings.REDIS_CONNECTION = replace(
        settings.REDIS_CONNECTION, url=f"redis://127.0.0.1:{free_port()}/0"
    )
    with pytest.raises(CommandError, match="FAILED: redis"):
        run("--skip", "celery_workers")
