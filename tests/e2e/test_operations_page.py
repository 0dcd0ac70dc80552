"""The admin operations page in a browser: staff see it and can retry a failed job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from generation.models import ACTIVE_JOB_STATUSES, GenerationJob, JobStatus
from tests import factories
from tests.e2e.conftest import DESKTOP
from tests.stack import live
from tests.stack.processes import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_staff_see_operations_and_retry_a_failure(new_page, browser_stack, screenshots):
    owner = factories.user_create()
    version = factories.version_create(beat=factories.beat_create(owner=owner))
    now = timezone.now()
    for seconds in (2, 4):
        factories.job_create(
            version=version,
            status=JobStatus.SUCCEEDED,
            started_at=now - timedelta(seconds=seconds + 30),
            finished_at=now - timedelta(seconds=30),
        )
    failed = factories.job_create(
        version=version,
        status=JobStatus.FAILED,
        started_at=now - timedelta(minutes=2),
        finished_at=now - timedelta(minutes=1),
        error_code="storage_unavailable",
        error_message="S3 did not answer",
    )
    staff = factories.staff_user_create()
    page = new_page(DESKTOP)
    host = browser_stack["base_url"].split("//")[1].split(":")[0]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": live.session_cookie_for(staff),
                "domain": host,
                "path": "/",
            }
        ]
    )
    page.goto("/admin/")
    page.get_by_role("link", name="Operations").first.click()
    expect(page.get_by_test_id("ops-p50")).to_contain_text("3.00 s")
    expect(page.get_by_test_id("ops-failure-rate")).to_contain_text("33 %")
    expect(page.get_by_test_id("ops-failures")).to_contain_text("storage_unavailable")
    page.screenshot(path=str(screenshots / "admin-operations.png"), full_page=True)

    page.get_by_test_id("ops-failures").get_by_role("button", name="Retry").click()
    expect(page.locator(".messagelist")).to_contain_text("Re-queued")
    assert GenerationJob.objects.filter(version=version).exclude(id=failed.id).count() == 3
    # The stack's worker takes the re-queued job at once; the test ends only when it is done,
    # so the database flush after the test never races the worker's row locks (a deadlock).
    wait_until(
        lambda: (
            not GenerationJob.objects.filter(
                version=version, status__in=ACTIVE_JOB_STATUSES
            ).exists()
        ),
        timeout=120,
        what="the re-queued job to finish",
    )
