"""The metric helpers record what they say, and /metrics exposes them with the state gauges."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from infra.observability import metrics

pytestmark = pytest.mark.django_db


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_observe_job_finished_counts_status_duration_and_failure_code():
    before = value("dawg_generation_failures_total", error_code="bad_spec")
    before_failed = value("dawg_generation_jobs_finished_total", status="failed")
    metrics.observe_job_finished("failed", 2.5, error_code="bad_spec")
    assert value("dawg_generation_failures_total", error_code="bad_spec") == before + 1
    assert value("dawg_generation_jobs_finished_total", status="failed") == before_failed + 1


def test_ws_connected_and_disconnected_balance_the_open_gauge():
    before = value("dawg_ws_connections_open")
    metrics.ws_connected()
    assert value("dawg_ws_connections_open") == before + 1
    metrics.ws_disconnected(1006)
    assert value("dawg_ws_connections_open") == before
    assert value("dawg_ws_disconnects_total", code="1006") >= 1


def test_ai_call_records_tokens_by_kind_and_cost():
    before = value("dawg_ai_cost_usd_total", provider="p", model="m")
    metrics.ai_call("p", "m", prompt_tokens=120, completion_tokens=30, cost_usd=0.002)
    assert value("dawg_ai_tokens_total", provider="p", model="m", kind="prompt") >= 120
    assert value("dawg_ai_tokens_total", provider="p", model="m", kind="completion") >= 30
    assert value("dawg_ai_cost_usd_total", provider="p", model="m") == pytest.approx(before + 0.002)


def test_render_speed_is_audio_seconds_per_wall_second():
    before = value("dawg_generation_render_realtime_factor_sum")
    metrics.observe_render_speed(audio_s=60.0, render_s=0.5)
    assert value("dawg_generation_render_realtime_factor_sum") == pytest.approx(before + 120.0)


def test_odd_input_is_recorded_under_safe_labels_and_never_negative():
    stage_sum = value("dawg_generation_stage_duration_seconds_sum", stage="unknown")
    stage_count = value("dawg_generation_stage_duration_seconds_count", stage="unknown")
    metrics.observe_stage("", -1.0)  # an empty stage and a negative duration
    assert value("dawg_generation_stage_duration_seconds_count", stage="unknown") == stage_count + 1
    assert value("dawg_generation_stage_duration_seconds_sum", stage="unknown") == stage_sum

    sent = value("dawg_ws_events_sent_total", type="unknown")
    metrics.event_sent(None, None)  # type: ignore[arg-type]
    assert value("dawg_ws_events_sent_total", type="unknown") == sent + 1

    written = value("dawg_storage_bytes_written_total")
    dropped = value("dawg_channel_layer_drops_total")
    metrics.storage_written(0)
    metrics.channel_layer_dropped(0)
    assert value("dawg_storage_bytes_written_total") == written
    assert value("dawg_channel_layer_drops_total") == dropped

    open_before = value("dawg_ws_connections_open")
    metrics.ws_connected()
    metrics.ws_disconnected(None)
    assert value("dawg_ws_disconnects_total", code="unknown") >= 1
    assert value("dawg_ws_connections_open") == open_before


def test_a_failing_metric_update_is_logged_not_raised(caplog):
    def broken() -> None:
        raise RuntimeError("registry gone")

    metrics._safely(broken)
    assert "metric update failed" in caplog.text


def test_metrics_endpoint_exposes_app_families_and_queue_state(client):
    metrics.intent_parsed("create")
    response = client.get("/metrics")
    assert response.status_code == 200
    body = response.content.decode()
    assert "dawg_generation_queue_depth 0.0" in body
    assert 'dawg_chat_intents_total{action="create",parser="builtin"}' in body
    assert "dawg_ai_daily_budget_usd" in body
    assert "django_http_requests_total_by_method_total" in body
