"""Stem-cache drill: a worker killed while it uploads stems, then a cached stem gone bad."""

from __future__ import annotations

import hashlib
import signal
import time

from tests.faults.ledger import (
    Report,
    chat_post,
    job_row,
    ledger_check,
    owner_create,
    wait_jobs,
    wait_stage,
)
from tests.stack.clients import StudioClient
from tests.stack.stack import drill_stack

from .worker_faults import RECOVERY

BEAT = "trap beat 140 F minor, 4 minutes"


def _stem_objects() -> list[str]:
    from django.core.files.storage import default_storage

    try:
        shards, _ = default_storage.listdir("stems")
    except FileNotFoundError:
        return []
    return [f"stems/{s}/{f}" for s in shards for f in default_storage.listdir(f"stems/{s}")[1]]


def _entries_intact(report: Report, label: str) -> int:
    """Every committed stem's object exists and matches its checksum; returns how many."""
    from django.core.files.storage import default_storage

    from generation.models import StoredStem

    bad = []
    entries = list(StoredStem.objects.all())
    for entry in entries:
        try:
            with default_storage.open(entry.file, "rb") as handle:
                ok = hashlib.sha256(handle.read()).hexdigest() == entry.sha256
        except FileNotFoundError:
            ok = False
        if not ok:
            bad.append(entry.key[:12])
    report.check(f"{label}: every committed stem is whole (checksum)", not bad, bad)
    for key in bad:
        report.lose(f"stem {key} committed but corrupt or missing")
    return len(entries)


def stem_cache(report: Report) -> None:
    """1. SIGKILL the worker while it synthesises and uploads stems: the new worker renders
    the job; no committed stem is half-written (uploads without a row are never read).
    2. Corrupt a committed stem's object; the same beat for another user, on a fresh
    worker, reuses every other stem, renders that one again and repairs the entry; both
    mixes are identical."""
    settings = {
        **RECOVERY,
        "CELERY_VISIBILITY_TIMEOUT": "40",
        "CELERY_TASK_SOFT_TIME_LIMIT": "25",
        "CELERY_TASK_TIME_LIMIT": "30",
    }
    with drill_stack("stem-cache", settings=settings) as s:
        from django.core.files.storage import default_storage

        from generation.models import Asset, AssetKind, StoredStem

        (worker,), ((_web, base),) = s.workers, s.webs
        owner = owner_create("stems")
        client = StudioClient([base], str(owner.conversation.id), owner.cookie).start()
        job_id = chat_post(owner, BEAT)
        wait_stage(job_id, "synth", timeout=90)
        deadline = time.monotonic() + 60
        while not _stem_objects() and time.monotonic() < deadline:
            time.sleep(0.02)  # the first stem is being uploaded: kill now
        uploaded = len(_stem_objects())
        worker.signal(signal.SIGKILL, group=True)
        worker.wait(10)
        report.line(f"SIGKILLed worker at {job_row(job_id)['stage']!r}, {uploaded} stem(s) up")
        report.figure("stem objects uploaded at the kill", uploaded)
        report.figure("stem rows committed at the kill", StoredStem.objects.count())
        killed_at = time.monotonic()
        second_worker = s.worker(concurrency=1)
        wait_jobs([job_id], timeout=150)
        report.figure("recovery: kill → job finished (s)", time.monotonic() - killed_at)
        count = _entries_intact(report, "after the kill")
        orphans = set(_stem_objects()) - set(StoredStem.objects.values_list("file", flat=True))
        report.figure("uncommitted uploads left by the killed worker (never read)", len(orphans))
        first = {a.name: a for a in Asset.objects.filter(version__jobs__id=job_id)}
        stems = {n: a for n, a in first.items() if a.stem_id}
        report.check("every track's stem committed once", len(stems) == count, (len(stems), count))

        victim = next(iter(sorted(stems)))
        bad_name = stems[victim].file.name
        with default_storage.open(bad_name, "wb") as handle:
            handle.write(b"fLaC" + b"\xff" * 512)  # bit rot
        report.line(f"corrupted the stored object of {victim}")
        # A worker that has not rendered the beat: the one that did holds its stems in
        # memory and would not read the bucket at all.
        second_worker.signal(signal.SIGTERM)
        second_worker.wait(60)
        s.worker(concurrency=1)
        other = owner_create("stems2")
        second_job = chat_post(other, BEAT)
        wait_jobs([second_job], timeout=150)
        second = {a.name: a for a in Asset.objects.filter(version__jobs__id=second_job)}
        reused = sorted(n for n, a in second.items() if a.stem_id and a.reused)
        report.figure("stems reused by the second render", len(reused))
        report.check(
            "the corrupt stem was rendered again, the others reused",
            not second[victim].reused and len(reused) == len(stems) - 1,
            reused,
        )
        _entries_intact(report, "after the repair")
        report.check("the corrupt object is gone", not default_storage.exists(bad_name), bad_name)
        mixes = [
            a.sha256 for a in (first["mix.mp3"], second["mix.mp3"]) if a.kind == AssetKind.MIX_MP3
        ]
        report.check("both mixes are byte-identical", len(set(mixes)) == 1, mixes)
        client.stop()
        ledger_check(report, [job_id, second_job])
