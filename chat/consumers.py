"""The conversation WebSocket: auth, owner check, client frames in, events out."""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import Http404

from generation import selectors as generation_selectors
from generation import services as generation_services
from infra.http import json_limits
from infra.observability import metrics, request_context
from infra.realtime import events, live_sockets, sequence, session_groups, socket_reads
from infra.realtime.frame_limit import TokenBucket

from . import selectors, services

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY = 4429

# Tokens a frame spends (WS_FRAME_BURST, refilled at WS_FRAMES_PER_SECOND): a resume builds a
# whole snapshot from the database; anything not listed costs 1.
FRAME_COSTS = {"resume": 5}


class ConversationConsumer(AsyncWebsocketConsumer):
    """``/ws/conversations/<uuid>/``: one socket per browser tab; see docs/realtime-protocol.md."""

    group: str | None = None
    user_key: str = ""
    _auth_groups: list[str] = []
    # The highest seq this socket has been sent (ready, events, snapshots, pongs).
    _seq_sent: int = 0

    # --- lifecycle --------------------------------------------------------------------------
    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # A consumer that crashed never runs disconnect(): its socket must not stay counted
            # (20 crashing frames used to lock the user out with 4429 until a restart).
            live_sockets.unregister(self)

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
        seq = await socket_reads.read(
            selectors.conversation_seq_for_owner, owner=user, conversation_id=self.conversation_id
        )  # ownership and seq in one query
        if seq is None:
            await self.channel_layer.group_discard(group, self.channel_name)
            await self._refuse(CLOSE_FORBIDDEN, "forbidden")
            return
        self.group = group
        await self._join_auth_groups()
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

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' dispatch first hops to the database thread to close old connections, once
        # per message (connect, every frame, every group event, disconnect). Here it had
        # nothing to do: the reads go through socket_reads (its own thread and connection),
        # and every database_sync_to_async call closes old connections before and after it
        # runs; the hop only cost a thread round trip per message.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def _refuse(self, code: int, reason: str) -> None:
        # Accept first so the browser sees our close code instead of a bare handshake failure.
        await self.accept()
        await self.close(code=code)
        metrics.ws_rejected(reason)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        # Channels' version also hops to the database thread to close old connections, which
        # this consumer does not hold (see dispatch). It has no class-level ``groups``.
        await self.disconnect(message["code"])
        raise StopConsumer()

    async def disconnect(self, code: int) -> None:
        if self.group is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        for group in self._auth_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        live_sockets.unregister(self)
        metrics.ws_disconnected(code)
        self.group = None

    async def _join_auth_groups(self) -> None:
        """This login session's group (logout closes it) and the user's (a password change
        closes every session's sockets): the socket must not outlive its authority."""
        session = self.scope.get("session")
        key = getattr(session, "session_key", None)
        self._auth_groups = [session_groups.user_group(self.user_key)]
        if key:
            self._auth_groups.append(session_groups.session_group(key))
        for group in self._auth_groups:
            await self.channel_layer.group_add(group, self.channel_name)

    async def session_ended(self, message: dict[str, Any]) -> None:
        """Logout or password change (infra.realtime.session_groups): close as unauthenticated."""
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def shutdown(self, code: int) -> None:
        """Called on SIGTERM: tell the client to reconnect elsewhere. The server then closes
        the socket with ``code`` (1012), which an ASGI close cannot send (infra.realtime.web_server)."""
        seq = await socket_reads.read(sequence.current_seq, self.conversation_id)
        await self._send_event(
            events.build("system.reconnect", self.conversation_id, seq, reason="server_restart")
        )

    # --- client → server --------------------------------------------------------------------
    @property
    def _frames(self) -> TokenBucket:
        """This socket's frame budget (WS_FRAMES_PER_SECOND, WS_FRAME_BURST)."""
        bucket = self.__dict__.get("_frame_bucket")
        if bucket is None:
            bucket = self.__dict__["_frame_bucket"] = TokenBucket(
                rate=settings.WS_FRAMES_PER_SECOND, burst=settings.WS_FRAME_BURST
            )
        return bucket

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.group is None:
            return
        # Every frame spends a token before any work, malformed ones too; costly types more.
        if not self._frames.take(1):
            await self._refuse_frame(1)
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
            frame = json_limits.loads(text_data, max_depth=settings.JSON_MAX_DEPTH)
        except json_limits.TooDeep:
            await self._error(
                "too_deep", f"frames may nest at most {settings.JSON_MAX_DEPTH} levels"
            )
            return
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
        extra = FRAME_COSTS.get(frame["type"], 1) - 1
        if extra > 0 and not self._frames.take(extra):
            await self._refuse_frame(extra, frame["type"])
            return
        try:
            await handler(self, frame)
        except Exception:
            logger.exception("frame %s failed", frame["type"])
            await self._error("internal_error", "something went wrong on our side; try again")

    async def _refuse_frame(self, cost: int, frame_type: str | None = None) -> None:
        """A frame over this socket's budget: dropped, answered without touching the database."""
        metrics.ws_rejected("frame_rate")
        what = f"{frame_type!r} frames" if frame_type else "frames"
        await self._send_event(
            events.build(
                "error",
                self.conversation_id,
                self._seq_sent,
                code="rate_limited",
                message=f"too many {what} on this socket; slow down",
                retry_after=self._frames.retry_after(cost),
            )
        )

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
        version = frame.get("version")
        number_given = isinstance(version, int) and not isinstance(version, bool) and version > 0
        if not (_is_uuid(version) or number_given):
            await self._error(
                "invalid_version",
                "version must be a version id (or a number of the beat being edited)",
            )
            return
        try:
            restored = await database_sync_to_async(self._restore)(version)
        except services.ChatRejected as exc:
            await self._error(exc.code, exc.message, chat=True, retry_after=exc.retry_after)
            return
        if not restored:
            await self._error("not_found", f"there is no version {version}")

    def _restore(self, version: str | int) -> bool:
        conversation = selectors.conversation_get(
            owner=self.user, conversation_id=self.conversation_id
        )
        if isinstance(version, int):
            return services.version_restore(
                conversation=conversation, author=self.user, number=version
            )
        return services.version_restore(
            conversation=conversation, author=self.user, version_id=version
        )

    async def _on_beat_mix(self, frame: dict[str, Any]) -> None:
        version_id, tracks = frame.get("version"), frame.get("tracks")
        if not _is_uuid(version_id):
            await self._error("invalid_version", "version must be a version id")
            return
        try:
            await database_sync_to_async(self._mix)(version_id, tracks)
        except services.ChatRejected as exc:
            await self._error(exc.code, exc.message, chat=True, retry_after=exc.retry_after)

    def _mix(self, version_id: str, tracks: object) -> None:
        conversation = selectors.conversation_get(
            owner=self.user, conversation_id=self.conversation_id
        )
        services.mix_bake(
            conversation=conversation, author=self.user, version_id=version_id, tracks=tracks
        )

    async def _on_beat_select(self, frame: dict[str, Any]) -> None:
        beat_id = frame.get("beat")
        if not _is_uuid(beat_id) or not await database_sync_to_async(self._select)(beat_id):
            await self._error("not_found", "no such beat in this conversation")

    def _select(self, beat_id: str) -> bool:
        conversation = selectors.conversation_get(
            owner=self.user, conversation_id=self.conversation_id
        )
        return services.beat_select(conversation=conversation, author=self.user, beat_id=beat_id)

    async def _on_resume(self, frame: dict[str, Any]) -> None:
        last_seq = frame.get("last_seq", 0)
        if isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0:
            await self._error("invalid_last_seq", "last_seq must be a whole number")
            return
        snapshot = await socket_reads.read(self._snapshot)
        # No drop counting here: the client's word ("reason": "gap") could inflate it.
        # event_forward counts the gaps this socket really saw.
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
        seq = await socket_reads.read(sequence.current_seq, self.conversation_id)
        await self._send_event(events.build("pong", self.conversation_id, seq))

    FRAME_HANDLERS = {
        "chat.message": _on_chat_message,
        "generation.cancel": _on_generation_cancel,
        "beat.restore": _on_beat_restore,
        "beat.select": _on_beat_select,
        "beat.mix": _on_beat_mix,
        "resume": _on_resume,
        "ping": _on_ping,
    }

    # --- server → client --------------------------------------------------------------------
    async def event_forward(self, message: dict[str, Any]) -> None:
        """A conversation event from the channel layer (any process) to this socket."""
        if self.group is None:  # refused, or not yet the owner's: nothing goes out
            return
        event = message["event"]
        seq = event.get("seq")
        if isinstance(seq, int) and 0 < self._seq_sent < seq - 1:
            # Published events take consecutive seqs: a jump is events this socket never got.
            metrics.channel_layer_dropped(seq - self._seq_sent - 1)
        await self.send(text_data=json.dumps(event))
        self._note_seq(event)
        metrics.event_sent(event["type"], time.time() - event.get("ts", time.time()))

    async def _send_event(self, event: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(event))
        self._note_seq(event)
        metrics.event_sent(event["type"], None)

    def _note_seq(self, event: dict[str, Any]) -> None:
        seq = event.get("seq")
        if isinstance(seq, int) and seq > self._seq_sent:
            self._seq_sent = seq

    async def _error(self, code: str, message: str, *, chat: bool = False, **extra: Any) -> None:
        """``error`` (protocol problems) or ``chat.error`` (a refused chat turn), to this socket."""
        seq = await socket_reads.read(sequence.current_seq, self.conversation_id)
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
