"""Reads for conversations and messages, always scoped to their owner."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Conversation, Message


def conversation_list(*, owner: AbstractBaseUser) -> QuerySet[Conversation]:
    return Conversation.objects.filter(owner=owner).order_by("-updated_at")


def conversation_get(*, owner: AbstractBaseUser, conversation_id: object) -> Conversation:
    """The owner's conversation, or Http404 (also for other users' ids: no existence leak)."""
    return get_object_or_404(Conversation, id=conversation_id, owner=owner)


def message_list(*, conversation: Conversation, limit: int = 200) -> list[Message]:
    recent = conversation.messages.order_by("-created_at")[:limit]
    return list(reversed(list(recent)))
