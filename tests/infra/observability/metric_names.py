"""Metric names used by alert rules and dashboards, and metric families found in a scrape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARDS = ROOT / "deploy" / "grafana" / "dashboards"

# Series that come from other exporters or from Prometheus itself, never from our /metrics.
EXTERNAL_PREFIXES = ("node_",)
EXTERNAL_NAMES = {"up"}

_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset"}
_KEYWORDS |= {"and", "or", "unless", "inf", "nan"}
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENTIFIER = re.compile(r"(?<![\w:.])([A-Za-z_:][A-Za-z0-9_:]*)(?!\w)(\s*\()?")


def names_in_expr(expr: str) -> set[str]:
    """Metric names in a PromQL expression (functions, labels, keywords and numbers left out)."""
    text = _STRINGS.sub('""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # range and subquery durations
    text = _GROUPING.sub(" ", text)
    names = set()
    for match in _IDENTIFIER.finditer(text):
        name, is_call = match.group(1), match.group(2)
        if is_call or name.lower() in _KEYWORDS:
            continue
        names.add(name)
    return names


def alert_exprs() -> dict[str, str]:
    rules = yaml.safe_load(ALERTS.read_text())
    return {
        rule["alert"]: rule["expr"]
        for group in rules["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }


def dashboard_prometheus_exprs() -> list[str]:
    """Every Prometheus query of every panel (Loki panels are left out)."""
    exprs = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            for target in panel.get("targets", []):
                source = target.get("datasource") or panel.get("datasource") or {}
                if source.get("type") == "prometheus":
                    exprs.append(target["expr"])
    return exprs


def is_external(name: str) -> bool:
    return name in EXTERNAL_NAMES or name.startswith(EXTERNAL_PREFIXES)


def used_metric_names() -> set[str]:
    exprs = [*alert_exprs().values(), *dashboard_prometheus_exprs()]
    return {name for expr in exprs for name in names_in_expr(expr)}


_SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("_sum", "_count", "_created"),
    "gauge": (),
    "untyped": (),
}


def scrape_families(text: str) -> dict[str, str]:
    """``{family: type}`` from the ``# TYPE`` lines of a Prometheus text exposition."""
    families = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(maxsplit=3)
            families[name] = kind
    return families


def exposed_names(families: dict[str, str]) -> set[str]:
    """Every series name a family may be queried by (``x_bucket``, ``x_total`` ...)."""
    names = set()
    for family, kind in families.items():
        names.add(family)
        base = family.removesuffix("_total") if kind == "counter" else family
        names.update(base + suffix for suffix in _SUFFIXES.get(kind, ()))
    return names


def sample_values(text: str) -> dict[str, float]:
    """``{'name{labels}': value}`` for every sample line (labels as written)."""
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            series, _, value = line.rpartition(" ")
            values[series] = float(value)
    return values


def total(samples: dict[str, float], name: str, **labels: str) -> float:
    """Sum of the samples of ``name`` whose labels include ``labels``."""
    wanted = [f'{key}="{value}"' for key, value in labels.items()]
    result = 0.0
    for series, value in samples.items():
        series_name, _, label_text = series.partition("{")
        if series_name == name and all(item in label_text for item in wanted):
            result += value
    return result


def alert_rules_with_labels() -> list[dict[str, str]]:
    """Each alert's labels plus its alertname, as Alertmanager receives them."""
    rules = yaml.safe_load(ALERTS.read_text())
    return [
        {"alertname": rule["alert"], **rule.get("labels", {})}
        for group in rules["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]
