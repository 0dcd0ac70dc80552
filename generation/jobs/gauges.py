"""Scrape-time gauges of the job table, registered into infra's /metrics by GenerationConfig."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric

from generation import selectors


def job_state_metrics() -> Iterable[Metric]:
    """Queue depth and active jobs by status (raises if the database cannot be read)."""
    counts = selectors.active_job_counts_by_status()
    depth = GaugeMetricFamily(
        "dawg_generation_queue_depth", "Generation jobs queued and not yet claimed."
    )
    depth.add_metric([], float(counts.get("queued", 0)))
    jobs = GaugeMetricFamily(
        "dawg_generation_jobs",
        "Generation jobs queued or running, by status.",
        labels=["status"],
    )
    for status, count in sorted(counts.items()):
        jobs.add_metric([status], float(count))
    return [depth, jobs]
