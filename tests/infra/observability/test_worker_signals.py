"""Which processes get worker metrics, and which task argument is the job id."""

from __future__ import annotations

import pytest

from infra.observability.worker_logging import job_id_from_task
from infra.observability.worker_metrics import is_worker_command


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["/usr/local/bin/celery", "-A", "dawg", "worker", "-Q", "generation"], True),
        (
            ["/app/.venv/lib/python3.11/site-packages/celery/__main__.py", "-A", "dawg", "worker"],
            True,
        ),
        (["/usr/local/bin/celery", "-A", "dawg", "beat"], False),
        (["/usr/local/bin/celery", "-A", "dawg", "inspect", "ping"], False),
        (["/usr/local/bin/daphne", "dawg.asgi:application"], False),
        (["manage.py", "worker"], False),
        ([], False),
    ],
)
def test_only_celery_worker_commands_get_a_private_metrics_dir(argv, expected):
    assert is_worker_command(argv) is expected


def test_job_id_comes_from_the_keyword_or_the_first_argument_of_a_job_task():
    assert job_id_from_task("generation.render_job", ["job-1"], {}) == "job-1"
    assert job_id_from_task("anything", [], {"job_id": "job-2"}) == "job-2"
    assert job_id_from_task("generation.reap_stuck_jobs", [], {}) is None
    assert job_id_from_task("other.task", ["not-a-job"], None) is None
