"""Reads for conversations and messages, always scoped to their owner."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from infra.realtime import sequence

from .models import Conversation, Message
from .presenters import conversation_to_dict, message_to_dict


def conversation_list(*, owner: AbstractBaseUser) -> QuerySet[Conversation]:
    return Conversation.objects.filter(owner=owner).order_by("-updated_at")


def conversation_get(*, owner: AbstractBaseUser, conversation_id: object) -> Conversation:
    """The owner's conversation, or Http404 (also for other users' ids: no existence leak)."""
    return get_object_or_404(Conversation, id=conversation_id, owner=owner)


def message_list(*, conversation: Conversation, limit: int = 200) -> list[Message]:
    recent = conversation.messages.order_by("-created_at")[:limit]
    return list(reversed(list(recent)))


def conversation_snapshot(*, conversation: Conversation) -> dict[str, Any]:
    """Everything a reconnecting client needs, read from the database: messages, the beat
    with its versions and current version, and the latest jobs, tagged with the current seq. ``beat`` is the beat being edited,
    ``beats`` all of them (oldest first, ``beat`` among them)."""
    from generation.models import GenerationJob
    from generation.presenters import beat_snapshot, job_to_dict
    from generation.selectors import beat_for_conversation, beats_for_conversation

    seq = sequence.current_seq(conversation.id)
    conversation.refresh_from_db(fields=["title"])
    beat = beat_for_conversation(conversation=conversation)
    beats = [beat_snapshot(b) for b in beats_for_conversation(conversation=conversation)]
    beat_data = next((b for b in beats if beat is not None and b["id"] == str(beat.id)), None)
    jobs = GenerationJob.objects.filter(version__beat__conversation=conversation).order_by(
        "-queued_at"
    )[:10]
    return {
        "seq": seq,
        "conversation": conversation_to_dict(conversation, seq=seq),
        "messages": [
            message_to_dict(m) for m in message_list(conversation=conversation, limit=100)
        ],
        "beat": beat_data,
        "beats": beats,
        "jobs": [job_to_dict(job) for job in jobs],
    }
