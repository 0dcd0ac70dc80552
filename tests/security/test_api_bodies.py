"""The JSON API answers bad bodies with JSON 400/413, never an HTML page."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(user):
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def post(client, path, body: bytes):
    return client.post(path, body, content_type="application/json")


@pytest.mark.parametrize("size", [100 * 1024, 3 * 1024 * 1024])
def test_bodies_over_the_limit_get_json_413(api, size):
    body = json.dumps({"text": "x" * size, "client_msg_id": str(uuid.uuid4())}).encode()
    convo = factories.conversation_create(owner=factories_user(api))
    response = post(api, f"/api/conversations/{convo.id}/messages/", body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def factories_user(client):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session["_auth_user_id"])


def test_deeply_nested_json_gets_json_400_not_a_500(api):
    convo = factories.conversation_create(owner=factories_user(api))
    for body in (b"[" * 20_000 + b"]" * 20_000, b'{"a":' * 5000 + b"1" + b"}" * 5000):
        response = post(api, f"/api/conversations/{convo.id}/messages/", body)
        assert response.status_code == 400, response.content[:200]
        assert response.json()["error"]["code"] == "too_deep"
    response = post(api, "/api/conversations/", b"[" * 20_000)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


def test_an_unexpected_error_on_the_api_is_json(api, monkeypatch):
    from chat import api as chat_api

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(chat_api.services, "conversation_create", broken)
    client = Client(raise_request_exception=False)
    client.force_login(factories_user(api))
    response = post(client, "/api/conversations/", b"{}")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
