"""Small factories for tests: real rows through the real services where one exists."""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from chat import services as chat_services
from generation import services as generation_services
from generation.engine.spec import default_spec
from generation.models import Asset, AssetKind, BeatVersion, GenerationJob


def user_create(*, username: str | None = None, password: str = "pass-w0rd-123", **extra):
    return get_user_model().objects.create_user(
        username=username or f"user-{uuid.uuid4().hex[:8]}", password=password, **extra
    )


def staff_user_create(**extra):
    """A staff superuser: the operations page and the admin."""
    return user_create(is_staff=True, is_superuser=True, **extra)


def conversation_create(*, owner, title: str = "Test beat"):
    return chat_services.conversation_create(owner=owner, title=title)


def beat_create(*, owner, conversation=None):
    conversation = conversation or conversation_create(owner=owner)
    return generation_services.beat_create(conversation=conversation, owner=owner)


def version_create(*, beat, genre: str = "trap", bars: int = 4) -> BeatVersion:
    return generation_services.version_write(
        beat=beat, spec=default_spec(genre, bars=bars), change_summary="test"
    )


def job_create(*, version: BeatVersion, **fields) -> GenerationJob:
    """A job row in whatever state ``fields`` say (status, worker, timestamps, error), owned by
    the beat's owner; nothing is sent to a worker (services.job_create is the real path)."""
    fields.setdefault("owner", version.beat.owner)
    return GenerationJob.objects.create(version=version, **fields)


def asset_create(*, version: BeatVersion, name: str = "beat.mid", data: bytes = b"MThd") -> Asset:
    asset = Asset(
        version=version, kind=AssetKind.MIDI, name=name, content_type="audio/midi", bytes=len(data)
    )
    asset.file.save(name, ContentFile(data), save=True)
    return asset
