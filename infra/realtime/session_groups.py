"""Channel-layer groups per login session and per user, so logout and a password change
close that session's (or every one of the user's) open sockets on every web instance."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from asgiref.sync import async_to_sync

logger = logging.getLogger(__name__)

# The consumer's handler for this message type closes the socket with 4401.
SESSION_ENDED = "session.ended"


def session_group(session_key: str) -> str:
    # Hashed: group names travel through Redis and logs; a session key is a credential.
    return f"session.{hashlib.sha256(session_key.encode()).hexdigest()[:40]}"


def user_group(user_id: object) -> str:
    return f"user.{user_id}"


def end_sockets(groups: list[str], *, reason: str) -> None:
    """Tell every socket in ``groups`` (any instance) to close. Never raises: with Redis
    away the sockets stay until their next reconnect, which the session check then refuses."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    try:
        for group in groups:
            async_to_sync(layer.group_send)(group, {"type": SESSION_ENDED, "reason": reason})
    except Exception:
        logger.warning("could not close sockets (%s)", reason, exc_info=True)


def on_logged_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    """``user_logged_out``: close the sockets of the session being ended (this browser only)."""
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if session_key:
        end_sockets([session_group(session_key)], reason="logout")
