"""The drills by name, with whether each is fast enough for `make test`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.faults.ledger import Report


@dataclass(frozen=True)
class Drill:
    """``fast``: about 30-50 s here, so tests/faults runs it in `make test`."""

    name: str
    title: str
    run: Callable[[Report], None]
    fast: bool


def drills() -> dict[str, Drill]:
    from . import outages, stem_faults, web_faults, worker_faults

    entries = [
        # tests/infra/realtime/test_live.py already kills a pool child in `make test`.
        Drill(
            "child-kill", "SIGKILL a worker pool child mid-render", worker_faults.child_kill, False
        ),
        Drill(
            "worker-kill",
            "SIGKILL a whole worker mid-render, start a new one",
            worker_faults.worker_kill,
            False,
        ),
        Drill("worker-term", "SIGTERM a worker during a deploy", worker_faults.worker_term, True),
        Drill("redis-restart", "restart Redis (AOF) with jobs queued", outages.redis_restart, True),
        Drill(
            "postgres-restart", "restart PostgreSQL under a render", outages.postgres_restart, True
        ),
        Drill("s3-outage", "S3 unavailable for a while", outages.s3_outage, False),
        Drill("s3-hang", "S3 hangs (no answers) for a while", outages.s3_hang, False),
        Drill("web-term", "SIGTERM one of two web instances under load", web_faults.web_term, True),
        Drill(
            "stem-cache",
            "SIGKILL a worker uploading stems; a cached stem fails its checksum",
            stem_faults.stem_cache,
            True,
        ),
    ]
    return {d.name: d for d in entries}
