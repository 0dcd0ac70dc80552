"""End to end over real processes: browser-like sockets → daphne → services → Celery → events."""

from __future__ import annotations

import asyncio
import io
import signal
import time
import uuid

import httpx
import pytest
import soundfile
from django.conf import settings

from generation.engine.mix import TAIL_S
from generation.models import Asset, BeatVersion, GenerationJob, JobStatus
from tests import factories
from tests.stack import live
from tests.stack.clients import Socket
from tests.stack.processes import Process

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

GENERATION_EVENTS = (
    "generation.queued",
    "generation.started",
    "generation.stage",
    "generation.progress",
    "generation.completed",
)


def chat(text: str) -> dict:
    return {"type": "chat.message", "text": text, "client_msg_id": str(uuid.uuid4())}


def mp3_duration(data: bytes) -> float:
    from pedalboard.io import AudioFile

    with AudioFile(io.BytesIO(data)) as audio:
        return audio.frames / audio.samplerate


@pytest.fixture
def owner_session():
    user = factories.user_create(username=f"live-{uuid.uuid4().hex[:6]}")
    conversation = factories.conversation_create(owner=user)
    return user, conversation, live.session_cookie_for(user)


def test_a_message_becomes_a_rendered_beat_with_live_progress(live_stack, owner_session):
    _user, conversation, cookie = owner_session
    base = live_stack["base_url"]

    async def scenario():
        socket = await Socket.for_conversation(base, conversation.id, cookie)
        await socket.until(lambda e: e["type"] == "connection.ready")
        await socket.send(chat("dark trap beat 140 F minor"))
        completed = await socket.until(
            lambda e: e["type"] in ("generation.completed", "generation.failed"), 90
        )
        await socket.close()
        return socket, completed

    socket, completed = asyncio.run(scenario())
    assert completed["type"] == "generation.completed", completed
    types = socket.types()
    messages = [e["message"]["role"] for e in socket.events if e["type"] == "chat.message"]
    assert messages == ["user", "assistant"]
    for event_type in GENERATION_EVENTS:
        assert event_type in types, (event_type, types)
    assert (
        types.index("generation.queued")
        < types.index("generation.started")
        < types.index("generation.completed")
    )
    seqs = [e["seq"] for e in socket.events if e["type"] != "connection.ready"]
    assert seqs == sorted(seqs)
    progress = [
        e["progress"]
        for e in socket.events
        if e["type"] in ("generation.progress", "generation.stage")
    ]
    assert progress == sorted(progress) and progress[-1] >= 85
    spec = completed["version"]["spec"]
    assert (spec["genre"], spec["bpm"], spec["key"]["tonic"], spec["key"]["mode"]) == (
        "trap",
        140,
        "F",
        "minor",
    )

    with httpx.Client(
        base_url=base, cookies={settings.SESSION_COOKIE_NAME: cookie}, follow_redirects=True
    ) as http:
        response = http.get(completed["assets"]["mix_mp3"])
        assert response.status_code == 200
        assert response.content[:3] == b"ID3" or response.content[0] == 0xFF
        # The bars exactly, plus the engine's documented ring-out after the last bar.
        # MP3 frames (1,152 samples) and encoder delay add a few tens of ms; the WAV is exact.
        assert mp3_duration(response.content) == pytest.approx(spec["duration_s"] + TAIL_S, abs=0.2)
        wav = http.get(completed["assets"]["mix_wav"])
        info = soundfile.info(io.BytesIO(wav.content))
        assert (info.samplerate, info.channels) == (44100, 2)
        bars_samples = round(spec["bars"] * 4 * 60 / spec["bpm"] * 44100)
        assert info.frames == bars_samples + int(TAIL_S * 44100)
        # Another user's session gets nothing.
        stranger = factories.user_create(username="stranger")
        other = httpx.get(
            base + completed["assets"]["mix_mp3"],
            cookies={settings.SESSION_COOKIE_NAME: live.session_cookie_for(stranger)},
        )
        assert other.status_code == 404
    job = GenerationJob.objects.get(id=completed["job"])
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100


def test_a_second_tab_on_another_instance_sees_the_same_events_in_order(
    live_stack, owner_session, live_logs
):
    _user, conversation, cookie = owner_session
    second_web, second_base = live.start_web(live_logs, env=live_stack["env"])
    try:

        async def scenario():
            tab_a = await Socket.for_conversation(live_stack["base_url"], conversation.id, cookie)
            tab_b = await Socket.for_conversation(second_base, conversation.id, cookie)
            for tab in (tab_a, tab_b):
                await tab.until(lambda e: e["type"] == "connection.ready")
            await tab_a.send(chat("house beat 124 bpm, 8 bars"))
            done = lambda e: e["type"] == "generation.completed"  # noqa: E731
            await asyncio.gather(tab_a.until(done, 90), tab_b.until(done, 90))
            # The turn's closing chat.typing can be published after a short render completes:
            # let both tabs catch up to the last seq either has seen before comparing.
            await asyncio.sleep(0.5)
            last = max(e["seq"] for tab in (tab_a, tab_b) for e in tab.events)
            for tab in (tab_a, tab_b):
                if max(e["seq"] for e in tab.events) < last:
                    await tab.until(lambda e: e["seq"] >= last, 10)
            await tab_a.close()
            await tab_b.close()
            return tab_a, tab_b

        tab_a, tab_b = asyncio.run(scenario())
    finally:
        second_web.stop()

    def strip(socket: Socket) -> list[tuple[int, str]]:
        return [(e["seq"], e["type"]) for e in socket.events if e["type"] != "connection.ready"]

    assert strip(tab_a) == strip(tab_b)
    assert len(strip(tab_a)) >= 8


