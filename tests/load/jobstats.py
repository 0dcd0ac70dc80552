"""Read the bench database's job rows (run inside the stack's env): queue wait and render time."""

from __future__ import annotations

import json
import sys
from typing import Any


def job_stats(*, since: str | None = None) -> dict[str, Any]:
    """Count jobs by status and summarise queued→started and started→finished, in seconds."""
    from collections import Counter

    from django.utils.dateparse import parse_datetime

    from generation.models import GenerationJob

    from .stats import summary_s

    jobs = GenerationJob.objects.all()
    if since:
        jobs = jobs.filter(queued_at__gte=parse_datetime(since))
    rows = list(jobs.values("status", "queued_at", "started_at", "finished_at", "attempts"))
    done = [r for r in rows if r["started_at"] and r["finished_at"]]
    return {
        "jobs": len(rows),
        "by_status": dict(Counter(r["status"] for r in rows)),
        "retried": sum(1 for r in rows if r["attempts"] > 1),
        "queue_wait": summary_s([(r["started_at"] - r["queued_at"]).total_seconds() for r in done]),
        "render": summary_s([(r["finished_at"] - r["started_at"]).total_seconds() for r in done]),
    }


def main() -> None:
    """python -m tests.load.jobstats reads {"since": iso8601 | null} on stdin, prints one JSON
    line.
    """
    import django

    django.setup()
    print(json.dumps(job_stats(**json.loads(sys.stdin.read() or "{}"))))


if __name__ == "__main__":
    main()
