"""Send reads to the replica database when one is configured, writes to the primary."""

from __future__ import annotations

from typing import Any


class PrimaryReplicaRouter:
    """Reads go to ``replica``, writes and migrations to ``default``.

    Reads inside a transaction still hit the replica only when Django routes them there;
    code that must read its own writes uses ``.using("default")``.
    """

    def db_for_read(self, model: type, **hints: Any) -> str:
        return "replica"

    def db_for_write(self, model: type, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
