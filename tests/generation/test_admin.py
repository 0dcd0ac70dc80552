"""Operators can browse every model in the admin and act on jobs."""

import pytest
from django.urls import reverse

from generation.models import GenerationJob, JobStatus
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = [
    ("chat", "conversation"),
    ("chat", "message"),
    ("generation", "beat"),
    ("generation", "beatversion"),
    ("generation", "generationjob"),
    ("generation", "asset"),
]


@pytest.fixture
def staff_client(client):
    admin = factories.staff_user_create(username="ops")
    client.force_login(admin)
    return client


@pytest.fixture
def populated(user):
    conversation = factories.conversation_create(owner=user)
    beat = factories.beat_create(owner=user, conversation=conversation)
    version = factories.version_create(beat=beat)
    factories.asset_create(version=version)
    factories.job_create(version=version, status=JobStatus.FAILED, error_code="a")
    factories.job_create(version=version, status=JobStatus.QUEUED, error_code="b")
    from chat.models import Message

    Message.objects.create(conversation=conversation, role="user", text="dark trap")
    return version


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_changelist_and_change_page_load(staff_client, populated, app, model):
    url = reverse(f"admin:{app}_{model}_changelist")
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url, {"q": "trap"}).status_code == 200
    from django.apps import apps

    obj = apps.get_model(app, model).objects.first()
    assert (
        staff_client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk])).status_code == 200
    )


def test_job_filters_work(staff_client, populated):
    url = reverse("admin:generation_generationjob_changelist")
    body = staff_client.get(url, {"status__exact": "failed"}).content.decode()
    assert "Failed" in body


def test_admin_refuses_non_staff(user_client):
    response = user_client.get(reverse("admin:generation_generationjob_changelist"))
    assert response.status_code == 302


def test_cancel_queued_action_cancels_only_queued(
    staff_client, populated, django_capture_on_commit_callbacks
):
    url = reverse("admin:generation_generationjob_changelist")
    ids = [str(pk) for pk in GenerationJob.objects.values_list("id", flat=True)]
    staff_client.post(url, {"action": "cancel_queued", "_selected_action": ids})
    statuses = dict(GenerationJob.objects.values_list("error_code", "status"))
    assert statuses == {"a": JobStatus.FAILED, "b": JobStatus.CANCELLED}


def test_retry_failed_action_queues_a_new_job(
    staff_client, populated, django_capture_on_commit_callbacks
):
    url = reverse("admin:generation_generationjob_changelist")
    failed = GenerationJob.objects.get(error_code="a")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff_client.post(url, {"action": "retry_failed", "_selected_action": [str(failed.id)]})
    assert (
        GenerationJob.objects.filter(version=failed.version, status=JobStatus.QUEUED).count() == 2
    )
    enqueues = [
        cb
        for cb in callbacks
        if getattr(getattr(cb, "func", None), "__name__", "") == "render_send"
    ]
    assert len(enqueues) == 1  # one render enqueued, and only after commit
