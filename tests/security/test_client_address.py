"""Client addresses from TRUSTED_PROXIES only: forged X-Forwarded-For changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from infra.http.client_address import client_address, parse_networks

PROXIES = parse_networks(["10.0.0.0/8", "fd00::/8"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # Not a trusted proxy: the peer, whatever it claims.
        ("203.0.113.7", "127.0.0.1", "203.0.113.7"),
        ("203.0.113.7", "", "203.0.113.7"),
        # The proxy appends the real peer: a forged left part is skipped.
        ("10.0.0.2", "127.0.0.1, 198.51.100.4", "198.51.100.4"),
        ("10.0.0.2", "198.51.100.4", "198.51.100.4"),
        # Two trusted hops, then the client.
        ("10.0.0.2", "198.51.100.4, 10.1.1.1", "198.51.100.4"),
        # Garbage from behind the proxy: the last address we can vouch for.
        ("10.0.0.2", "not-an-ip", "10.0.0.2"),
        ("10.0.0.2", "", "10.0.0.2"),
        ("fd00::1", "2001:db8::5", "2001:db8::5"),
        ("10.0.0.2", "198.51.100.4:5555", "198.51.100.4"),
    ],
)
def test_client_address_walks_forwarded_for_from_the_right(peer, forwarded, expected):
    assert client_address(peer, forwarded, PROXIES) == expected


@pytest.mark.django_db
def test_forged_forwarded_for_does_not_open_the_metrics_allow_list(settings):
    settings.TRUSTED_PROXIES = []
    settings.METRICS_TOKEN = ""
    outsider = Client(REMOTE_ADDR="203.0.113.7")
    assert outsider.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403
    # Behind a trusted proxy, the hop it appended (the outsider) is what counts.
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxied = Client(REMOTE_ADDR="10.0.0.2")
    forged = proxied.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.7")
    assert forged.status_code == 403
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200


@pytest.mark.django_db
def test_metrics_allow_list_takes_networks(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["192.0.2.0/24"]
    assert Client(REMOTE_ADDR="192.0.2.9").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="192.0.3.9").get("/metrics").status_code == 403


def test_gunicorn_believes_forwarded_headers_from_trusted_proxies_only(monkeypatch, tmp_path):
    import importlib

    # The config sets PROMETHEUS_MULTIPROC_DIR when loaded: monkeypatch puts it back after.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8")
    from infra.http import gunicorn_conf

    assert importlib.reload(gunicorn_conf).forwarded_allow_ips == "10.0.0.0/8"
    monkeypatch.delenv("TRUSTED_PROXIES")
    assert importlib.reload(gunicorn_conf).forwarded_allow_ips == "127.0.0.1,::1"
