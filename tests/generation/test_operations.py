"""The admin operations view: numbers for a known set of jobs, staff only, retry and cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from generation.models import GenerationJob, JobStatus
from generation.operations import operations_summary, percentile
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(user):
    """Succeeded in the last hour with render times 1..10 s, two failures and one cancelled
    in the hour, an old failure, two queued and one running."""
    beat = factories.beat_create(owner=user)
    version = factories.version_create(beat=beat)
    now = timezone.now()
    made = []

    def job(status, *, started=None, finished=None, code=""):
        made.append(
            factories.job_create(
                version=version,
                status=status,
                started_at=started,
                finished_at=finished,
                error_code=code,
                error_message=f"{code} happened" if code else "",
            )
        )
        return made[-1]

    for seconds in range(1, 11):
        done = now - timedelta(minutes=5 * seconds)
        job(JobStatus.SUCCEEDED, started=done - timedelta(seconds=seconds), finished=done)
    job(
        JobStatus.FAILED,
        started=now - timedelta(minutes=3),
        finished=now - timedelta(minutes=2),
        code="timeout",
    )
    job(
        JobStatus.FAILED,
        started=now - timedelta(minutes=9),
        finished=now - timedelta(minutes=8),
        code="storage_unavailable",
    )
    job(JobStatus.CANCELLED, finished=now - timedelta(minutes=1))
    old = job(
        JobStatus.FAILED,
        started=now - timedelta(hours=3),
        finished=now - timedelta(hours=2),
        code="worker_lost",
    )
    # An old success far slower than the rest must not count in the window.
    job(JobStatus.SUCCEEDED, started=now - timedelta(hours=5), finished=now - timedelta(hours=4))
    queued = [job(JobStatus.QUEUED), job(JobStatus.QUEUED)]
    running = job(JobStatus.RUNNING, started=now)
    return {"now": now, "old_failure": old, "queued": queued, "running": running}


@pytest.fixture
def staff_client(client):
    client.force_login(factories.staff_user_create(username="ops"))
    return client


def test_percentile_interpolates_like_numpy():
    assert percentile([], 0.5) is None
    assert percentile([3.0], 0.95) == 3.0
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 0.5) == pytest.approx(5.5)
    assert percentile(values, 0.95) == pytest.approx(9.55)


def test_summary_numbers_for_a_known_set_of_jobs(jobs):
    summary = operations_summary(now=jobs["now"])
    assert summary.by_status == {
        "queued": 2,
        "running": 1,
        "succeeded": 11,
        "failed": 3,
        "cancelled": 1,
    }
    assert summary.queue_depth == 2
    assert summary.finished_in_window["succeeded"] == 10
    assert summary.finished_in_window["failed"] == 2
    assert summary.render_p50_s == pytest.approx(5.5)
    assert summary.render_p95_s == pytest.approx(9.55)
    assert summary.failure_rate == pytest.approx(2 / 12)
    assert dict(summary.failures_by_code) == {"timeout": 1, "storage_unavailable": 1}
    codes = [j.error_code for j in summary.latest_failures]
    assert codes == ["timeout", "storage_unavailable", "worker_lost"]  # newest first
    assert [j.status for j in summary.active_jobs].count("queued") == 2


def test_summary_without_jobs_has_no_rates(db):
    summary = operations_summary()
    assert summary.queue_depth == 0
    assert summary.render_p50_s is None and summary.failure_rate is None


def test_operations_page_loads_for_staff_with_the_numbers(staff_client, jobs):
    response = staff_client.get(reverse("admin-operations"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="ops-queue-depth">Queue depth<b>2</b>' in body
    assert "5.50 s" in body and "9.55 s" in body
    assert "17 %" in body  # 2 of 12
    for code in ("timeout", "storage_unavailable", "worker_lost"):
        assert code in body
    assert body.count('value="retry"') == 3
    assert body.count('value="cancel"') == 3


def test_admin_index_links_to_operations(staff_client):
    body = staff_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin-operations") in body


def test_operations_page_is_refused_to_non_staff_and_anonymous(client, user_client):
    url = reverse("admin-operations")
    response = user_client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert user_client.post(url, {"action": "cancel", "job": "x"}).status_code == 302


def test_retry_requeues_a_failed_job_and_cancel_stops_a_queued_one(
    staff_client, jobs, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("generation.jobs.queue.render_send", lambda *a, **k: None)
    url = reverse("admin-operations")
    before = GenerationJob.objects.filter(status=JobStatus.QUEUED).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"action": "retry", "job": str(jobs["old_failure"].id)})
    assert response.status_code == 302
    assert GenerationJob.objects.filter(status=JobStatus.QUEUED).count() == before + 1
    queued = jobs["queued"][0]
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"action": "cancel", "job": str(queued.id)})
    queued.refresh_from_db()
    assert queued.status == JobStatus.CANCELLED
    running = jobs["running"]
    staff_client.post(url, {"action": "cancel", "job": str(running.id)})
    running.refresh_from_db()
    assert running.cancel_requested and running.status == JobStatus.RUNNING
