"""The baseline: a bare Channels consumer that joins a group and forwards, on our channel layer."""

from __future__ import annotations

import json
import os
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dawg.settings.development")
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class BareConsumer(AsyncWebsocketConsumer):
    """/ws/bare/<hex>/ joins group bare.<hex>; every event.forward message goes to the socket as
    JSON, as our consumer does, without auth, ownership checks or metrics.
    """

    async def connect(self) -> None:
        self.group = f"bare.{self.scope['url_route']['kwargs']['key']}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def event_forward(self, message: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(message["event"]))


async def plain_http(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers any HTTP request with 200 (the stack's readiness probe)."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


application = ProtocolTypeRouter(
    {
        "http": plain_http,
        "websocket": URLRouter([path("ws/bare/<str:key>/", BareConsumer.as_asgi())]),
    }
)
