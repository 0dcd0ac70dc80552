"""schemathesis fuzzes the JSON API from its OpenAPI description: no 500s, no stored garbage."""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from chat.models import Conversation, Message
from dawg.openapi import openapi_document
from generation.engine.spec import BeatSpec
from generation.models import BeatVersion
from tests import factories

schema = schemathesis.openapi.from_dict(openapi_document())
application = WSGIHandler()
CSRF = "a" * 32


@pytest.fixture
def fuzz_user(django_db_blocker, django_db_setup):
    with django_db_blocker.unblock():
        user = factories.user_create(username=f"fuzz-{uuid.uuid4().hex[:8]}")
        conversation = factories.conversation_create(owner=user)
        beat = factories.beat_create(owner=user, conversation=conversation)
        version = factories.version_create(beat=beat)
        job = factories.job_create(version=version)
        from tests.stack.live import session_cookie_for

        cookie = session_cookie_for(user)
    yield {"cookie": cookie, "conversation": conversation.id, "beat": beat.id, "job": job.id}


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_never_fails_on_generated_requests(case, fuzz_user, settings_override):
    # Half the time aim at the user's real objects, so handlers go past the 404.
    for name, key in (("conversation_id", "conversation"), ("beat_id", "beat"), ("job_id", "job")):
        if case.path_parameters and name in case.path_parameters and hash(str(case.body)) % 2:
            case.path_parameters[name] = str(fuzz_user[key])
    response = case.call(
        app=application,
        headers={"X-CSRFToken": CSRF},
        cookies={settings.SESSION_COOKIE_NAME: fuzz_user["cookie"], "csrftoken": CSRF},
    )
    assert response.status_code < 500, (
        case.method,
        case.formatted_path,
        case.body,
        response.text[:500],
    )
    assert response.headers["content-type"][0].startswith("application/json")


@pytest.fixture
def settings_override(settings):
    # Fuzzing posts many turns: lift the per-minute limit so handlers are exercised, not 429s.
    settings.CHAT_MESSAGES_PER_MINUTE = 10_000
    settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER = 10_000
    return settings


@pytest.mark.django_db(transaction=True)
def test_fuzzing_left_no_garbage_behind():
    # Runs after the fuzz test in this module (same ordering as the file); the database was
    # flushed between tests, so this checks the invariants on a fresh fuzz burst instead.
    user = factories.user_create(username="garbage-check")
    conversation = factories.conversation_create(owner=user)
    from django.test import Client

    client = Client()
    client.force_login(user)
    bodies = [
        b"",
        b"null",
        b"[]",
        b'{"text": 5}',
        b'{"text": "\\u0000\\ud800"}',
        b'{"text": "trap 140", "client_msg_id": "x"}',
        b'{"text": "' + b"a" * 70_000 + b'"}',
        b"\xff\xfe",
        b'{"text": "trap beat 140", "client_msg_id": "%s"}' % str(uuid.uuid4()).encode(),
    ]
    for body in bodies:
        response = client.post(
            f"/api/conversations/{conversation.id}/messages/", body, content_type="application/json"
        )
        assert response.status_code < 500
    assert Message.objects.filter(role="user").count() == 1
    for version in BeatVersion.objects.all():
        assert (
            BeatSpec.from_dict(version.spec).to_dict() == version.spec
        )  # stored valid, inputs only
    assert Conversation.objects.count() == 1
