"""Each load bench (`python -m tests.load <name>`) runs end to end at a tiny size and prints figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

# Tiny sizes: a few sockets and requests, a couple of seconds, 1-bar renders.
COMMANDS = {
    "ws": [
        "--connections", "6", "--reconnect", "3", "--watchers", "4", "--renders", "2",
        "--per-job", "2", "--rate", "10", "--seconds", "1", "--real-renders", "1",
        "--real-watchers", "2", "--beat-length", "1 bar", "--hold", "0.5", "--rounds", "1",
    ],
    "reconnect": ["--clients", "4", "--hold", "0.2"],
    "http": [
        "--rate", "5", "--seconds", "1", "--warmup", "0.2", "--users", "1",
        "--gunicorn-workers", "1", "--gunicorn-threads", "2",
    ],
    "generation": [
        "--requests", "2", "--sequential", "1", "--concurrency", "1", "--beat-length", "1 bar",
        "--edits", "2", "--edit-length", "4 bars",
    ],
    "stems": ["--seconds", "90"],
    "users": [
        "--users", "2", "--seconds", "2", "--think-min", "0.2", "--think-max", "0.5",
        "--ramp", "0.2", "--lengths", "1 bar", "--worker-concurrency", "1",
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def bench_runs() -> dict[str, subprocess.CompletedProcess]:
    """All but one at once (each starts its own stack), so the module takes about as long as
    the slowest rather than the sum. The stems bench runs alone afterwards: its figure is the
    web process's memory while streaming, and a client slowed by three other stacks makes the
    server hold more chunks (77 MiB of growth seen in one parallel run, 22 MiB alone)."""

    def start(name: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.load", name, *COMMANDS[name], "--json"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish(name: str, proc: subprocess.Popen) -> subprocess.CompletedProcess:
        out, err = proc.communicate(timeout=240)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    running = {name: start(name) for name in COMMANDS if name != _ALONE}
    done = {name: finish(name, proc) for name, proc in running.items()}
    done[_ALONE] = finish(_ALONE, start(_ALONE))
    return done


_ALONE = "stems"


def figures(run: subprocess.CompletedProcess) -> dict:
    assert run.returncode == 0, run.stderr[-3000:]
    body = run.stdout[: run.stdout.rindex("}") + 1]
    return json.loads(body)


def test_bench_ws_prints_socket_reconnect_and_latency_figures(bench_runs):
    result = figures(bench_runs["ws"])
    assert result["idle"]["open_and_ready"] == 6
    assert result["idle"]["web_rss_mib"] > 0
    assert result["reconnect"]["reconnected"] == 3
    assert result["latency"]["completed_received"] == result["latency"]["completed_expected"] == 4
    assert result["latency_bare"]["completed_received"] == 4
    assert result["latency"]["progress_latency"]["count"] > 0
    assert result["latency_bare"]["progress_latency"]["count"] > 0
    assert set(result["latency_ratio"]) == {"p50", "p99"}
    assert result["real_renders"]["completed_received"] == 2
    assert result["machine"]["nproc"] >= 1


def test_bench_http_prints_latency_for_daphne_and_gunicorn(bench_runs):
    result = figures(bench_runs["http"])
    for server in ("daphne", "gunicorn"):
        assert result[server]["errors"] == 0
        assert result[server]["statuses"] == {"200": result[server]["requests"]}
        assert {"p50_ms", "p95_ms", "p99_ms"} <= set(result[server]["latency"])


def test_bench_generation_prints_completion_and_preview_times(bench_runs):
    result = figures(bench_runs["generation"])
    figures_c1 = result["concurrency_1"]
    assert figures_c1["sequential"]["succeeded"] == 1
    assert figures_c1["burst"]["succeeded"] == 2
    assert figures_c1["burst"]["message_to_first_preview"]["count"] == 2
    assert figures_c1["burst"]["makespan_s"] > 0
    edits = figures_c1["edits"]
    assert edits["succeeded"] == edits["requests"] == 2
    assert all(reused >= 1 for reused in edits["stems_reused_per_edit"])
    assert 0 < edits["edit_bytes_max"] < edits["fresh_bytes"]


def test_bench_users_prints_outcome_counts(bench_runs):
    result = figures(bench_runs["users"])
    assert result["turns"] > 0
    assert sum(result["outcomes"].values()) == result["turns"]
    assert result["errors"] == 0


def test_bench_stems_streams_a_long_zip_without_growing_the_web_process(bench_runs):
    result = figures(bench_runs["stems"])
    assert result["ok"] and result["status"] == 200
    # A 90 s beat's ZIP holds 9 stereo WAVs (~140 MB): the web process holds a few chunks.
    assert result["zip_bytes"] > 100e6
    assert result["web_rss_growth_mib"] < 64, result


def test_bench_reconnect_prints_the_storm_alone(bench_runs):
    result = figures(bench_runs["reconnect"])
    storm = result["reconnect"]
    assert result["idle"]["open_and_ready"] == 4
    assert storm["clients"] == storm["reconnected"] == 4
    assert storm["makespan_s"] > 0 and storm["web_cpu_s"] >= 0
    assert "latency" not in result
