"""The conversation consumer in-process (real Redis channel layer): auth, frames, limits."""

from __future__ import annotations

import json
import uuid

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from chat.models import Message
from dawg.routing import websocket_urlpatterns
from generation.models import BeatVersion
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

application = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))


def session_headers(user) -> list[tuple[bytes, bytes]]:
    from django.conf import settings

    from tests.stack.live import session_cookie_for

    cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie_for(user)}"
    return [(b"cookie", cookie.encode()), (b"origin", b"http://127.0.0.1")]


async def connect(conversation_id, user=None):
    headers = await database_sync_to_async(session_headers)(user) if user else []
    communicator = WebsocketCommunicator(
        application, f"/ws/conversations/{conversation_id}/", headers=headers
    )
    connected, _code = await communicator.connect(timeout=5)
    return communicator, connected


async def receive(communicator, timeout=5):
    return json.loads(await communicator.receive_from(timeout=timeout))


async def receive_until(communicator, event_type, timeout=5):
    seen = []
    while True:
        event = await receive(communicator, timeout)
        seen.append(event)
        if event["type"] == event_type:
            return event, seen


@pytest.fixture
def owner():
    return factories.user_create(username="owner")


@pytest.fixture
def conversation(owner):
    return factories.conversation_create(owner=owner)


async def test_owner_connects_and_gets_ready(owner, conversation):
    communicator, connected = await connect(conversation.id, owner)
    assert connected
    ready = await receive(communicator)
    assert ready["type"] == "connection.ready"
    assert ready["conversation"] == str(conversation.id)
    assert {"seq", "ts", "max_frame_bytes"} <= set(ready)
    await communicator.disconnect()


async def test_anonymous_is_closed_with_4401(conversation):
    communicator, _ = await connect(conversation.id)
    output = await communicator.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": 4401}


async def test_other_user_is_closed_with_4403(conversation):
    intruder = await database_sync_to_async(factories.user_create)(username="intruder")
    communicator, _ = await connect(conversation.id, intruder)
    output = await communicator.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": 4403}


async def test_unknown_conversation_is_closed_with_4403(owner):
    communicator, _ = await connect(uuid.uuid4(), owner)
    assert (await communicator.receive_output(timeout=5))["code"] == 4403


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "malformed_json"),
        ("[1, 2, 3]", "malformed_frame"),
        ('{"no_type": 1}', "malformed_frame"),
        ('{"type": "launch.missiles"}', "unknown_type"),
        (
            '{"type": "chat.message", "text": 5, "client_msg_id": "' + str(uuid.uuid4()) + '"}',
            "invalid_text",
        ),
        (
            '{"type": "chat.message", "text": "hi", "client_msg_id": "nope"}',
            "invalid_client_msg_id",
        ),
        ('{"type": "resume", "last_seq": -4}', "invalid_last_seq"),
        ('{"type": "beat.restore", "version": "one"}', "invalid_version"),
        ('{"type": "generation.cancel", "job": "' + str(uuid.uuid4()) + '"}', "not_found"),
    ],
)
async def test_bad_frames_get_an_error_and_the_socket_stays_open(owner, conversation, frame, code):
    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)  # connection.ready
    await communicator.send_to(text_data=frame)
    error = await receive(communicator)
    assert error["type"] in ("error", "chat.error")
    assert error["code"] == code
    await communicator.send_to(text_data='{"type": "ping"}')
    assert (await receive(communicator))["type"] == "pong"
    assert await database_sync_to_async(Message.objects.count)() == 0
    await communicator.disconnect()


async def test_oversize_frame_is_refused_and_nothing_is_stored(owner, conversation):
    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)
    frame = json.dumps(
        {"type": "chat.message", "text": "x" * 20_000, "client_msg_id": str(uuid.uuid4())}
    )
    await communicator.send_to(text_data=frame)
    error = await receive(communicator)
    assert (error["type"], error["code"]) == ("error", "frame_too_large")
    assert await database_sync_to_async(Message.objects.count)() == 0
    await communicator.disconnect()


async def test_binary_frames_are_refused(owner, conversation):
    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await receive(communicator))["code"] == "binary_not_supported"
    await communicator.disconnect()


