"""Grafana provisioning, the overview dashboard, and the Alloy config that ships the logs."""

from __future__ import annotations

import json
import re

import yaml

from infra.observability import request_context
from tests.infra.observability.metric_names import DASHBOARDS, ROOT, dashboard_prometheus_exprs

GRAFANA = ROOT / "deploy" / "grafana"
ALLOY = ROOT / "deploy" / "loki" / "config.alloy"
REQUIRED_ROWS = {"API", "WebSockets", "Generation", "Database", "Infrastructure", "AI cost"}


def overview() -> dict:
    return json.loads((DASHBOARDS / "dawg-overview.json").read_text())


def provisioned_datasource_uids() -> dict[str, str]:
    config = yaml.safe_load((GRAFANA / "provisioning/datasources/datasources.yml").read_text())
    return {source["uid"]: source["type"] for source in config["datasources"]}


def test_datasources_are_prometheus_and_loki_with_fixed_uids():
    assert provisioned_datasource_uids() == {"prometheus": "prometheus", "loki": "loki"}


def test_dashboard_provider_reads_the_folder_compose_mounts():
    config = yaml.safe_load((GRAFANA / "provisioning/dashboards/dashboards.yml").read_text())
    (provider,) = config["providers"]
    compose = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    targets = [m.split(":")[1] for m in mounts if m.split(":")[0].endswith("grafana/dashboards")]
    assert targets == [provider["options"]["path"]]


def test_overview_has_the_required_rows():
    rows = {panel["title"] for panel in overview()["panels"] if panel["type"] == "row"}
    assert rows >= REQUIRED_ROWS


def test_every_panel_queries_a_provisioned_datasource_by_uid():
    uids = provisioned_datasource_uids()
    panels = [panel for panel in overview()["panels"] if panel["type"] != "row"]
    assert len(panels) >= 30
    ids = [panel["id"] for panel in overview()["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in panels:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            source = target["datasource"]
            assert uids.get(source["uid"]) == source["type"], panel["title"]
            assert target["expr"].strip(), panel["title"]
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]


def test_dashboard_queries_use_app_and_django_metrics_of_every_area():
    text = " ".join(dashboard_prometheus_exprs())
    for family in (
        "django_http_requests_latency_seconds_by_view_method_bucket",
        "dawg_ws_connections_open",
        "dawg_generation_queue_depth",
        "dawg_generation_stage_duration_seconds_bucket",
        "django_db_query_duration_seconds_bucket",
        "node_memory_MemAvailable_bytes",
        "dawg_ai_cost_usd_total",
    ):
        assert family in text


def _alloy_block(name: str) -> str:
    """The body of ``name {`` ... ``}`` in the Alloy config (nested braces balanced)."""
    text = ALLOY.read_text()
    start = text.index(name + " {") + len(name) + 2
    depth, index = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        index += 1
    return text[start : index - 1]


def test_alloy_parses_every_field_our_json_lines_carry():
    expressions = _alloy_block("stage.json")
    extracted = dict(re.findall(r'(\w+)\s*=\s*"(\w+)"', expressions))
    assert set(extracted.values()) >= {"timestamp", "level", "logger", *request_context.FIELDS}
    assert 'source = "ts"' in _alloy_block("stage.timestamp")


def test_alloy_keeps_ids_out_of_loki_labels():
    labels = set(re.findall(r"(\w+)\s*=", _alloy_block("stage.labels"))) - {"values"}
    metadata = set(re.findall(r"(\w+)\s*=", _alloy_block("stage.structured_metadata")))
    assert labels == {"level"}
    assert set(request_context.FIELDS) <= metadata
    assert "loki/api/v1/push" in _alloy_block('loki.write "default"')
