"""Multiprocess mode: values recorded in several processes add up in one scrape."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.infra.observability.metric_names import ROOT, sample_values, total

SCRIPT = """
import multiprocessing
import os
import sys

import django

django.setup()
from prometheus_client import generate_latest, multiprocess

from infra.observability import metrics  # imported before the fork, as in Celery's prefork pool


def child(connects, dies):
    for _ in range(connects):
        metrics.ws_connected()
    metrics.observe_stage("mix", 0.5)
    if dies:
        multiprocess.mark_process_dead(os.getpid())  # what worker_process_shutdown does


if __name__ == "__main__":
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=child, args=args) for args in ((1, True), (2, False))]
    for process in children:
        process.start()
    for process in children:
        process.join()
        assert process.exitcode == 0
    with open(sys.argv[1], "wb") as out:  # not stdout: log lines go there
        out.write(generate_latest(metrics.web_registry()))
"""


def test_values_from_forked_processes_add_up_and_dead_processes_leave_live_gauges(tmp_path):
    (tmp_path / "metrics").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dawg.settings.test",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "LLM_DAILY_BUDGET_USD": "12.5",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "scrape.txt")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    samples = sample_values((tmp_path / "scrape.txt").read_text())
    assert total(samples, "dawg_ws_connects_total") == 3
    # livesum: the process marked dead no longer counts towards open connections.
    assert total(samples, "dawg_ws_connections_open") == 2
    assert total(samples, "dawg_generation_stage_duration_seconds_count", stage="mix") == 2
    # The scrape-time state still answers (the budget from settings; no jobs table here).
    assert total(samples, "dawg_ai_daily_budget_usd") == 12.5
