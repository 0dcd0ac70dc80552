"""Operations page actions need the change permission; bad job ids are a message, not a 500."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from generation.models import GenerationJob, JobStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_job(user):
    beat = factories.beat_create(owner=user)
    version = factories.version_create(beat=beat)
    return factories.job_create(version=version, status=JobStatus.FAILED, error_code="timeout")


@pytest.fixture
def bare_staff_client(client):
    """Staff (may open the admin) with no model permissions."""
    client.force_login(factories.user_create(username="bare-staff", is_staff=True))
    return client


def test_staff_without_permission_cannot_retry_or_cancel(bare_staff_client, failed_job):
    url = reverse("admin-operations")
    assert bare_staff_client.get(url).status_code == 200
    for action in ("retry", "cancel"):
        response = bare_staff_client.post(url, {"action": action, "job": str(failed_job.id)})
        assert response.status_code == 403
    assert GenerationJob.objects.count() == 1


def test_the_admin_list_hides_job_actions_without_permission(bare_staff_client, failed_job):
    user = factories.user_create(username="viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_generationjob"))
    bare_staff_client.force_login(user)
    url = reverse("admin:generation_generationjob_changelist")
    page = bare_staff_client.get(url)
    assert page.status_code == 200 and b"retry_failed" not in page.content
    bare_staff_client.post(
        url, {"action": "retry_failed", "_selected_action": [str(failed_job.id)]}
    )
    assert GenerationJob.objects.count() == 1


@pytest.mark.parametrize("job", ["not-a-uuid", str(uuid.uuid4()), ""])
def test_a_bad_job_id_is_a_clear_message(client, job, monkeypatch):
    client.force_login(factories.staff_user_create(username="ops"))
    url = reverse("admin-operations")
    response = client.post(url, {"action": "retry", "job": job}, follow=True)
    assert response.status_code == 200
    assert b"No such job." in response.content


def test_admin_pages_carry_the_content_security_policy(client):
    client.force_login(factories.staff_user_create(username="ops"))
    for url in (reverse("admin:index"), reverse("admin-operations")):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
