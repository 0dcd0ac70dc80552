"""deploy/alertmanager/alertmanager.yml: valid for amtool, and every alert severity is routed
to a receiver that sends somewhere."""

from __future__ import annotations

import yaml

from tests.infra.observability.amtool import amtool
from tests.infra.observability.metric_names import ROOT, alert_rules_with_labels

CONFIG = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"


def test_alertmanager_config_passes_amtool_check_config():
    result = amtool("check-config", str(CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_amtool_rejects_a_route_to_an_unknown_receiver(tmp_path):
    broken = yaml.safe_load(CONFIG.read_text())
    broken["route"]["routes"][0]["receiver"] = "nobody"
    (tmp_path / "am.yml").write_text(yaml.safe_dump(broken))
    assert amtool("check-config", str(tmp_path / "am.yml")).returncode != 0


def test_every_severity_the_alerts_use_reaches_a_receiver_with_a_destination():
    config = yaml.safe_load(CONFIG.read_text())
    receivers = {r["name"]: r for r in config["receivers"]}
    for labels in alert_rules_with_labels():
        matched = amtool(
            "config",
            "routes",
            "test",
            "--config.file",
            str(CONFIG),
            *(f"{k}={v}" for k, v in labels.items()),
        )
        assert matched.returncode == 0, matched.stderr
        names = matched.stdout.strip().split(",")
        for name in names:
            receiver = receivers[name.strip()]
            assert any(key.endswith("_configs") for key in receiver), name
        if labels["severity"] == "critical":
            assert "on-call" in [n.strip() for n in names], labels
