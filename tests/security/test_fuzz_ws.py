"""Generated WebSocket frames never crash the consumer, never close the socket and never store
anything but real chat turns."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from chat.models import Message
from generation.models import BeatVersion
from tests import factories
from tests.stack.live import session_cookie_for

FRAME_TYPES = ["chat.message", "generation.cancel", "beat.restore", "resume", "ping", "x", ""]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
structured = st.fixed_dictionaries(
    {"type": st.sampled_from(FRAME_TYPES)},
    optional={
        "text": st.text(max_size=300) | json_values,
        "client_msg_id": st.uuids().map(str) | json_values,
        "job": st.uuids().map(str) | json_values,
        "version": st.integers(-5, 5) | json_values,
        "last_seq": st.integers(-5, 10**12) | json_values,
        "reason": st.text(max_size=10),
    },
).map(json.dumps)
frames = st.lists(
    structured | st.text(max_size=200) | json_values.map(json.dumps), min_size=1, max_size=8
)


@pytest.mark.django_db(transaction=True)
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=frames)
def test_generated_frames_leave_the_socket_open_and_store_no_garbage(batch):
    user = factories.user_create(username=f"fz-{uuid.uuid4().hex[:8]}")
    conversation = factories.conversation_create(owner=user)
    cookie = session_cookie_for(user)

    async def scenario() -> None:
        from dawg.asgi import application

        headers = [
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
            (b"origin", b"http://127.0.0.1"),
            (b"host", b"127.0.0.1"),
        ]
        communicator = WebsocketCommunicator(
            application, f"/ws/conversations/{conversation.id}/", headers=headers
        )
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        for frame in batch:
            await communicator.send_input({"type": "websocket.receive", "text": frame})
        await communicator.send_to(text_data='{"type": "ping"}')
        while True:  # every frame was answered or handled, and the socket still works
            output = await communicator.receive_output(timeout=10)
            assert output["type"] == "websocket.send", output
            if json.loads(output["text"])["type"] == "pong":
                break
        await communicator.disconnect()

    asyncio.run(scenario())
    for message in Message.objects.filter(conversation=conversation):
        assert message.role in ("user", "assistant") and isinstance(message.text, str)
    users = Message.objects.filter(conversation=conversation, role="user").count()
    assert users == Message.objects.filter(conversation=conversation, role="assistant").count()
    for version in BeatVersion.objects.filter(beat__conversation=conversation):
        version.beat_spec()
