"""The socket handshake's Origin must match scheme, host and port exactly."""

from __future__ import annotations

import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from infra.realtime.origin import parse_origin
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


async def handshake(origin: bytes, host: bytes, *, client=None, headers=(), scheme="ws") -> bool:
    from dawg.asgi import application
    from tests.stack.live import session_cookie_for

    def owned():
        user = factories.user_create(username=f"o-{uuid.uuid4().hex[:10]}")
        return factories.conversation_create(owner=user).id, session_cookie_for(user)

    conversation_id, cookie = await database_sync_to_async(owned)()
    communicator = WebsocketCommunicator(
        application,
        f"/ws/conversations/{conversation_id}/",
        headers=[
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
            (b"origin", origin),
            (b"host", host),
            *headers,
        ],
    )
    communicator.scope["scheme"] = scheme
    if client:
        communicator.scope["client"] = client
    connected, _ = await communicator.connect(timeout=5)
    if connected:
        await communicator.disconnect()
    return connected


def test_parse_origin_normalises_default_ports():
    assert parse_origin("https://Beats.Example.com") == ("https", "beats.example.com", 443)
    assert parse_origin("http://127.0.0.1:8001") == ("http", "127.0.0.1", 8001)
    assert parse_origin("null") is None and parse_origin("ftp://x") is None
    assert parse_origin("http://x:99999") is None


async def test_same_origin_connects():
    assert await handshake(b"http://127.0.0.1:8001", b"127.0.0.1:8001")


@pytest.mark.parametrize(
    "origin",
    [
        b"http://127.0.0.1:9999",  # another port of an allowed host
        b"https://127.0.0.1:8001",  # another scheme
        b"http://localhost:8001",  # another allowed host
        b"https://evil.example",
        b"null",
        b"",
    ],
)
async def test_any_other_origin_is_refused(origin):
    assert not await handshake(origin, b"127.0.0.1:8001")


async def test_https_behind_a_trusted_proxy_only(settings):
    settings.ALLOWED_HOSTS = ["beats.example.com"]
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proto = [(b"x-forwarded-proto", b"https")]
    origin, host = b"https://beats.example.com", b"beats.example.com"
    assert await handshake(origin, host, client=("10.0.0.2", 4000), headers=proto)
    assert not await handshake(origin, host, client=("203.0.113.9", 4000), headers=proto)
    assert not await handshake(
        b"http://beats.example.com", host, client=("10.0.0.2", 4000), headers=proto
    )


async def test_site_url_and_csrf_trusted_origins_are_allowed(settings):
    settings.SITE_URL = "https://beats.example.com"
    settings.CSRF_TRUSTED_ORIGINS = ["https://studio.example.com:8443"]
    assert await handshake(b"https://beats.example.com", b"127.0.0.1:8001")
    assert await handshake(b"https://studio.example.com:8443", b"127.0.0.1:8001")
    assert not await handshake(b"https://studio.example.com", b"127.0.0.1:8001")
