"""JSON shapes of chat rows, shared by events, the HTTP API and the resume snapshot."""

from __future__ import annotations

from typing import Any

from infra.realtime import sequence

from .models import Conversation, Message


def message_to_dict(message: Message) -> dict[str, Any]:
    intent = message.intent or {}
    return {
        "id": str(message.id),
        "role": message.role,
        "text": message.text,
        "client_msg_id": str(message.client_msg_id) if message.client_msg_id else None,
        "reply_to": str(message.reply_to_id) if message.reply_to_id else None,
        "action": intent.get("action"),
        "created_at": message.created_at.isoformat(),
    }


# "The beat being edited has not been read": conversation_title reads it.
_UNREAD: Any = object()


def conversation_title(conversation: Conversation, *, beat: Any = _UNREAD) -> str:
    """The user's title, else the name of the beat being edited, else "New beat".

    ``beat``: the beat being edited (or None) when the caller has just read it."""
    if conversation.title:
        return conversation.title
    from generation.presenters import beat_title

    if beat is _UNREAD:
        from generation.selectors import beat_for_conversation

        beat = beat_for_conversation(conversation=conversation)
    return beat_title(beat) if beat is not None else "New beat"


def conversation_to_dict(
    conversation: Conversation, *, seq: int | None = None, beat: Any = _UNREAD
) -> dict[str, Any]:
    """``seq``: the conversation's last event number, read from the realtime layer if not given;
    ``beat``: the beat being edited, if the caller has read it (see conversation_title)."""
    return {
        "id": str(conversation.id),
        "title": conversation_title(conversation, beat=beat),
        "custom_title": conversation.title,
        "seq": sequence.current_seq(conversation.id) if seq is None else seq,
        "created_at": conversation.created_at.isoformat(),
        "updated_at": conversation.updated_at.isoformat(),
    }
