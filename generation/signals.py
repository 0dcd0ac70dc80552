"""Generation's signals: a beat's deletion deletes its stored objects; a cancelled render."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from .assets.store import beat_objects_delete_on_commit
from .models import Beat

# A render was cancelled: ``job``, its ``version`` and the version put back as current
# (``restored``, None when nothing changed). Chat answers it in the conversation.
render_cancelled = Signal()


@receiver(post_delete, sender=Beat, dispatch_uid="generation.beat_objects_delete")
def beat_objects_delete(sender: type[Beat], instance: Beat, **kwargs: object) -> None:
    beat_objects_delete_on_commit(instance.id)
