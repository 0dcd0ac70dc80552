"""Reads for conversations and messages, always scoped to their owner."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from infra.realtime import sequence
from infra.realtime.sequence import EventSequence

from .models import Conversation, Message
from .presenters import conversation_to_dict, message_to_dict


def conversation_list(*, owner: AbstractBaseUser) -> QuerySet[Conversation]:
    return Conversation.objects.filter(owner=owner).order_by("-updated_at")


def conversation_get(*, owner: AbstractBaseUser, conversation_id: object) -> Conversation:
    """The owner's conversation, or Http404 (also for other users' ids: no existence leak)."""
    return get_object_or_404(Conversation, id=conversation_id, owner=owner)


def _owned_with_seq_sql() -> str:
    # One plain statement (no ORM compile: in a reconnect storm that cost more than the
    # round trip it saves): the owner's row and the realtime layer's seq beside it.
    conversations = Conversation._meta.db_table
    sequences = EventSequence._meta.db_table
    return (
        f"SELECT c.*, COALESCE(s.last_seq, 0) AS seq FROM {conversations} c "  # noqa: S608 - names from the models
        f"LEFT JOIN {sequences} s ON s.conversation_id = c.id "
        "WHERE c.id = %s AND c.owner_id = %s"
    )


def conversation_with_seq(
    *, owner: AbstractBaseUser, conversation_id: object
) -> Conversation | None:
    """The owner's conversation with ``seq``, its current event number, read in the same query;
    None for another user's or an unknown id."""
    try:
        key = Conversation._meta.pk.get_db_prep_value(uuid.UUID(str(conversation_id)), connection)
    except ValueError:
        return None
    rows = list(Conversation.objects.raw(_owned_with_seq_sql(), [key, owner.pk]))
    return rows[0] if rows else None


def conversation_seq_for_owner(*, owner: AbstractBaseUser, conversation_id: object) -> int | None:
    """The conversation's current event number if ``owner`` owns it, else None: one query."""
    conversation = conversation_with_seq(owner=owner, conversation_id=conversation_id)
    return None if conversation is None else int(conversation.seq)


def message_list(*, conversation: Conversation, limit: int = 200) -> list[Message]:
    recent = conversation.messages.order_by("-created_at")[:limit]
    return list(reversed(list(recent)))


def conversation_snapshot(*, conversation: Conversation, seq: int | None = None) -> dict[str, Any]:
    """Everything a reconnecting client needs, read from the database: messages, the beat
    with its versions and current version, and the latest jobs, tagged with the current seq.
    ``beat`` is the beat being edited, ``beats`` all of them (oldest first, ``beat`` among
    them).

    ``seq``: given with a conversation just read with it (:func:`conversation_with_seq`),
    before anything else here; otherwise read now, and the title refreshed."""
    from generation.models import BeatVersion, GenerationJob
    from generation.presenters import beat_snapshot, job_to_dict
    from generation.selectors import beats_for_conversation

    if seq is None:
        seq = sequence.current_seq(conversation.id)
        conversation.refresh_from_db(fields=["title"])
    # A fixed number of queries however many beats and versions (it ran two per beat, and
    # read the beat being edited twice): beats, then all their versions, then the assets.
    beat_rows = list(beats_for_conversation(conversation=conversation))
    # The beat being edited, as generation.selectors.beat_for_conversation picks it.
    beat = max(beat_rows, key=lambda b: (b.updated_at, b.created_at), default=None)
    versions: dict[object, list[BeatVersion]] = {b.id: [] for b in beat_rows}
    if beat_rows:
        rows = (
            BeatVersion.objects.filter(beat__in=[b.id for b in beat_rows])
            .prefetch_related("assets")
            .order_by("beat_id", "number")
        )
        for version in rows:
            versions[version.beat_id].append(version)
    beats = [beat_snapshot(b, versions=versions[b.id]) for b in beat_rows]
    beat_data = next((b for b in beats if beat is not None and b["id"] == str(beat.id)), None)
    # A job renders a version of one of these beats: with none (a new conversation) there is
    # nothing to read.
    jobs = (
        GenerationJob.objects.filter(version__beat__conversation=conversation).order_by(
            "-queued_at"
        )[:10]
        if beat_rows
        else []
    )
    return {
        "seq": seq,
        "conversation": conversation_to_dict(conversation, seq=seq, beat=beat),
        "messages": [
            message_to_dict(m) for m in message_list(conversation=conversation, limit=100)
        ],
        "beat": beat_data,
        "beats": beats,
        "jobs": [job_to_dict(job) for job in jobs],
    }
