"""The conversation WebSocket: auth, owner check, client frames in, events out."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import Http404

from generation import selectors as generation_selectors
from generation import services as generation_services
from infra.observability import metrics, request_context
from infra.realtime import events, live_sockets, sequence

from . import selectors, services

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY = 4429


class ConversationConsumer(AsyncWebsocketConsumer):
    """``/ws/conversations/<uuid>/``: one socket per browser tab; see docs/realtime-protocol.md."""

    group: str | None = None
    user_key: str = ""

    # --- lifecycle --------------------------------------------------------------------------
    async def connect(self) -> None:
        user = self.scope.get("user")
        self.conversation_id = str(self.scope["url_route"]["kwargs"]["conversation_id"])
        if user is None or not user.is_authenticated:
            await self._refuse(CLOSE_UNAUTHENTICATED, "unauthenticated")
            return
        self.user = user
        self.user_key = str(user.pk)
        # The consumer's task keeps these for its life: its log lines name the user and chat.
        request_context.user_id.set(self.user_key)
        request_context.conversation_id.set(self.conversation_id)
        if live_sockets.count_for(self.user_key) >= settings.WS_MAX_CONNECTIONS_PER_USER:
            await self._refuse(CLOSE_TOO_MANY, "too_many")
            return
        # Subscribed before the seq is read, so no event falls between the two; events wait
        # in the channel until connect returns and go out only once self.group is set.
        group = events.group_name(self.conversation_id)
        await self.channel_layer.group_add(group, self.channel_name)
        seq = await database_sync_to_async(selectors.conversation_seq_for_owner)(
            owner=user, conversation_id=self.conversation_id
        )  # ownership and seq in one query
        if seq is None:
            await self.channel_layer.group_discard(group, self.channel_name)
            await self._refuse(CLOSE_FORBIDDEN, "forbidden")
            return
        self.group = group
        await self.accept()
        live_sockets.register(self)
        metrics.ws_connected()
        await self._send_event(
            events.build(
                "connection.ready",
                self.conversation_id,
                seq,
                user=user.get_username(),
                max_frame_bytes=settings.WS_MAX_FRAME_BYTES,
            )
        )

    async def _refuse(self, code: int, reason: str) -> None:
        # Accept first so the browser sees our close code instead of a bare handshake failure.
        await self.accept()
        await self.close(code=code)
        metrics.ws_rejected(reason)

    async def disconnect(self, code: int) -> None:
        if self.group is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        live_sockets.unregister(self)
        metrics.ws_disconnected(code)
        self.group = None

    async def shutdown(self, code: int) -> None:
        """Called on SIGTERM: tell the client to reconnect elsewhere. The server then closes
        the socket with ``code`` (1012), which an ASGI close cannot send (infra.realtime.web_server)."""
        seq = await database_sync_to_async(sequence.current_seq)(self.conversation_id)
        await self._send_event(
            events.build("system.reconnect", self.conversation_id, seq, reason="server_restart")
        )

    # --- client → server --------------------------------------------------------------------
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.group is None:
            return
        if bytes_data is not None:
            await self._error("binary_not_supported", "send JSON text frames")
            return
        if len(text_data.encode("utf-8", "surrogatepass")) > settings.WS_MAX_FRAME_BYTES:
            await self._error(
                "frame_too_large", f"frames are limited to {settings.WS_MAX_FRAME_BYTES} bytes"
            )
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self._error("malformed_json", "that frame is not valid JSON")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self._error("malformed_frame", 'a frame is a JSON object with a "type"')
            return
        handler = self.FRAME_HANDLERS.get(frame["type"])
        if handler is None:
            await self._error("unknown_type", f"unknown frame type {frame['type'][:40]!r}")
            return
        try:
            await handler(self, frame)
        except Exception:
            logger.exception("frame %s failed", frame["type"])
            await self._error("internal_error", "something went wrong on our side; try again")

    async def _on_chat_message(self, frame: dict[str, Any]) -> None:
        text, client_msg_id = frame.get("text"), frame.get("client_msg_id")
        if not isinstance(text, str):
            await self._error("invalid_text", "text must be a string", chat=True)
            return
        if not _is_uuid(client_msg_id):
            await self._error("invalid_client_msg_id", "client_msg_id must be a UUID", chat=True)
            return
        try:
            await database_sync_to_async(self._post_message)(text, client_msg_id)
        except services.ChatRejected as exc:
            await self._error(
                exc.code,
                exc.message,
                chat=True,
                retry_after=exc.retry_after,
                client_msg_id=client_msg_id,
            )

    def _post_message(self, text: str, client_msg_id: str) -> None:
        conversation = selectors.conversation_get(
            owner=self.user, conversation_id=self.conversation_id
        )
        services.message_post(
            conversation=conversation, author=self.user, text=text, client_msg_id=client_msg_id
        )
        metrics.chat_message_received("ws")

    async def _on_generation_cancel(self, frame: dict[str, Any]) -> None:
        job_id = frame.get("job")
        if not _is_uuid(job_id) or not await database_sync_to_async(self._cancel_job)(job_id):
            await self._error("not_found", "no such job in this conversation")

    def _cancel_job(self, job_id: str) -> bool:
        try:
            job = generation_selectors.job_get(owner=self.user, job_id=job_id)
        except Http404:
            return False
        if str(job.version.beat.conversation_id) != self.conversation_id:
            return False
        generation_services.job_cancel(job=job)
        return True

    async def _on_beat_restore(self, frame: dict[str, Any]) -> None:
        number = frame.get("version")
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            await self._error("invalid_version", "version must be a version number (1, 2, ...)")
            return
        if not await database_sync_to_async(self._restore)(number):
            await self._error("not_found", f"there is no version {number}")

    def _restore(self, number: int) -> bool:
        conversation = selectors.conversation_get(
            owner=self.user, conversation_id=self.conversation_id
        )
        return services.version_restore(conversation=conversation, author=self.user, number=number)

    async def _on_resume(self, frame: dict[str, Any]) -> None:
        last_seq = frame.get("last_seq", 0)
        if isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0:
            await self._error("invalid_last_seq", "last_seq must be a whole number")
            return
        snapshot = await database_sync_to_async(self._snapshot)()
        if frame.get("reason") == "gap":
            metrics.channel_layer_dropped(max(1, snapshot["seq"] - last_seq))
        await self._send_event(
            events.build(
                "conversation.snapshot",
                self.conversation_id,
                snapshot.pop("seq"),
                last_seq=last_seq,
                **snapshot,
            )
        )

    def _snapshot(self) -> dict[str, Any]:
        conversation = selectors.conversation_with_seq(
            owner=self.user, conversation_id=self.conversation_id
        )
        if conversation is None:
            raise Http404("no such conversation")
        return selectors.conversation_snapshot(conversation=conversation, seq=conversation.seq)

    async def _on_ping(self, frame: dict[str, Any]) -> None:
        seq = await database_sync_to_async(sequence.current_seq)(self.conversation_id)
        await self._send_event(events.build("pong", self.conversation_id, seq))

    FRAME_HANDLERS = {
        "chat.message": _on_chat_message,
        "generation.cancel": _on_generation_cancel,
        "beat.restore": _on_beat_restore,
        "resume": _on_resume,
        "ping": _on_ping,
    }

    # --- server → client --------------------------------------------------------------------
    async def event_forward(self, message: dict[str, Any]) -> None:
        """A conversation event from the channel layer (any process) to this socket."""
        if self.group is None:  # refused, or not yet the owner's: nothing goes out
            return
        event = message["event"]
        await self.send(text_data=json.dumps(event))
        metrics.event_sent(event["type"], time.time() - event.get("ts", time.time()))

    async def _send_event(self, event: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(event))
        metrics.event_sent(event["type"], None)

    async def _error(self, code: str, message: str, *, chat: bool = False, **extra: Any) -> None:
        """``error`` (protocol problems) or ``chat.error`` (a refused chat turn), to this socket."""
        seq = await database_sync_to_async(sequence.current_seq)(self.conversation_id)
        payload = {k: v for k, v in extra.items() if v is not None}
        await self._send_event(
            events.build(
                "chat.error" if chat else "error",
                self.conversation_id,
                seq,
                code=code,
                message=message,
                **payload,
            )
        )


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
