"""WebSocket authentication with a cached session decode: one query per handshake once a
session has been seen, however many tabs or reconnects it brings.

Channels' AuthMiddleware loads the session row, decodes it (signature, JSON) and loads the
user: two queries and a decode per handshake. A reconnect storm brings the same sessions back
at once (each user's tabs), so this keeps what a session decodes to (user id, backend, auth
hash) per session key, and per handshake reads only the user row, on the condition that the
session still exists and has not expired. Nothing about the user is cached: a logout (the
row deleted), an expired session, a deactivated user or a changed password (the hash no
longer matches) refuse the next handshake exactly as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from channels.auth import AuthMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from infra.realtime import socket_reads

# Session keys remembered per process; each entry is a few hundred bytes.
DECODED_SESSIONS_LIMIT = 50_000


@dataclass(frozen=True)
class Decoded:
    """What a session row's data says about its login."""

    user_id: str
    backend: str
    auth_hash: str


_decoded: OrderedDict[str, Decoded] = OrderedDict()
_lock = threading.Lock()


def _remember(key: str, decoded: Decoded) -> None:
    with _lock:
        _decoded[key] = decoded
        _decoded.move_to_end(key)
        while len(_decoded) > DECODED_SESSIONS_LIMIT:
            _decoded.popitem(last=False)


def _forget(key: str) -> None:
    with _lock:
        _decoded.pop(key, None)


def decoded_sessions_forget() -> None:
    """Drop every remembered decode (tests)."""
    with _lock:
        _decoded.clear()


def _decode(session: Any) -> Decoded | None:
    """Load and decode the session (one query): None when it holds no login."""
    try:
        user_id = str(session[SESSION_KEY])
        backend = session[BACKEND_SESSION_KEY]
    except KeyError:
        return None
    return Decoded(user_id, backend, session.get(HASH_SESSION_KEY) or "")


def _live_session_user(decoded: Decoded, session_key: str) -> Any:
    """The session's user, read in one plain query on the condition that the session row
    still exists and has not expired; None otherwise (or if the backend refuses the user)."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.db import connection

    model = get_user_model()
    users, sessions = model._meta.db_table, Session._meta.db_table
    pk = model._meta.pk
    now = Session._meta.get_field("expire_date").get_db_prep_value(timezone.now(), connection)
    rows = list(
        model._default_manager.raw(
            f"SELECT u.* FROM {users} u JOIN {sessions} s "  # noqa: S608 - names from the models
            f"ON s.session_key = %s AND s.expire_date > %s WHERE u.{pk.column} = %s",
            [session_key, now, pk.get_db_prep_value(pk.to_python(decoded.user_id), connection)],
        )
    )
    user = rows[0] if rows else None
    if user is None or not _backend(decoded.backend).user_can_authenticate(user):
        return None
    return user


_backends: dict[str, Any] = {}


def _backend(path: str) -> Any:
    """The auth backend at ``path``, made once (load_backend imports and builds it anew)."""
    if path not in _backends:
        _backends[path] = load_backend(path)
    return _backends[path]


def resolve_user(session: Any) -> Any:
    """The logged-in user of ``session`` (a SessionStore), or AnonymousUser; sync."""
    key = getattr(session, "session_key", None)
    if not key or settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return _resolve_uncached(session)
    decoded = _decoded.get(key)
    if decoded is None:
        # The first handshake of this session here: Channels' way, then remember the decode.
        user = _resolve_uncached(session)
        if user.is_authenticated:
            remembered = _decode(session)  # already loaded: no second query
            if remembered is not None:
                _remember(key, remembered)
        return user
    user = _live_session_user(decoded, key)
    if user is None or not _hash_matches(user, decoded):
        # Logged out, expired, deactivated, or the session's data changed (a password
        # change rewrites its hash): forget it and decide from the row itself.
        _forget(key)
        return _resolve_uncached(session)
    return user


def _hash_matches(user: Any, decoded: Decoded) -> bool:
    if not hasattr(user, "get_session_auth_hash"):
        return True
    return bool(decoded.auth_hash) and constant_time_compare(
        decoded.auth_hash, user.get_session_auth_hash()
    )


def _resolve_uncached(session: Any) -> Any:
    """As Channels' get_user: the session row, its decode, the user, the hash check."""
    decoded = _decode(session)
    if decoded is None or decoded.backend not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    user = load_backend(decoded.backend).get_user(decoded.user_id)
    if user is None or not _hash_matches(user, decoded):
        session.flush()
        return AnonymousUser()
    return user


class CachedSessionAuthMiddleware(AuthMiddleware):
    """Channels' AuthMiddleware with :func:`resolve_user`, run on the socket-reads thread
    (infra/realtime/socket_reads.py: no connect and close per handshake)."""

    async def resolve_scope(self, scope: dict[str, Any]) -> None:
        scope["user"]._wrapped = await socket_reads.read(resolve_user, scope["session"])


def CachedSessionAuthMiddlewareStack(inner: Any) -> Any:
    """Cookies, the lazy session, and :class:`CachedSessionAuthMiddleware`."""
    return CookieMiddleware(SessionMiddleware(CachedSessionAuthMiddleware(inner)))
