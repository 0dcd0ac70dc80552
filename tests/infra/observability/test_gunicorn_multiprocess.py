"""The http process as the Procfile runs it (gunicorn, two workers, infra/http/gunicorn_conf.py):
requests answered by both workers add up in one /metrics, whichever worker serves the scrape,
and a worker that dies keeps its counts while its live gauges go."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest

from infra.redis.embedded import free_port
from tests.deploy.process_commands import canonical, procfile_commands
from tests.infra.observability.metric_names import (
    ROOT,
    exposed_names,
    sample_values,
    scrape_families,
    total,
    used_metric_names,
)
from tests.infra.observability.promtool import promtool
from tests.stack.processes import spawn, wait_until

pytestmark = pytest.mark.slow

HEALTH = "django_http_responses_total_by_status_view_method_total"
# A signed-in session, so a page can raise Http404 (counted as an exception by type).
SESSION = """
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.create_user("gunicorn", password="pw-123456789"))
print(client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def _health_count(base: str) -> float:
    return total(
        sample_values(httpx.get(base + "/metrics", timeout=10).text), HEALTH, view="health"
    )


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    base = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {
        # No PROMETHEUS_MULTIPROC_DIR, as on a VM: the config file makes one of its own.
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "PROMETHEUS_"))
        },
        "DJANGO_SETTINGS_MODULE": "dawg.settings.test",
        "DATABASE_URL": f"sqlite:///{base / 'db.sqlite3'}",
        "HTTP_PORT": str(port),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    session = subprocess.run(
        [sys.executable, "-c", SESSION],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert session.returncode == 0, session.stderr
    argv = canonical(procfile_commands()["http"], env)
    assert argv[0] == "gunicorn" and "python:infra.http.gunicorn_conf" in argv
    # On this machine only: the loopback address, and which worker answered each request.
    argv = [sys.executable, "-m", *argv]
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    argv += ["--access-logfile", str(base / "access.log"), "--access-logformat", "%(p)s %(U)s"]
    process = spawn("gunicorn", argv, env, base)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: httpx.get(url + "/health", timeout=1).status_code == 200,
            timeout=60,
            what="gunicorn /health",
            process=process,
        )
        yield {
            "url": url,
            "process": process,
            "base": base,
            "session": session.stdout.strip().splitlines()[-1],
        }
    finally:
        process.stop()


def _workers_that_answered(base: Path, path: str) -> set[str]:
    lines = (base / "access.log").read_text().splitlines()
    return {pid for pid, _, answered in (line.partition(" ") for line in lines) if answered == path}


def test_two_workers_answer_and_one_scrape_sums_them(gunicorn):
    url, base = gunicorn["url"], gunicorn["base"]
    before = _health_count(url)
    sent = 0
    # New connections in parallel until both workers have answered some (at most 600).
    with ThreadPoolExecutor(max_workers=8) as pool:
        while sent < 600:
            codes = list(
                pool.map(lambda _: httpx.get(url + "/health", timeout=10).status_code, range(40))
            )
            assert codes == [200] * 40
            sent += 40
            if len(_workers_that_answered(base, "/health")) >= 2 and sent >= 80:
                break
    workers = _workers_that_answered(base, "/health")
    assert len(workers) == 2, f"only {workers} answered {sent} requests"
    # Every scrape, whichever worker serves it, reports every request of both.
    counts = {_health_count(url) - before for _ in range(8)}
    assert counts == {sent}
    assert len(_workers_that_answered(base, "/metrics")) >= 1


def test_scrape_passes_promtool_and_serves_every_http_metric_the_dashboard_and_alerts_use(gunicorn):
    cookies = {"sessionid": gunicorn["session"]}
    missing = httpx.get(f"{gunicorn['url']}/beats/{uuid.uuid4()}/", cookies=cookies, timeout=10)
    assert missing.status_code == 404
    text = httpx.get(gunicorn["url"] + "/metrics", timeout=10).text
    promtool("check", "metrics", stdin=text)
    exposed = exposed_names(scrape_families(text))
    http_names = {name for name in used_metric_names() if name.startswith("django_http_")}
    assert http_names, "the dashboard and alerts use no django_http_* metric?"
    assert http_names - exposed == set()
    assert "dawg_generation_queue_depth" in exposed


def test_a_dead_worker_keeps_its_counts_and_leaves_the_live_gauges(gunicorn):
    url, process = gunicorn["url"], gunicorn["process"]
    master = psutil.Process(process.popen.pid)
    for _ in range(20):
        assert httpx.get(url + "/health", timeout=10).status_code == 200
    counted = _health_count(url)
    victim = master.children()[0]
    own_dir = Path(tempfile.gettempdir()) / f"dawg-gunicorn-{master.pid}"
    assert (own_dir / f"gauge_livesum_{victim.pid}.db").exists()
    victim.kill()
    wait_until(
        lambda: (
            len(master.children()) == 2 and victim.pid not in [c.pid for c in master.children()]
        ),
        timeout=60,
        what="gunicorn to replace the killed worker",
        process=process,
    )
    # child_exit marked it dead: its live-sum gauge file is gone, its counters stay.
    assert not (own_dir / f"gauge_livesum_{victim.pid}.db").exists()
    wait_until(
        lambda: httpx.get(url + "/health", timeout=2).status_code == 200,
        timeout=30,
        what="a new worker",
    )
    assert _health_count(url) >= counted + 1
