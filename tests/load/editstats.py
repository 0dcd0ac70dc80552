"""Storage each version of a conversation's beat wrote (run inside the stack's env)."""

from __future__ import annotations

import json
import sys
from typing import Any


def edit_stats(*, conversation: str) -> dict[str, Any]:
    """Per version (oldest first): bytes it stored, counting a shared stem only for the
    version whose render made it; and how many of its stems it reused."""
    from generation.models import Asset, BeatVersion

    versions = BeatVersion.objects.filter(beat__conversation_id=conversation).order_by(
        "created_at", "number"
    )
    rows = []
    for version in versions:
        assets = list(Asset.objects.filter(version=version))
        rows.append(
            {
                "number": version.number,
                "bytes": sum(a.bytes for a in assets if not (a.stem_id and a.reused)),
                "stems_reused": sum(1 for a in assets if a.stem_id and a.reused),
                "stems_rendered": sum(1 for a in assets if a.stem_id and not a.reused),
            }
        )
    return {"versions": rows}


def main() -> None:
    """python -m tests.load.editstats reads {"conversation": id} on stdin, prints one JSON line."""
    import django

    django.setup()
    print(json.dumps(edit_stats(**json.loads(sys.stdin.read() or "{}"))))


if __name__ == "__main__":
    main()
