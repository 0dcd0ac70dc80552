"""Drill findings pinned in-process: no preview outlives a failed render; storing keeps beating."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from generation.assets.store import StorageUnavailable
from generation.engine.spec import default_spec
from generation.jobs import claim, run
from generation.models import Asset, GenerationJob, JobStatus
from generation.services import version_create
from tests import factories


@pytest.mark.django_db
def test_a_render_failing_after_its_preview_leaves_no_asset_rows_or_objects(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.GENERATION_MAX_ATTEMPTS = 1
    real_store = run.version_assets_store
    stored: list[str] = []

    def store_preview_then_fail(*, version, files):
        if stored:
            raise StorageUnavailable("storage down after the preview")
        assets = real_store(version=version, files=files)
        stored.extend(a.file.name for a in assets)
        return assets

    monkeypatch.setattr(run, "version_assets_store", store_preview_then_fail)
    beat = factories.beat_create(owner=factories.user_create())
    _, job = version_create(beat=beat, spec=default_spec("trap", bars=4), change_summary="t")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run.run_job(str(job.id))
    assert outcome.status == "failed" and outcome.detail == "storage_unavailable"
    assert stored, "the preview was stored before the failure"
    assert not Asset.objects.filter(version=job.version).exists()
    assert not default_storage.exists(stored[0])


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_while_assets_are_stored(settings):
    settings.GENERATION_HEARTBEAT_STALE_S = 2.0  # a beat every second
    beat = factories.beat_create(owner=factories.user_create())
    version = factories.version_create(beat=beat)
    long_ago = timezone.now() - timedelta(minutes=5)
    job = factories.job_create(
        version=version,
        status=JobStatus.RUNNING,
        worker="me",
        heartbeat_at=long_ago,
    )
    with claim.beating(job, "me"):
        time.sleep(1.6)  # storing takes a while
    job.refresh_from_db()
    assert job.heartbeat_at > long_ago
    # Another worker's claim: the thread leaves the row alone.
    GenerationJob.objects.filter(id=job.id).update(worker="other", heartbeat_at=long_ago)
    with claim.beating(job, "me"):
        time.sleep(1.6)
    job.refresh_from_db()
    assert job.heartbeat_at == long_ago


def test_render_job_retries_while_the_database_is_away_but_not_for_other_errors(monkeypatch):
    from django.db import OperationalError, ProgrammingError

    from generation import tasks

    calls: list[str] = []

    def flaky(job_id):
        calls.append(job_id)
        if len(calls) < 3:
            raise OperationalError("connection refused")
        return run.Outcome("succeeded")

    monkeypatch.setattr(run, "run_job", flaky)
    result = tasks.render_job.apply(args=["job-1"])
    assert result.get() == "succeeded" and calls == ["job-1"] * 3

    def broken(job_id):
        raise ProgrammingError("no such table")

    monkeypatch.setattr(run, "run_job", broken)
    result = tasks.render_job.apply(args=["job-2"])
    assert isinstance(result.result, ProgrammingError)