def test_resume_after_a_dropped_socket_loses_nothing(live_stack, owner_session):
    _user, conversation, cookie = owner_session
    base = live_stack["base_url"]

    async def scenario():
        socket = await Socket.for_conversation(base, conversation.id, cookie)
        await socket.until(lambda e: e["type"] == "connection.ready")
        await socket.send(chat("boom bap beat 90 bpm, 64 bars"))
        await socket.until(lambda e: e["type"] == "generation.started", 60)
        last_seq = max(e["seq"] for e in socket.events)
        socket.ws.transport.abort()  # a dropped connection: no close handshake
        await asyncio.sleep(0.5)  # events keep flowing while we're away
        again = await Socket.for_conversation(base, conversation.id, cookie)
        await again.until(lambda e: e["type"] == "connection.ready")
        await again.send({"type": "resume", "last_seq": last_seq})
        snapshot = await again.until(lambda e: e["type"] == "conversation.snapshot")
        job_id = snapshot["jobs"][0]["id"]
        if snapshot["jobs"][0]["status"] != "succeeded":
            await again.until(
                lambda e: e["type"] == "generation.completed" and e["job"] == job_id, 90
            )
        await again.close()
        return last_seq, snapshot, again

    last_seq, snapshot, again = asyncio.run(scenario())
    assert snapshot["last_seq"] == last_seq
    assert snapshot["seq"] >= last_seq
    assert [m["role"] for m in snapshot["messages"]] == ["user", "assistant"]
    assert snapshot["beat"]["current_version"] == snapshot["beat"]["versions"][-1]["id"]
    later = [e["seq"] for e in again.events if e["seq"] > snapshot["seq"]]
    assert later == sorted(later)
    assert GenerationJob.objects.get(id=snapshot["jobs"][0]["id"]).status == JobStatus.SUCCEEDED


def _pool_children(worker: Process) -> list[int]:
    import subprocess

    out = subprocess.run(
        ["pgrep", "-P", str(worker.popen.pid)], capture_output=True, text=True
    ).stdout
    return [int(pid) for pid in out.split()]


def test_a_worker_child_killed_mid_render_is_redelivered_and_completes_exactly_once(
    live_stack, owner_session
):
    _user, conversation, cookie = owner_session
    base = live_stack["base_url"]

    async def scenario():
        socket = await Socket.for_conversation(base, conversation.id, cookie)
        await socket.until(lambda e: e["type"] == "connection.ready")
        await socket.send(chat("drum and bass at 174, 3 minutes"))
        started = await socket.until(
            lambda e: e["type"] == "generation.stage" and e["stage"].startswith("synth"), 60
        )
        import os

        for pid in _pool_children(live_stack["worker"]):
            os.kill(pid, signal.SIGKILL)
        completed = await socket.until(
            lambda e: e["type"] in ("generation.completed", "generation.failed"), 120
        )
        await socket.close()
        return started, completed

    started, completed = asyncio.run(scenario())
    assert completed["type"] == "generation.completed", completed
    job = GenerationJob.objects.get(id=started["job"])
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 2
    assert BeatVersion.objects.filter(beat__conversation=conversation).count() == 1
    names = list(Asset.objects.filter(version=job.version).values_list("name", flat=True))
    assert len(names) == len(set(names)) and "mix.mp3" in names
    assert live_stack["worker"].alive()
    time.sleep(0.1)


def test_frames_above_the_server_limit_are_refused_by_the_server(live_stack, owner_session):
    from infra.realtime.live_sockets import HARD_MAX_MESSAGE_BYTES

    _user, conversation, cookie = owner_session

    async def scenario():
        socket = await Socket.for_conversation(live_stack["base_url"], conversation.id, cookie)
        await socket.until(lambda e: e["type"] == "connection.ready")
        await socket.send("x" * (HARD_MAX_MESSAGE_BYTES + 1024))
        try:
            await socket.next_event(10)
        except Exception as exc:  # the server closes the connection
            return exc
        return None

    from websockets.exceptions import ConnectionClosed

    closed = asyncio.run(scenario())
    # autobahn fails the connection (1009, or a dropped TCP connection) before the app sees it.
    assert isinstance(closed, ConnectionClosed), repr(closed)
    assert closed.rcvd is None or closed.rcvd.code == 1009

    async def still_serving():
        socket = await Socket.for_conversation(live_stack["base_url"], conversation.id, cookie)
        ready = await socket.until(lambda e: e["type"] == "connection.ready")
        await socket.close()
        return ready

    assert asyncio.run(still_serving())["type"] == "connection.ready"


def test_sigterm_tells_every_socket_to_reconnect_and_closes_with_1012(
    live_stack, owner_session, live_logs
):
    _user, conversation, cookie = owner_session
    web, base = live.start_web(live_logs, env=live_stack["env"])

    async def scenario():
        sockets = [await Socket.for_conversation(base, conversation.id, cookie) for _ in range(3)]
        for socket in sockets:
            await socket.until(lambda e: e["type"] == "connection.ready")
        web.signal(signal.SIGTERM)
        notices, codes = [], []
        for socket in sockets:
            notices.append(await socket.until(lambda e: e["type"] == "system.reconnect", 15))
            try:
                await socket.next_event(15)
            except Exception as exc:
                codes.append(getattr(getattr(exc, "rcvd", None), "code", None))
        return notices, codes

    try:
        notices, codes = asyncio.run(scenario())
        web.popen.wait(timeout=20)
    finally:
        web.stop()
    assert [n["reason"] for n in notices] == ["server_restart"] * 3
    assert codes == [1012, 1012, 1012]
    assert web.popen.returncode == 0
