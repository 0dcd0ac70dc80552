"""The numbers behind the admin operations view: job states, queue, render times, failures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from .models import GenerationJob, JobStatus

WINDOW = timedelta(hours=1)


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class OperationsSummary:
    now: datetime
    window: timedelta
    by_status: dict[str, int]
    queue_depth: int
    finished_in_window: dict[str, int]
    render_p50_s: float | None
    render_p95_s: float | None
    failure_rate: float | None
    failures_by_code: list[tuple[str, int]]
    latest_failures: list[GenerationJob] = field(default_factory=list)
    active_jobs: list[GenerationJob] = field(default_factory=list)


def operations_summary(
    *, now: datetime | None = None, window: timedelta = WINDOW, limit: int = 20
) -> OperationsSummary:
    """Jobs by status (all time); over the window: render time percentiles of succeeded jobs
    (started → finished), and the failure rate = failed / (succeeded + failed) among jobs that
    finished in it (cancelled jobs are neither)."""
    now = now or timezone.now()
    since = now - window
    by_status = {status.value: 0 for status in JobStatus}
    for status, count in (
        GenerationJob.objects.order_by().values_list("status").annotate(n=Count("id"))
    ):
        by_status[status] = count
    finished = GenerationJob.objects.filter(finished_at__gte=since, finished_at__lte=now)
    finished_counts = {status.value: 0 for status in JobStatus}
    for status, count in finished.order_by().values_list("status").annotate(n=Count("id")):
        finished_counts[status] = count
    durations = [
        (done - started).total_seconds()
        for started, done in finished.filter(
            status=JobStatus.SUCCEEDED, started_at__isnull=False
        ).values_list("started_at", "finished_at")
    ]
    settled = finished_counts[JobStatus.SUCCEEDED] + finished_counts[JobStatus.FAILED]
    failures_by_code = list(
        finished.filter(status=JobStatus.FAILED)
        .order_by()
        .values_list("error_code")
        .annotate(n=Count("id"))
        .order_by("-n", "error_code")
    )
    related = ("owner", "version__beat")
    return OperationsSummary(
        now=now,
        window=window,
        by_status=by_status,
        queue_depth=by_status[JobStatus.QUEUED],
        finished_in_window=finished_counts,
        render_p50_s=percentile(durations, 0.50),
        render_p95_s=percentile(durations, 0.95),
        failure_rate=finished_counts[JobStatus.FAILED] / settled if settled else None,
        failures_by_code=[(code or "unknown", n) for code, n in failures_by_code],
        latest_failures=list(
            GenerationJob.objects.filter(status=JobStatus.FAILED)
            .select_related(*related)
            .order_by("-finished_at")[:limit]
        ),
        active_jobs=list(
            GenerationJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
            .select_related(*related)
            .order_by("queued_at")[:limit]
        ),
    )
