"""Open sockets do not outlive their login: logout and a password change close them."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pass-w0rd-123"


def logged_in_client(username: str) -> Client:
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


async def open_socket(client: Client, conversation_id) -> WebsocketCommunicator:
    from dawg.asgi import application

    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    communicator = WebsocketCommunicator(
        application,
        f"/ws/conversations/{conversation_id}/",
        headers=[
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
            (b"origin", b"http://127.0.0.1"),
            (b"host", b"127.0.0.1"),
        ],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator


async def first_frame(communicator) -> dict:
    output = await communicator.receive_output(timeout=5)
    return json.loads(output["text"]) if output["type"] == "websocket.send" else output


@pytest.fixture
def owner():
    return factories.user_create(username="sessions-owner", password=PASSWORD)


async def test_logout_closes_that_sessions_socket_only(owner):
    conversation = await sync_to_async(factories.conversation_create)(owner=owner)
    leaving = await sync_to_async(logged_in_client)(owner.username)
    staying = await sync_to_async(logged_in_client)(owner.username)
    sockets = [await open_socket(c, conversation.id) for c in (leaving, staying)]
    for socket in sockets:
        assert (await first_frame(socket))["type"] == "connection.ready"

    assert (await sync_to_async(leaving.post)("/accounts/logout/")).status_code == 302

    assert await sockets[0].receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    await sockets[1].send_to(text_data='{"type": "ping"}')
    assert (await first_frame(sockets[1]))["type"] == "pong"
    await sockets[1].disconnect()


async def test_password_change_closes_every_socket_and_old_sessions_cannot_return(owner):
    conversation = await sync_to_async(factories.conversation_create)(owner=owner)
    changer = await sync_to_async(logged_in_client)(owner.username)
    elsewhere = await sync_to_async(logged_in_client)(owner.username)
    sockets = [await open_socket(c, conversation.id) for c in (changer, elsewhere)]
    for socket in sockets:
        assert (await first_frame(socket))["type"] == "connection.ready"

    page = await sync_to_async(changer.get)("/accounts/password/")
    assert page.status_code == 200 and b"Change your password" in page.content
    response = await sync_to_async(changer.post)(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-Brand-new-pass-71",
            "new_password2": "a-Brand-new-pass-71",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"

    for socket in sockets:
        assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    again = await open_socket(changer, conversation.id)  # this browser stays logged in
    assert (await first_frame(again))["type"] == "connection.ready"
    await again.disconnect()
    stale = await open_socket(elsewhere, conversation.id)
    assert (await first_frame(stale)) == {"type": "websocket.close", "code": 4401}
