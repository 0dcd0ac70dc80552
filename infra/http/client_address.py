"""The client's address: the peer, or what trusted proxies say it is (TRUSTED_PROXIES).

One setting used everywhere an address matters: the request middleware below (read by the
log-in and sign-up throttles and the /metrics and /health/ready allow-lists) and gunicorn's
``forwarded_allow_ips``. daphne and gunicorn themselves never rewrite the address from
headers. X-Forwarded-For is walked from the right: each hop added by a trusted proxy is
skipped, the first untrusted one is the client; a peer that is not a trusted proxy is the
client whatever headers it sends.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """``["10.0.0.0/8", "127.0.0.1"]`` as networks; a bad entry raises ValueError."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def in_networks(value: str, networks: Sequence[Network]) -> bool:
    address = _ip(value)
    return address is not None and any(address in network for network in networks)


def client_address(peer: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The client's address given the TCP peer and the X-Forwarded-For header."""
    if not in_networks(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _ip(hop)
        if address is None:
            # Garbage a trusted proxy passed on: stop at the last hop we can vouch for.
            return peer
        if not any(address in network for network in trusted):
            return str(address)
        peer = str(address)
    return peer


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def allowed_networks(setting: str) -> tuple[Network, ...]:
    """An allow-list setting (addresses or CIDRs, e.g. METRICS_ALLOWED_IPS) as networks."""
    return _networks(tuple(getattr(settings, setting)))


class ClientAddressMiddleware:
    """Sets ``REMOTE_ADDR`` to the client's address (the peer stays in ``PEER_ADDR``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = request.META.get("REMOTE_ADDR", "")
        request.META["PEER_ADDR"] = peer
        request.META["REMOTE_ADDR"] = client_address(
            peer, request.META.get("HTTP_X_FORWARDED_FOR", ""), trusted_proxies()
        )
        return self.get_response(request)
