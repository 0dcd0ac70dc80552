"""A live stack (daphne + a Celery worker + Redis) after a real chat turn and render: its
/metrics pass `promtool check metrics`, hold every app metric, count the work that was done,
and serve every metric a dashboard panel or an alert uses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from prometheus_client.metrics import MetricWrapperBase
from websockets.sync.client import connect

from infra.observability import metrics as app_metrics
from infra.redis.embedded import free_port, start_embedded_redis
from tests.infra.observability.metric_names import (
    ROOT,
    exposed_names,
    is_external,
    sample_values,
    scrape_families,
    total,
    used_metric_names,
)
from tests.infra.observability.promtool import promtool

pytestmark = pytest.mark.slow

PROMPT_TOKENS, COMPLETION_TOKENS = 420, 60
PRICE_INPUT_PER_1K, PRICE_OUTPUT_PER_1K = 0.5, 1.5
DAILY_BUDGET_USD = 7.0
# What the fake model answers: a short beat, so the real render takes about a second.
MODEL_INTENT = {
    "action": "create",
    "spec": {"genre": "trap", "bpm": 140, "key": {"tonic": "F", "mode": "minor"}, "bars": 4},
}

WEB_APP = "dawg.asgi:application"
WORKER_ARGS = ("-Q", "generation,default", "--concurrency", "1", "--pool", "prefork")

PREPARE = """
import json
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from chat.services import conversation_create

