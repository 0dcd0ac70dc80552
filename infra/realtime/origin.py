"""The socket handshake's Origin must be exactly this site: scheme, host and port.

Channels' AllowedHostsOriginValidator compared the host only, so ``http://`` pages and
other ports of an allowed host could open sockets. Allowed here: the socket's own origin
(``ws`` → ``http``, ``wss`` → ``https``, or ``https`` when a trusted proxy says
``X-Forwarded-Proto: https``; the Host header must be in ALLOWED_HOSTS), SITE_URL and
CSRF_TRUSTED_ORIGINS. Anything else, or no Origin, is refused (HTTP 403).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from infra.http.client_address import in_networks, trusted_proxies

DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]


def parse_origin(value: str) -> Origin | None:
    """``("https", "beats.example.com", 443)``; None for anything that is not an origin."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host or parts.path not in ("", "/"):
        return None
    return scheme, host, port or DEFAULT_PORTS[scheme]


def allowed_origins(scope: dict[str, Any]) -> set[Origin]:
    headers = {name.lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
    allowed = {
        origin
        for origin in map(parse_origin, [settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS])
        if origin
    }
    host_header = headers.get(b"host", "")
    domain, port = split_domain_port(host_header)
    if domain and validate_host(domain, settings.ALLOWED_HOSTS):
        schemes = {"https" if scope.get("scheme") == "wss" else "http"}
        peer = (scope.get("client") or ("", 0))[0]
        proto = headers.get(b"x-forwarded-proto", "").split(",")[0].strip().lower()
        if proto == "https" and in_networks(peer, trusted_proxies()):
            schemes = {"https"}
        for scheme in schemes:
            own = parse_origin(f"{scheme}://{domain}" + (f":{port}" if port else ""))
            if own:
                allowed.add(own)
    return allowed


class ExactOriginValidator:
    """ASGI middleware for the websocket router: refuse handshakes from any other origin."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            origin = next((v for k, v in scope.get("headers", []) if k.lower() == b"origin"), b"")
            parsed = parse_origin(origin.decode("latin-1"))
            if parsed is None or parsed not in allowed_origins(scope):
                return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