async def test_chat_message_reaches_every_tab_with_growing_seq(
    owner, conversation, django_capture_on_commit_callbacks
):
    first, _ = await connect(conversation.id, owner)
    second, _ = await connect(conversation.id, owner)
    await receive(first)
    await receive(second)
    client_msg_id = str(uuid.uuid4())
    await first.send_to(
        text_data=json.dumps(
            {"type": "chat.message", "text": "what can you do?", "client_msg_id": client_msg_id}
        )
    )
    for communicator in (first, second):
        seen = []
        while len([e for e in seen if e["type"] == "chat.message"]) < 2:
            seen.append(await receive(communicator))
        messages = [e["message"] for e in seen if e["type"] == "chat.message"]
        assert [m["role"] for m in messages] == ["user", "assistant"]
        assert messages[0]["client_msg_id"] == client_msg_id
        seqs = [e["seq"] for e in seen]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    await first.disconnect()
    await second.disconnect()


async def test_resending_the_same_client_msg_id_creates_nothing_new(owner, conversation):
    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)
    frame = json.dumps({"type": "chat.message", "text": "help", "client_msg_id": str(uuid.uuid4())})
    await communicator.send_to(text_data=frame)
    await receive_until(communicator, "chat.message")
    await communicator.send_to(text_data=frame)
    await communicator.send_to(text_data='{"type": "ping"}')
    await receive_until(communicator, "pong")
    assert await database_sync_to_async(Message.objects.count)() == 2
    await communicator.disconnect()


@override_settings(CHAT_MESSAGES_PER_MINUTE=2)
async def test_message_rate_limit_gives_chat_error_with_retry_after(owner, conversation):
    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)
    for _ in range(2):
        await communicator.send_to(
            text_data=json.dumps(
                {"type": "chat.message", "text": "help", "client_msg_id": str(uuid.uuid4())}
            )
        )
    await communicator.send_to(
        text_data=json.dumps(
            {"type": "chat.message", "text": "help", "client_msg_id": str(uuid.uuid4())}
        )
    )
    error, _ = await receive_until(communicator, "chat.error", timeout=10)
    assert error["code"] == "rate_limited"
    assert 1 <= error["retry_after"] <= 61
    assert await database_sync_to_async(Message.objects.filter(role="user").count)() == 2
    await communicator.disconnect()


@override_settings(GENERATION_MAX_ACTIVE_JOBS_PER_USER=1)
async def test_job_limit_refuses_a_render_with_retry_after(owner, conversation):
    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)
    await communicator.send_to(
        text_data=json.dumps(
            {"type": "chat.message", "text": "trap beat 140", "client_msg_id": str(uuid.uuid4())}
        )
    )
    await receive_until(communicator, "beat.version_created", timeout=10)
    await communicator.send_to(
        text_data=json.dumps(
            {"type": "chat.message", "text": "house beat 124", "client_msg_id": str(uuid.uuid4())}
        )
    )
    error, _ = await receive_until(communicator, "chat.error", timeout=10)
    assert error["code"] == "too_many_jobs" and error["retry_after"] > 0
    assert await database_sync_to_async(BeatVersion.objects.count)() == 1
    await communicator.disconnect()


@override_settings(WS_MAX_CONNECTIONS_PER_USER=2)
async def test_too_many_sockets_for_one_user_are_refused(owner, conversation):
    kept = []
    for _ in range(2):
        communicator, _ = await connect(conversation.id, owner)
        await receive(communicator)
        kept.append(communicator)
    extra, _ = await connect(conversation.id, owner)
    assert (await extra.receive_output(timeout=5)) == {"type": "websocket.close", "code": 4429}
    for communicator in kept:
        await communicator.disconnect()


async def test_resume_returns_a_snapshot_from_the_database(owner, conversation):
    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)
    await communicator.send_to(
        text_data=json.dumps(
            {"type": "chat.message", "text": "lofi beat 80 bpm", "client_msg_id": str(uuid.uuid4())}
        )
    )
    await receive_until(communicator, "generation.queued", timeout=10)
    await communicator.send_to(text_data='{"type": "resume", "last_seq": 0}')
    snapshot, _ = await receive_until(communicator, "conversation.snapshot")
    assert [m["role"] for m in snapshot["messages"]] == ["user", "assistant"]
    assert snapshot["beat"]["versions"][0]["genre"] == "lo-fi"
    assert snapshot["jobs"][0]["status"] == "queued"
    assert snapshot["seq"] >= 4
    await communicator.disconnect()