call_command("migrate", verbosity=0, interactive=False)
user = get_user_model().objects.create_user("scraper", password="scrape-pass-123")
conversation = conversation_create(owner=user, title="live scrape")
client = Client()
client.force_login(user)
print(json.dumps({
    "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    "conversation": str(conversation.id),
}))
"""


class _FakeModel(BaseHTTPRequestHandler):
    """An OpenAI-compatible /chat/completions that always answers MODEL_INTENT."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(
            {
                "choices": [
                    {"message": {"role": "assistant", "content": json.dumps(MODEL_INTENT)}}
                ],
                "usage": {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Stack:
    base: Path
    web_url: str
    worker_metrics_url: str
    session: str
    conversation: str
    web: subprocess.Popen
    worker: subprocess.Popen


def _wait_http(url: str, process: subprocess.Popen, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = Path(process.log_path).read_text()  # type: ignore[attr-defined]
            raise AssertionError(f"{process.args[:4]} exited {process.returncode}:\n{out[-3000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout_s} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    base = tmp_path_factory.mktemp("live-scrape")
    redis_server = start_embedded_redis()
    model = ThreadingHTTPServer(("127.0.0.1", 0), _FakeModel)
    threading.Thread(target=model.serve_forever, daemon=True).start()
    web_port, worker_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dawg.settings.test",
        "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": f"sqlite:///{base / 'db.sqlite3'}",
        "MEDIA_ROOT": str(base / "media"),
        "STORAGE_BACKEND": "filesystem",
        "REDIS_URL": redis_server.url,
        "CELERY_BROKER_URL": "",
        "CHANNEL_LAYER_URL": "",
        "LLM_BASE_URL": f"http://127.0.0.1:{model.server_port}/v1",
        "LLM_API_KEY": "test-key",
        "LLM_MODEL": "fake-model",
        "LLM_PRICE_INPUT_PER_1K": str(PRICE_INPUT_PER_1K),
        "LLM_PRICE_OUTPUT_PER_1K": str(PRICE_OUTPUT_PER_1K),
        "LLM_DAILY_BUDGET_USD": str(DAILY_BUDGET_USD),
        "WORKER_METRICS_PORT": str(worker_port),
        "WORKER_METRICS_ADDR": "127.0.0.1",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # one daphne process: the default registry
    prepared = subprocess.run(
        [sys.executable, "-c", PREPARE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert prepared.returncode == 0, prepared.stderr[-3000:]
    ids = json.loads(prepared.stdout.strip().splitlines()[-1])

    def spawn(name: str, args: list[str], extra: dict[str, str] | None = None) -> subprocess.Popen:
        # Output to a file, not a pipe nobody drains (a full pipe would block the server).
        with open(base / f"{name}.log", "w") as log:
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env={**env, **(extra or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process.log_path = base / f"{name}.log"  # type: ignore[attr-defined]
        return process

    (base / "worker-metrics").mkdir()
    web = spawn(
        "web",
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(web_port), WEB_APP],
    )
    # The worker always keeps its pool's values in files (multiprocess mode), under this dir.
    worker = spawn(
        "worker",
        [sys.executable, "-m", "celery", "-A", "dawg", "worker", *WORKER_ARGS],
        {"PROMETHEUS_MULTIPROC_DIR": str(base / "worker-metrics")},
    )
    try:
        _wait_http(f"http://127.0.0.1:{web_port}/health", web)
        _wait_http(f"http://127.0.0.1:{worker_port}/metrics", worker)
        yield Stack(
            base=base,
            web_url=f"http://127.0.0.1:{web_port}",
            worker_metrics_url=f"http://127.0.0.1:{worker_port}/metrics",
            session=ids["session"],
            conversation=ids["conversation"],
            web=web,
            worker=worker,
        )
    finally:
        _stop(web)
        _stop(worker)
        model.shutdown()
        redis_server.stop()


@dataclass
class Scrape:
    web: str
    worker: str
    events: list[dict]


@pytest.fixture(scope="module")
def scrape(stack: Stack) -> Scrape:
    """One chat turn over a real WebSocket, rendered by the real worker, then both scrapes."""
    cookies = {"sessionid": stack.session}
    ws_url = stack.web_url.replace("http", "ws") + f"/ws/conversations/{stack.conversation}/"
    events: list[dict] = []
    with connect(
        ws_url,
        origin=stack.web_url,
        additional_headers={"Cookie": f"sessionid={stack.session}"},
        open_timeout=10,
    ) as socket:
        events.append(json.loads(socket.recv(timeout=10)))
        socket.send(
            json.dumps(
                {
                    "type": "chat.message",
                    "text": "dark trap beat, 140, F minor",
                    "client_msg_id": str(uuid.uuid4()),
                }
            )
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            event = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            events.append(event)
            if event["type"] in ("generation.completed", "generation.failed"):
                break
        socket.close(code=1000)
    done = [event["type"] for event in events]
    assert "generation.completed" in done, f"no completed render; events: {done}"

    with httpx.Client(base_url=stack.web_url, cookies=cookies, timeout=10) as client:
        assert client.get("/c/").status_code == 200
        assert client.get(f"/beats/{uuid.uuid4()}/").status_code == 404
        assert client.get("/health/ready").status_code == 200
    # The disconnect is counted when daphne has processed the close; give it a moment.
    deadline = time.monotonic() + 10
    while True:
        web = httpx.get(stack.web_url + "/metrics", timeout=10).text
        if total(sample_values(web), "dawg_ws_disconnects_total") >= 1:
            break
        assert time.monotonic() < deadline, "the WebSocket disconnect was never counted"
        time.sleep(0.2)
    worker = httpx.get(stack.worker_metrics_url, timeout=10).text
    # Kept beside the server logs for whoever debugs a failure.
    (stack.base / "web.prom").write_text(web)
    (stack.base / "worker.prom").write_text(worker)
    return Scrape(web=web, worker=worker, events=events)


def app_metric_families() -> set[str]:
    """Every family infra/observability/metrics.py defines, as it appears in a ``# TYPE`` line."""
    families = set(app_metrics.STATE_METRIC_NAMES)
    for value in vars(app_metrics).values():
        if isinstance(value, MetricWrapperBase):
            suffix = "_total" if value._type == "counter" else ""
            families.add(value._name + suffix)
    return families


def test_web_scrape_passes_promtool_check_metrics(scrape: Scrape):
    promtool("check", "metrics", stdin=scrape.web)


def test_worker_scrape_passes_promtool_check_metrics(scrape: Scrape):
    promtool("check", "metrics", stdin=scrape.worker)


def test_every_app_metric_family_is_exposed(scrape: Scrape):
    exposed = scrape_families(scrape.web) | scrape_families(scrape.worker)
    expected = app_metric_families()
    assert len(expected) >= 30
    assert expected - set(exposed) == set()


def test_every_metric_a_dashboard_or_alert_uses_is_in_the_scrape(scrape: Scrape):
    exposed = exposed_names(scrape_families(scrape.web) | scrape_families(scrape.worker))
    used = used_metric_names()
    ours = {name for name in used if not is_external(name)}
    assert {name for name in used if is_external(name)} <= {
        "up",
        "node_cpu_seconds_total",
        "node_filesystem_avail_bytes",
        "node_filesystem_size_bytes",
        "node_memory_MemAvailable_bytes",
        "node_memory_MemTotal_bytes",
    }, "a new external metric: list it here on purpose"
    assert ours - exposed == set()


def test_web_metrics_count_the_requests_socket_chat_and_ai_call(scrape: Scrape):
    web = sample_values(scrape.web)
    assert total(web, "django_http_responses_total_by_status_view_method_total", status="404") >= 1
    assert total(web, "django_http_requests_latency_seconds_by_view_method_count") >= 3
    assert total(web, "django_db_execute_total") > 0
    assert total(web, "dawg_ws_connects_total") >= 1
    assert total(web, "dawg_ws_disconnects_total", code="1000") >= 1
    assert total(web, "dawg_ws_connections_open") == 0
    assert total(web, "dawg_ws_events_sent_total", type="generation.completed") >= 1
    assert total(web, "dawg_ws_event_delivery_latency_seconds_count") >= 1
    assert total(web, "dawg_chat_messages_total", transport="ws") == 1
    assert total(web, "dawg_chat_intents_total", action="create", parser="llm") == 1
    assert total(web, "dawg_ai_calls_total", model="fake-model") == 1
    assert total(web, "dawg_ai_tokens_total", kind="prompt") == PROMPT_TOKENS
    assert total(web, "dawg_ai_tokens_total", kind="completion") == COMPLETION_TOKENS
    expected_cost = PROMPT_TOKENS * PRICE_INPUT_PER_1K + COMPLETION_TOKENS * PRICE_OUTPUT_PER_1K
    assert total(web, "dawg_ai_cost_usd_total") == pytest.approx(expected_cost / 1000)
    assert total(web, "dawg_ai_daily_budget_usd") == DAILY_BUDGET_USD
    assert total(web, "dawg_generation_jobs", status="running") == 0
    assert total(web, "dawg_generation_queue_depth") == 0


def test_worker_metrics_count_the_render(scrape: Scrape):
    worker = sample_values(scrape.worker)
    assert total(worker, "dawg_celery_worker_processes") == 1
    assert (
        total(worker, "dawg_celery_tasks_total", task="generation.render_job", state="SUCCESS") == 1
    )
    assert total(worker, "dawg_generation_jobs_started_total") == 1
    assert total(worker, "dawg_generation_jobs_finished_total", status="succeeded") == 1
    assert total(worker, "dawg_generation_job_duration_seconds_count", status="succeeded") == 1
    assert total(worker, "dawg_generation_queue_wait_seconds_count") == 1
    assert total(worker, "dawg_generation_stage_duration_seconds_count") >= 3
    assert total(worker, "dawg_generation_render_realtime_factor_sum") > 1
    assert total(worker, "dawg_storage_bytes_written_total") > 10_000
    assert total(worker, "dawg_generation_failures_total") == 0
