"""Frame budgets, nesting limits and socket counts on the conversation socket (in-process)."""

from __future__ import annotations

import json
import uuid

import pytest
from channels.db import database_sync_to_async
from django.test import override_settings

from chat import consumers
from chat.models import Message
from infra.realtime import live_sockets
from infra.realtime.frame_limit import TokenBucket
from tests import factories
from tests.infra.realtime.test_consumer import connect, receive, receive_until

pytestmark = pytest.mark.django_db(transaction=True)

NESTED = "[" * 5000 + "]" * 5000  # 10 KB, under the frame size limit


@pytest.fixture
def owner():
    return factories.user_create(username="owner")


@pytest.fixture
def conversation(owner):
    return factories.conversation_create(owner=owner)


def test_bucket_spends_refills_and_says_when():
    now = [0.0]
    bucket = TokenBucket(rate=2, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    assert bucket.retry_after() == 1
    assert not bucket.take(3)
    now[0] = 1.0  # two tokens back
    assert bucket.take(2) and not bucket.take()
    now[0] = 100.0  # never above the burst
    assert bucket.take(3) and not bucket.take()


@override_settings(WS_FRAME_BURST=10, WS_FRAMES_PER_SECOND=0.001)
async def test_resume_flood_is_refused_with_a_rate_limited_error(owner, conversation, monkeypatch):
    built = []
    original = consumers.ConversationConsumer._snapshot

    def counting(self):
        built.append(1)
        return original(self)

    monkeypatch.setattr(consumers.ConversationConsumer, "_snapshot", counting)
    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)
    for _ in range(200):
        await communicator.send_to(text_data='{"type": "resume", "last_seq": 0}')
    answers = [await receive(communicator) for _ in range(200)]
    snapshots = [a for a in answers if a["type"] == "conversation.snapshot"]
    refused = [a for a in answers if a["type"] == "error"]
    assert len(snapshots) == len(built) == 2  # 10 tokens, 5 a resume
    assert len(refused) == 198
    assert {a["code"] for a in refused} == {"rate_limited"}
    assert all(a["retry_after"] >= 1 for a in refused)
    await communicator.disconnect()


@override_settings(WS_FRAME_BURST=1000, CHAT_MESSAGES_PER_MINUTE=20)
async def test_restore_frames_cannot_store_past_the_chat_limit(owner, conversation):
    def two_versions():
        beat = factories.beat_create(owner=owner, conversation=conversation)
        factories.version_create(beat=beat)
        factories.version_create(beat=beat, genre="house")

    await database_sync_to_async(two_versions)()
    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)
    for number in range(60):
        await communicator.send_to(
            text_data=json.dumps({"type": "beat.restore", "version": 1 + number % 2})
        )
    await communicator.send_to(text_data='{"type": "ping"}')
    seen = []
    while True:
        event = await receive(communicator, timeout=20)
        seen.append(event)
        if event["type"] == "pong":
            break
    stored = await database_sync_to_async(Message.objects.filter(role="assistant").count)()
    assert stored == 20
    assert {e["code"] for e in seen if e["type"] == "chat.error"} == {"rate_limited"}
    await communicator.disconnect()


@override_settings(WS_MAX_CONNECTIONS_PER_USER=1)
async def test_nested_frames_get_an_error_and_the_socket_lives_on(owner, conversation):
    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)
    for _ in range(20):
        await communicator.send_to(text_data=NESTED)
        error = await receive(communicator)
        assert (error["type"], error["code"]) == ("error", "too_deep")
    await communicator.send_to(text_data='{"type": "ping"}')
    assert (await receive(communicator))["type"] == "pong"
    await communicator.disconnect()
    again, _ = await connect(conversation.id, owner)
    assert (await receive(again))["type"] == "connection.ready"
    await again.disconnect()


@override_settings(WS_MAX_CONNECTIONS_PER_USER=1)
async def test_a_crashed_consumer_does_not_keep_its_socket_counted(
    owner, conversation, monkeypatch
):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")  # a fault outside the handlers' own error handling

    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)
    monkeypatch.setattr(consumers.json_limits, "loads", crash)
    await communicator.send_to(text_data='{"type": "ping"}')
    with pytest.raises(RuntimeError):
        await communicator.wait(timeout=5)
    monkeypatch.undo()
    assert live_sockets.count_for(str(owner.pk)) == 0
    again, _ = await connect(conversation.id, owner)
    assert (await receive(again))["type"] == "connection.ready"
    await again.disconnect()


async def test_forged_gap_reports_do_not_count_drops(owner, conversation):
    from infra.observability.metrics import CHANNEL_LAYER_DROPS

    before = CHANNEL_LAYER_DROPS._value.get()
    communicator, _ = await connect(conversation.id, owner)
    await receive(communicator)
    await communicator.send_to(
        text_data=json.dumps({"type": "resume", "last_seq": 0, "reason": "gap"})
    )
    await receive_until(communicator, "conversation.snapshot")
    await communicator.send_to(
        text_data=json.dumps(
            {"type": "chat.message", "text": "help", "client_msg_id": str(uuid.uuid4())}
        )
    )
    await receive_until(communicator, "chat.message")
    assert CHANNEL_LAYER_DROPS._value.get() == before
    await communicator.disconnect()
