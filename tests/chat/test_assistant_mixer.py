"""The reply event carries the assistant's mixer request to the studio (real Redis layer)."""

from __future__ import annotations

import json
import uuid

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from dawg.routing import websocket_urlpatterns
from generation.models import BeatVersion
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

application = AuthMiddlewareStack(URLRouter(websocket_urlpatterns))


def _headers(user) -> list[tuple[bytes, bytes]]:
    from django.conf import settings

    from tests.stack.live import session_cookie_for

    cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie_for(user)}"
    return [(b"cookie", cookie.encode()), (b"origin", b"http://127.0.0.1")]


async def _reply_to(communicator, text: str) -> dict:
    """Send a chat turn and return the assistant's chat.message event payload."""
    await communicator.send_to(
        text_data=json.dumps(
            {"type": "chat.message", "text": text, "client_msg_id": str(uuid.uuid4())}
        )
    )
    while True:
        event = json.loads(await communicator.receive_from(timeout=10))
        if event["type"] == "chat.message" and event["message"]["role"] == "assistant":
            return event["message"]


async def test_solo_and_mute_reach_the_studio_in_the_reply_event(settings):
    settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER = 100
    user = await database_sync_to_async(factories.user_create)(username="mixer")
    convo = await database_sync_to_async(factories.conversation_create)(owner=user)
    headers = await database_sync_to_async(_headers)(user)
    communicator = WebsocketCommunicator(
        application, f"/ws/conversations/{convo.id}/", headers=headers
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    created = await _reply_to(communicator, "dark trap beat, 140 bpm, F minor")
    assert created["mixer"] is None
    versions = await database_sync_to_async(BeatVersion.objects.count)()

    solo = await _reply_to(communicator, "solo the 808")
    assert solo["mixer"] == {"solo": ["bass"]}
    assert await database_sync_to_async(BeatVersion.objects.count)() == versions

    muted = await _reply_to(communicator, "mute the hats")
    assert muted["mixer"] == {"mute": ["hats"]}
    assert await database_sync_to_async(BeatVersion.objects.count)() == versions + 1
    await communicator.disconnect()
