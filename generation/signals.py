"""Deleting a beat (service, admin, or a conversation's cascade) deletes its stored objects."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .assets.store import beat_objects_delete_on_commit
from .models import Beat


@receiver(post_delete, sender=Beat, dispatch_uid="generation.beat_objects_delete")
def beat_objects_delete(sender: type[Beat], instance: Beat, **kwargs: object) -> None:
    beat_objects_delete_on_commit(instance.id)
