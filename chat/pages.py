"""Reads that shape the chat pages: the "My beats" rows and the studio's choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.timesince import timesince

from generation.engine.presets import DRUM_TRACKS, GENRES, TRACK_NAMES
from generation.engine.spec import MODES, PITCH_CLASSES
from generation.models import AssetKind, Beat, BeatVersion
from generation.presenters import beat_title

from . import selectors
from .models import Conversation

# Lengths offered by the studio's length chip, in bars.
LENGTH_CHOICES = (4, 8, 16, 24, 32, 48, 64)


@dataclass(frozen=True)
class BeatRow:
    beat: Beat
    title: str
    version: BeatVersion | None
    has_peaks: bool


@dataclass(frozen=True)
class ConversationRow:
    conversation: Conversation
    title: str
    beats: list[BeatRow]

    @property
    def version(self) -> BeatVersion | None:
        """The current version of the beat being edited (the most recently changed one)."""
        edited = max(self.beats, key=lambda row: row.beat.updated_at, default=None)
        return edited.version if edited else None

    @property
    def changed(self) -> str:
        """'just now' or '5 minutes ago': when the conversation last changed."""
        updated = self.conversation.updated_at
        if timezone.now() - updated < timedelta(minutes=1):
            return "just now"
        return f"{timesince(updated)} ago"


def conversation_rows(*, owner: AbstractBaseUser) -> list[ConversationRow]:
    """The owner's conversations, newest change first, each with every beat in it (oldest
    first) and its current version: no beat is hidden by a newer one."""
    conversations = list(selectors.conversation_list(owner=owner))
    beats = list(
        Beat.objects.filter(conversation__in=conversations)
        .select_related("current_version")
        .order_by("conversation_id", "created_at")
    )
    with_peaks = set(
        BeatVersion.objects.filter(
            id__in=[b.current_version_id for b in beats if b.current_version_id],
            assets__kind=AssetKind.PEAKS,
        ).values_list("id", flat=True)
    )
    by_conversation: dict[Any, list[BeatRow]] = {}
    for beat in beats:
        by_conversation.setdefault(beat.conversation_id, []).append(
            BeatRow(
                beat=beat,
                title=beat_title(beat),
                version=beat.current_version,
                has_peaks=beat.current_version_id in with_peaks,
            )
        )
    rows = []
    for conversation in conversations:
        beat_rows = by_conversation.get(conversation.id, [])
        edited = max(beat_rows, key=lambda row: row.beat.updated_at, default=None)
        title = conversation.title or (edited.title if edited else "New beat")
        rows.append(ConversationRow(conversation=conversation, title=title, beats=beat_rows))
    return rows


def studio_choices() -> dict[str, Any]:
    """What the spec chips offer: genres, keys, lengths and tracks."""
    return {
        "genres": list(GENRES),
        "tonics": list(PITCH_CLASSES),
        "modes": list(MODES),
        "lengths": list(LENGTH_CHOICES),
        "tracks": list(TRACK_NAMES),
        "drum_tracks": list(DRUM_TRACKS),
    }


@dataclass(frozen=True)
class StorageQuota:
    """What the user stores against their quota, for the "My beats" page."""

    bytes_used: int
    bytes_limit: int
    versions: int
    versions_limit: int
    conversations: int
    conversations_limit: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.bytes_used / max(1, self.bytes_limit)))


def storage_quota(*, owner: AbstractBaseUser) -> StorageQuota:
    from django.conf import settings

    from generation.selectors import storage_usage

    usage = storage_usage(owner_id=owner.pk)
    return StorageQuota(
        bytes_used=usage.bytes,
        bytes_limit=settings.USER_QUOTA_BYTES,
        versions=usage.versions,
        versions_limit=settings.USER_QUOTA_VERSIONS,
        conversations=Conversation.objects.filter(owner=owner).count(),
        conversations_limit=settings.USER_QUOTA_CONVERSATIONS,
    )
