"""Every object id in every URL and frame, tried by another user: 404 or 4403, never data.
CSRF on every state-changing route; cross-origin sockets refused; logins throttled."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from generation import services as generation_services
from generation.models import GenerationJob
from tests import factories

PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
# Non-id path parameters get a value that exists for the owner.
FIXED_PARAMS = {"kind": "mp3", "track": "kick"}


def all_routes() -> list[str]:
    """Every URL pattern of the project as a template like /beats/<uuid:beat_id>/."""
    out: list[str] = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                out.append("/" + prefix + str(entry.pattern))

    walk(get_resolver().url_patterns)
    return out


def routes_with_ids() -> list[str]:
    return sorted({r for r in all_routes() if "<uuid:" in r and not r.startswith("/admin/")})


@pytest.fixture
def owned(db):
    owner = factories.user_create(username="owner")
    conversation = factories.conversation_create(owner=owner)
    beat = factories.beat_create(owner=owner, conversation=conversation)
    version = factories.version_create(beat=beat)
    peaks = json.dumps(
        {
            "version": 1,
            "sample_rate": 44100,
            "duration_s": 1.0,
            "bins": 2,
            "samples_per_bin": 22050,
            "min": [-0.5, -0.25],
            "max": [0.5, 0.25],
            "note": "owner-secret-bytes",
        }
    ).encode()
    files = (
        ("mix.mp3", "mix_mp3", b"owner-secret-bytes"),
        ("peaks.json", "peaks", peaks),
        ("stems-kick.wav", "stem", b"owner-secret-bytes"),
        ("beat.mid", "midi", b"owner-secret-bytes"),
    )
    for name, kind, data in files:
        asset = factories.asset_create(version=version, name=name, data=data)
        asset.kind = kind
        asset.save()
    job = factories.job_create(version=version)
    share = generation_services.share_create(version=version, hours=1, allow_download=False)
    ids = {
        "share_id": share.id,
        "token": "not-a-share-token",
        "conversation_id": conversation.id,
        "beat_id": beat.id,
        "asset_id": asset.id,
        "job_id": job.id,
        "version_id": version.id,
    }
    return owner, ids


def fill(route: str, ids: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(2)
        if name in ids:
            return str(ids[name])
        if name in FIXED_PARAMS:
            return FIXED_PARAMS[name]
        raise AssertionError(f"{route}: no test object for parameter {name!r}; add it to this test")

    return PARAM.sub(value, route)


def test_a_share_link_is_revoked_only_by_its_owner(owned):
    _owner, ids = owned
    intruder = Client()
    intruder.force_login(factories.user_create(username="revoker"))
    url = f"/beats/shares/{ids['share_id']}/revoke/"
    assert intruder.post(url).status_code == 404
    from generation.models import ShareLink

    assert ShareLink.objects.get(id=ids["share_id"]).revoked_at is None


def test_the_route_list_covers_the_id_routes():
    assert len(routes_with_ids()) >= 10


@pytest.mark.django_db
@pytest.mark.parametrize("route", routes_with_ids())
def test_another_user_gets_404_for_every_id_route(route, owned):
    _, ids = owned
    url = fill(route, ids)
    intruder = Client(enforce_csrf_checks=False)
    intruder.force_login(factories.user_create(username="intruder"))
    for method in ("get", "post"):
        response = getattr(intruder, method)(url)
        assert response.status_code in (404, 405), (method, url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"owner-secret-bytes" not in body
        for value in ids.values():
            assert str(value).encode() not in body, (method, url)
    GenerationJob.objects.get(id=ids["job_id"], cancel_requested=False)  # untouched


@pytest.mark.django_db
@pytest.mark.parametrize("route", routes_with_ids())
def test_the_owner_reaches_every_id_route(route, owned):
    owner, ids = owned
    client = Client()
    client.force_login(owner)
    response = client.get(fill(route, ids))
    # GET-only views answer; POST-only views say 405; nothing is a 404 for the owner.
    assert response.status_code in (200, 302, 405), (route, response.status_code)


@pytest.mark.django_db
def test_every_state_changing_route_requires_csrf(owned):
    owner, ids = owned
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    checked = 0
    for route in all_routes():
        if route.startswith("/admin/") or "<path:" in route:
            continue
        url = fill(route, ids)
        response = client.post(
            url, data=json.dumps({"text": "trap"}), content_type="application/json"
        )
        if response.status_code in (405, 404):
            continue  # not a POST route
        assert response.status_code == 403, (url, response.status_code)
        checked += 1
    assert checked >= 5
    assert GenerationJob.objects.filter(cancel_requested=True).count() == 0


@pytest.mark.django_db
def test_login_page_and_admin_actions_need_csrf_too(owned):
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post("/accounts/login/", {"username": "owner", "password": "x"}).status_code == 403
    )
    assert client.post("/accounts/signup/", {"username": "new"}).status_code == 403


# --- sockets ----------------------------------------------------------------------------------
async def _ws_connect(conversation_id, user, origin=b"http://127.0.0.1"):
    from dawg.asgi import application
    from tests.stack.live import session_cookie_for

    cookie = await database_sync_to_async(session_cookie_for)(user)
    headers = [
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
        (b"origin", origin),
        (b"host", b"127.0.0.1"),
    ]
    communicator = WebsocketCommunicator(
        application, f"/ws/conversations/{conversation_id}/", headers=headers
    )
    connected, _ = await communicator.connect(timeout=5)
    return communicator, connected


@pytest.mark.django_db(transaction=True)
async def test_cross_origin_socket_handshake_is_refused(owned):
    owner, ids = owned
    _communicator, connected = await _ws_connect(
        ids["conversation_id"], owner, origin=b"https://evil.example"
    )
    assert not connected


@pytest.mark.django_db(transaction=True)
async def test_another_users_conversation_socket_is_closed_4403(owned):
    _, ids = owned
    intruder = await database_sync_to_async(factories.user_create)(username="intruder2")
    communicator, _ = await _ws_connect(ids["conversation_id"], intruder)
    assert (await communicator.receive_output(timeout=5)) == {
        "type": "websocket.close",
        "code": 4403,
    }


@pytest.mark.django_db(transaction=True)
async def test_frames_naming_another_users_job_change_nothing(owned):
    _, ids = owned
    intruder = await database_sync_to_async(factories.user_create)(username="intruder3")
    own = await database_sync_to_async(factories.conversation_create)(owner=intruder)
    communicator, connected = await _ws_connect(own.id, intruder)
    assert connected
    await communicator.receive_from(timeout=5)  # connection.ready
    await communicator.send_to(
        text_data=json.dumps({"type": "generation.cancel", "job": str(ids["job_id"])})
    )
    error = json.loads(await communicator.receive_from(timeout=5))
    assert (error["type"], error["code"]) == ("error", "not_found")
    await communicator.send_to(text_data=json.dumps({"type": "beat.restore", "version": 1}))
    error = json.loads(await communicator.receive_from(timeout=5))
    assert error["code"] == "not_found"
    job = await database_sync_to_async(GenerationJob.objects.get)(id=ids["job_id"])
    assert not job.cancel_requested
    await communicator.disconnect()


# --- login throttling ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(settings):
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 3
    name = f"victim-{uuid.uuid4().hex[:6]}"
    factories.user_create(username=name, password="the-right-pass-1")
    client = Client(REMOTE_ADDR=f"10.{uuid.uuid4().int % 250}.0.1")
    for _ in range(3):
        assert (
            client.post("/accounts/login/", {"username": name, "password": "wrong"}).status_code
            == 200
        )
    blocked = client.post("/accounts/login/", {"username": name, "password": "the-right-pass-1"})
    assert blocked.status_code == 429
    assert 1 <= int(blocked["Retry-After"]) <= 60
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_few_failures_do_not_lock_out_the_right_password(settings):
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 3
    name = f"user-{uuid.uuid4().hex[:6]}"
    factories.user_create(username=name, password="the-right-pass-1")
    client = Client(REMOTE_ADDR=f"10.{uuid.uuid4().int % 250}.0.2")
    client.post("/accounts/login/", {"username": name, "password": "wrong"})
    assert (
        client.post(
            "/accounts/login/", {"username": name, "password": "the-right-pass-1"}
        ).status_code
        == 302
    )


@pytest.mark.django_db
def test_admin_login_goes_through_the_throttled_form(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
