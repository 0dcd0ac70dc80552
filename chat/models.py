"""Conversations and their messages."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse


class Conversation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"], name="conv_owner_updated")]

    def __str__(self) -> str:
        return self.title or f"Conversation {str(self.id)[:8]}"

    def get_absolute_url(self) -> str:
        return reverse("chat:conversation-detail", kwargs={"conversation_id": self.id})


class Message(models.Model):
    class Role(models.TextChoices):
        USER = "user", "User"
        ASSISTANT = "assistant", "Assistant"
        SYSTEM = "system", "System"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    text = models.TextField()
    intent = models.JSONField(null=True, blank=True)
    client_msg_id = models.UUIDField(null=True, blank=True)
    # An assistant message answers one user message; a resend returns the same reply.
    reply_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reply"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "client_msg_id"],
                condition=models.Q(client_msg_id__isnull=False),
                name="message_unique_client_msg_id",
            ),
        ]
        indexes = [models.Index(fields=["conversation", "created_at"], name="msg_conv_created")]

    def __str__(self) -> str:
        return f"{self.role}: {self.text[:40]}"
