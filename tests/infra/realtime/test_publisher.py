"""The long-lived event publisher against the real Redis channel layer: one connection for
many events, per-conversation order from many threads, a bounded queue, a flush on close, and
the broker-down behaviour it replaced (drop counted, gap left)."""

from __future__ import annotations

import asyncio
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from prometheus_client import REGISTRY

from infra.realtime import events
from infra.realtime.publisher import EventPublisher
from infra.realtime.sequence import current_seq
from infra.redis.embedded import start_embedded_redis

pytestmark = pytest.mark.django_db(transaction=True)


def drops() -> float:
    return REGISTRY.get_sample_value("dawg_channel_layer_drops_total") or 0.0


def connections_received(url: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        return int(client.info("stats")["total_connections_received"])
    finally:
        client.close()


async def subscribe(conversation: uuid.UUID, layer=None) -> str:
    layer = layer or get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(events.group_name(conversation), channel)
    return channel


async def received(channel: str, count: int, timeout: float = 10, layer=None) -> list[dict]:
    layer = layer or get_channel_layer()
    return [
        (await asyncio.wait_for(layer.receive(channel), timeout))["event"] for _ in range(count)
    ]


def emit_now(conversation: uuid.UUID, progress: int) -> None:
    events._send_now(
        "generation.progress", conversation, {"job": "j", "stage": "mixing", "progress": progress}
    )


@pytest.fixture
def own_redis(monkeypatch):
    """A Redis of this test's own for a publisher's channel layer (the ordering lock stays on
    the session's Redis): its counters see the publisher's connections and nothing else."""
    server = start_embedded_redis()
    layer = RedisPubSubChannelLayer(hosts=[server.url])
    publisher = EventPublisher(layer=layer)
    monkeypatch.setattr(events, "publisher", lambda: publisher)
    yield server, layer
    publisher.close()
    server.stop()


@pytest.mark.asyncio
async def test_many_threads_one_connection_and_the_order_of_seqs(own_redis):
    server, layer = own_redis
    conversation = uuid.uuid4()
    channel = await subscribe(conversation, layer)

    async def burst(each: int) -> None:
        def one_thread(thread: int) -> None:
            for n in range(each):
                emit_now(conversation, thread * each + n)

        with ThreadPoolExecutor(max_workers=4) as pool:
            loop = asyncio.get_running_loop()
            await asyncio.gather(*(loop.run_in_executor(pool, one_thread, t) for t in range(4)))

    # Warm up: the publisher's connection and the subscriber's.
    await burst(1)
    await received(channel, 4, layer=layer)
    before = connections_received(server.url)
    await burst(25)
    got = await received(channel, 100, layer=layer)
    # 100 events, no connection opened for them (the one counted is this check's own).
    assert connections_received(server.url) - before == 1
    assert [e["seq"] for e in got] == list(range(5, 105))
    assert await asyncio.to_thread(current_seq, conversation) == 104


class HeldLayer:
    """A channel layer whose sends wait until released (to fill the queue); nothing else."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.sent: list[str] = []

    async def group_send(self, group: str, message: dict) -> None:
        await asyncio.to_thread(self.release.wait)
        self.sent.append(group)


def test_a_full_queue_refuses_at_once_and_keeps_the_order_of_what_it_took():
    layer = HeldLayer()
    publisher = EventPublisher(limit=2, layer=layer)
    outcomes: list[object] = []
    assert publisher.submit("a", {}, outcomes.append)
    assert publisher.submit("b", {}, outcomes.append)
    assert not publisher.submit("c", {}, outcomes.append)  # full: refused, not blocked
    assert publisher.pending == 2 and not publisher.flush(timeout=0.2)
    layer.release.set()
    assert publisher.flush(timeout=5)
    assert layer.sent == ["a", "b"] and outcomes == [None, None]
    publisher.close()


def test_a_refused_event_is_counted_as_dropped_leaves_a_gap_and_frees_the_lock(monkeypatch):
    layer = HeldLayer()
    full = EventPublisher(limit=1, layer=layer)
    assert full.submit("x", {}, lambda error: None)
    monkeypatch.setattr(events, "publisher", lambda: full)
    conversation = uuid.uuid4()
    dropped = drops()
    emit_now(conversation, 1)
    assert drops() == dropped + 1
    assert current_seq(conversation) == 1  # taken: the next event or pong shows the gap
    lock = events._ordering_client().lock(
        f"dawg:events:{conversation.hex}", timeout=1, blocking_timeout=0
    )
    assert lock.acquire()  # released at once, not left to expire
    lock.release()
    layer.release.set()
    full.close()


@pytest.mark.asyncio
async def test_close_publishes_everything_queued_then_refuses():
    conversation = uuid.uuid4()
    channel = await subscribe(conversation)
    publisher = EventPublisher()
    outcomes: list[object] = []
    group = events.group_name(conversation)
    for n in range(20):
        event = events.build("generation.progress", conversation, n + 1, progress=n)
        assert publisher.submit(group, {"type": "event.forward", "event": event}, outcomes.append)
    assert await asyncio.to_thread(publisher.close)
    assert outcomes == [None] * 20
    assert [e["seq"] for e in await received(channel, 20)] == list(range(1, 21))
    assert not publisher.submit(group, {}, outcomes.append)


def test_redis_down_counts_a_drop_and_leaves_a_gap_as_before(monkeypatch):
    """The ordering lock's Redis away: the write goes on, the event is dropped and counted,
    and the seq advances so the client's next pong shows the gap (docs/reliability.md)."""
    server = start_embedded_redis()
    client = redis.Redis.from_url(server.url, socket_timeout=1, socket_connect_timeout=1)
    monkeypatch.setattr(events, "_redis_client", client)
    server.stop()
    conversation = uuid.uuid4()
    dropped = drops()
    emit_now(conversation, 1)
    assert drops() == dropped + 1
    assert current_seq(conversation) == 1
