"""Stems ZIP bench: a long beat's ZIP downloaded from one daphne process while its RSS is sampled."""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from typing import Any

import httpx

from tests.stack.stack import Stack, machine


@dataclass
class StemsZipOptions:
    seconds: float = 900.0  # a 15-minute beat, the longest the limits allow
    genre: str = "trap"
    verify: bool = True  # read every entry back (CRC check) after the download


def run(options: StemsZipOptions) -> dict[str, Any]:
    with Stack.for_bench() as stack:
        seeded = stack.seed(users=1, conversations_per_user=1)
        person = seeded["users"][0]
        rendered_at = time.perf_counter()
        made = stack.run_module(
            "tests.load.stems_zip",
            {
                "user": person["id"],
                "conversation": person["conversations"][0],
                "seconds": options.seconds,
                "genre": options.genre,
            },
        )
        render_s = time.perf_counter() - rendered_at
        web, base = stack.web()
        cookies = {seeded["cookie_name"]: person["session"]}
        url = f"{base}/beats/versions/{made['version']}/stems.zip"
        # Warm up: the first download loads the view, decoders and database pool; only what
        # a whole long download adds on top of that is the ZIP's own memory.
        with httpx.stream("GET", url, cookies=cookies, timeout=60) as response:
            next(response.iter_bytes(), b"")
        time.sleep(1.0)  # let the process settle after start-up
        before = web.rss_mib()
        peak = [before]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], web.rss_mib())
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        received = 0
        started = time.perf_counter()
        first_byte = None
        with tempfile.TemporaryFile() as out:
            with httpx.stream("GET", url, cookies=cookies, timeout=600) as response:
                status = response.status_code
                for chunk in response.iter_bytes():
                    if first_byte is None:
                        first_byte = time.perf_counter() - started
                    received += len(chunk)
                    out.write(chunk)
            elapsed = time.perf_counter() - started
            done.set()
            sampler.join()
            out.seek(0)
            entries: list[str] = []
            ok = status == 200
            try:
                with zipfile.ZipFile(out) as archive:
                    entries = archive.namelist()
                    if options.verify:
                        ok = ok and archive.testzip() is None
            except zipfile.BadZipFile:
                ok = False
        return {
            "machine": machine(),
            "options": options.__dict__.copy(),
            "ok": ok and len(entries) == made["stems"] + 1,
            "status": status,
            "beat_s": made["duration_s"],
            "render_s": round(render_s, 2),
            "zip_bytes": received,
            "entries": len(entries),
            "download_s": round(elapsed, 2),
            "first_byte_s": round(first_byte or 0.0, 3),
            "throughput_mib_s": round(received / 2**20 / elapsed, 1) if elapsed else 0.0,
            "web_rss_before_mib": round(before, 1),
            "web_rss_peak_mib": round(peak[0], 1),
            "web_rss_growth_mib": round(peak[0] - before, 1),
        }


def main() -> None:
    """Inside the stack's env: make one beat of ``seconds`` and render it in this process."""
    import django

    django.setup()
    from chat.models import Conversation
    from generation import services
    from generation.engine.spec import default_spec
    from generation.jobs import lossless
    from generation.jobs import run as job_run
    from generation.models import AssetKind

    payload = json.loads(sys.stdin.read())
    conversation = Conversation.objects.get(id=payload["conversation"])
    beat = services.beat_create(conversation=conversation, owner=conversation.owner)
    spec = default_spec(payload["genre"], seed=7).with_changes(duration_s=payload["seconds"])
    version, job = services.version_create(beat=beat, spec=spec, change_summary="bench")
    outcome = job_run.run_job(str(job.id))
    if outcome.status != "succeeded":
        raise SystemExit(f"render failed: {outcome}")
    # The reverb return (and the WAV) as the ZIP's first request has a worker make them: this
    # stack runs no worker, and the bench measures the streaming, not that build.
    lossless.version_lossless_build(str(version.id))
    stems = version.assets.filter(kind=AssetKind.STEM).count()
    print(json.dumps({"version": str(version.id), "stems": stems, "duration_s": spec.duration_s}))


if __name__ == "__main__":
    main()
