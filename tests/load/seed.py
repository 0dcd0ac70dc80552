"""Seed a bench database (run inside the stack's env): users, sessions, conversations, turns."""

from __future__ import annotations

import json
import sys
import uuid
from typing import Any

UNUSABLE = "!"  # a password hash no password matches: sessions are created directly


def seed(
    *,
    users: int,
    conversations_per_user: int = 1,
    turns: list[str] | None = None,
    prefix: str = "bench",
) -> dict[str, Any]:
    """Create ``users`` users with a logged-in session each and their conversations; with
    ``turns``, post those chat messages in every conversation (jobs are queued, not run)."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from chat import services
    from chat.models import Conversation

    user_model = get_user_model()
    run = uuid.uuid4().hex[:6]
    with transaction.atomic():
        people = user_model.objects.bulk_create(
            [user_model(username=f"{prefix}-{run}-{i}", password=UNUSABLE) for i in range(users)]
        )
        conversations = Conversation.objects.bulk_create(
            [Conversation(owner=u) for u in people for _ in range(conversations_per_user)]
        )
    out_users = []
    for index, person in enumerate(people):
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        mine = conversations[index * conversations_per_user : (index + 1) * conversations_per_user]
        entry: dict[str, Any] = {
            "id": person.pk,
            "username": person.username,
            "session": session.session_key,
            "conversations": [str(c.id) for c in mine],
            "jobs": [],
            "beats": [],
        }
        for conversation in mine if turns else []:
            for text in turns:
                turn = services.message_post(
                    conversation=conversation,
                    author=person,
                    text=text,
                    client_msg_id=str(uuid.uuid4()),
                )
                if turn.job is not None:
                    entry["jobs"].append(str(turn.job.id))
                if turn.version is not None and str(turn.version.beat_id) not in entry["beats"]:
                    entry["beats"].append(str(turn.version.beat_id))
        out_users.append(entry)
    return {"cookie_name": settings.SESSION_COOKIE_NAME, "users": out_users}


def main() -> None:
    """python -m tests.load.seed reads a JSON spec on stdin and prints one JSON line: the cookie
    name and, per user, the session key, conversation ids and the jobs and beats its turns made.
    """
    import django

    django.setup()
    spec = json.loads(sys.stdin.read() or "{}")
    print(json.dumps(seed(**spec)))


if __name__ == "__main__":
    main()
