"""Log lines: JSON with request, user and job ids; no chat texts or secrets at INFO."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import override_settings

from chat import services as chat_services
from generation.tasks import render_job
from infra.observability.logging import ContextFilter, JsonFormatter
from tests import factories

pytestmark = pytest.mark.django_db


@contextmanager
def json_lines(logger_name: str, level: int = logging.INFO) -> Iterator[list[dict]]:
    """Capture what ``logger_name`` writes through the project's JSON formatter and filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    logger = logging.getLogger(logger_name)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())


def test_logging_writes_json_lines_to_stdout():
    handler = settings.LOGGING["handlers"]["stdout"]
    assert handler["stream"] == "ext://sys.stdout"
    assert handler["formatter"] == "json"
    assert "context" in handler["filters"]


def test_request_log_line_carries_request_id_and_user_id(user_client, user):
    with json_lines("django.request") as lines:
        # Someone else's (here: nobody's) beat: the view answers 404 and Django logs it.
        response = user_client.get(f"/beats/{uuid.uuid4()}/", HTTP_X_REQUEST_ID="trace-abc.123")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "trace-abc.123"
    (line,) = lines
    assert line["level"] == "WARNING"
    assert line["logger"] == "django.request"
    assert line["request_id"] == "trace-abc.123"
    assert line["user_id"] == str(user.pk)
    assert line["timestamp"].endswith("+00:00") and "T" in line["timestamp"]
    assert "request" not in line  # the HttpRequest object is not dumped into the line


def test_a_malformed_request_id_is_replaced_not_echoed(client):
    response = client.get("/health", HTTP_X_REQUEST_ID="evil id\ninjected")
    assert response.status_code == 200
    returned = response["X-Request-ID"]
    assert returned != "evil id\ninjected"
    assert len(returned) == 32 and int(returned, 16) >= 0


def test_worker_log_lines_carry_the_job_id_from_the_task_arguments():
    job_id = str(uuid.uuid4())
    with json_lines("generation.jobs.run") as lines:
        render_job.apply(args=[job_id])  # a job that does not exist: logged and skipped
    assert lines, "the pipeline logged nothing for a missing job"
    assert all(line["job_id"] == job_id for line in lines)
    assert all(line.get("task_id") for line in lines)


@override_settings(
    LLM_BASE_URL="http://127.0.0.1:9/v1", LLM_API_KEY="sk-live-secret-0123", LLM_TIMEOUT_S=0.5
)
def test_chat_text_and_api_key_stay_out_of_info_logs(user):
    conversation = factories.conversation_create(owner=user)
    secret_text = "dark trap beat about my-private-diary-7731, 140, F minor"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        chat_services.message_post(
            conversation=conversation, author=user, text=secret_text, client_msg_id=uuid.uuid4()
        )
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    written = stream.getvalue()
    assert "my-private-diary-7731" not in written
    assert "sk-live-secret-0123" not in written


def test_each_request_gets_one_json_access_line_but_probes_do_not(user_client, user):
    with json_lines("infra.access") as lines:
        user_client.get("/c/?token=should-not-be-logged", HTTP_X_REQUEST_ID="req-42")
        user_client.get("/health")
        user_client.get("/metrics")
    (line,) = lines
    assert line["message"] == "GET /c/ 200"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/c/", 200)
    assert line["duration_ms"] >= 0
    assert line["request_id"] == "req-42"
    assert line["user_id"] == str(user.pk)
    assert "should-not-be-logged" not in json.dumps(line)


def test_lines_of_a_conversation_url_carry_the_conversation_id(user_client, user):
    conversation = factories.conversation_create(owner=user)
    with json_lines("infra.access") as lines:
        response = user_client.get(f"/c/{conversation.id}/")
    assert response.status_code == 200
    (line,) = lines
    assert line["conversation_id"] == str(conversation.id)
    assert line["user_id"] == str(user.pk)
