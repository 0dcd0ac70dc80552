"""The realtime layer's own sequence table: each conversation's last event number."""

from __future__ import annotations

import uuid

from django.db import connection, models


class EventSequence(models.Model):
    """One row per conversation that has had an event; ``last_seq`` only ever grows.

    Keyed by the conversation's id without a foreign key: the realtime layer knows no app's
    tables, and a row outliving its conversation costs a few bytes."""

    conversation_id = models.UUIDField(primary_key=True)
    last_seq = models.BigIntegerField(default=0)

    class Meta:
        app_label = "infra"
        db_table = "realtime_event_sequence"

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.last_seq}"


def next_seq(conversation_id: object) -> int:
    """Atomically take the conversation's next event number (one upsert ... RETURNING)."""
    table = EventSequence._meta.db_table
    value = uuid.UUID(str(conversation_id))
    param = value.hex if connection.vendor == "sqlite" else value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (conversation_id, last_seq) VALUES (%s, 1) "  # noqa: S608 - table name from the model
            f"ON CONFLICT (conversation_id) DO UPDATE SET last_seq = {table}.last_seq + 1 "
            "RETURNING last_seq",
            [param],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def current_seq(conversation_id: object) -> int:
    """The conversation's last event number; 0 before its first event."""
    return (
        EventSequence.objects.filter(conversation_id=conversation_id)
        .values_list("last_seq", flat=True)
        .first()
        or 0
    )
