"""Writes for conversations and messages."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from .models import Conversation


def conversation_create(*, owner: AbstractBaseUser, title: str = "") -> Conversation:
    return Conversation.objects.create(owner=owner, title=title[:200])
