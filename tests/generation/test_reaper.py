"""The reaper: running jobs whose worker went quiet are re-queued or failed; forgotten queued
jobs get their task sent again, once per stale period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from generation.jobs import reaper
from generation.models import GenerationJob, JobStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(user):
    return factories.version_create(beat=factories.beat_create(owner=user))


def job(version, **fields):
    return factories.job_create(version=version, **fields)


def reap(now=None):
    sent: list[object] = []
    touched = reaper.reap_stuck_jobs(now=now, requeue=lambda job_id, delay: sent.append(job_id))
    return touched, sent


def test_running_job_with_a_stale_heartbeat_is_requeued(version, settings):
    now = timezone.now()
    stale = job(
        version,
        status=JobStatus.RUNNING,
        worker="w1",
        attempts=1,
        started_at=now,
        heartbeat_at=now - timedelta(seconds=settings.GENERATION_HEARTBEAT_STALE_S + 5),
    )
    fresh = job(
        version, status=JobStatus.RUNNING, worker="w2", attempts=1, started_at=now, heartbeat_at=now
    )
    touched, sent = reap(now)
    assert sent == [stale.id] and touched == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, stale.worker, stale.error_code) == (JobStatus.QUEUED, "", "worker_lost")
    assert fresh.status == JobStatus.RUNNING


def test_running_job_at_the_attempt_cap_fails_as_worker_lost(version, settings):
    now = timezone.now()
    doomed = job(
        version,
        status=JobStatus.RUNNING,
        worker="w1",
        attempts=settings.GENERATION_MAX_ATTEMPTS,
        started_at=now,
        heartbeat_at=now - timedelta(hours=1),
    )
    touched, sent = reap(now)
    doomed.refresh_from_db()
    assert sent == [] and touched == 1
    assert (doomed.status, doomed.error_code) == (JobStatus.FAILED, "worker_lost")


def test_a_forgotten_queued_job_is_sent_again_once_per_stale_period(version, settings):
    now = timezone.now()
    old = job(version)
    GenerationJob.objects.filter(id=old.id).update(
        queued_at=now - timedelta(seconds=settings.GENERATION_QUEUED_STALE_S + 1)
    )
    recent = job(version)
    _, sent = reap(now)
    assert sent == [old.id]
    _, sent_again = reap(now + timedelta(seconds=5))
    assert sent_again == []  # it waits another stale period
    assert GenerationJob.objects.get(id=recent.id).heartbeat_at is None  # not touched yet
    _, later = reap(now + timedelta(seconds=settings.GENERATION_QUEUED_STALE_S + 2))
    assert set(later) == {old.id, recent.id}  # both have now waited a whole period
