"""Per-user limits under parallel chat turns: threads with their own database connections.

Under PostgreSQL (CI sets DATABASE_URL) the cap holds through the owner's row lock; under
SQLite through IMMEDIATE transactions. Before the lock, 25 parallel turns gave 25 jobs.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest
from django.db import connection

from chat import services
from chat.models import Message
from generation.models import ACTIVE_JOB_STATUSES, GenerationJob
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 25


def _parallel_turns(user, conversations, text: str) -> Counter:
    """Fire one turn per conversation at once; returns outcome counts ("ok" or the code)."""
    barrier = threading.Barrier(len(conversations))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def turn(conversation) -> None:
        try:
            barrier.wait(timeout=30)
            services.message_post(
                conversation=conversation, author=user, text=text, client_msg_id=uuid.uuid4()
            )
            result = "ok"
        except services.ChatRejected as exc:
            result = exc.code
        except Exception as exc:  # any other failure fails the test below, by name
            result = f"error:{type(exc).__name__}:{exc}"
        finally:
            connection.close()
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=turn, args=(c,)) for c in conversations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_parallel_render_turns_never_pass_the_active_job_cap(settings):
    settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER = 3
    settings.CHAT_MESSAGES_PER_MINUTE = 1000
    user = factories.user_create(username="racer")
    conversations = [factories.conversation_create(owner=user) for _ in range(PARALLEL)]

    outcomes = _parallel_turns(user, conversations, "dark trap beat, 140 bpm, F minor")

    active = GenerationJob.objects.filter(owner=user, status__in=ACTIVE_JOB_STATUSES).count()
    assert active == 3, outcomes
    assert outcomes == Counter({"ok": 3, "too_many_jobs": PARALLEL - 3})
    # A refused turn stored nothing: exactly the accepted turns have messages.
    assert Message.objects.filter(conversation__owner=user, role="user").count() == 3


def test_parallel_turns_never_pass_the_message_rate_limit(settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 20
    user = factories.user_create(username="chatter")
    conversations = [factories.conversation_create(owner=user) for _ in range(PARALLEL)]

    outcomes = _parallel_turns(user, conversations, "what can you do?")

    stored = Message.objects.filter(conversation__owner=user, role="user").count()
    assert stored == 20, outcomes
    assert outcomes == Counter({"ok": 20, "rate_limited": PARALLEL - 20})


def test_parallel_variation_turns_are_trimmed_to_the_room_the_others_left(settings):
    """Three "give me 4 variations" turns at once with room for 5 renders: one gets its 4,
    the next is trimmed to the 1 left (the room is counted under the owner's lock, after the
    first committed), the last is refused; never more than 5."""
    settings.CHAT_MESSAGES_PER_MINUTE = 1000
    user = factories.user_create(username="varier")
    conversations = [factories.conversation_create(owner=user) for _ in range(3)]
    for conversation in conversations:
        services.message_post(
            conversation=conversation,
            author=user,
            text="dark trap beat, 140 bpm, F minor",
            client_msg_id=uuid.uuid4(),
        )
    GenerationJob.objects.update(status="succeeded")
    settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER = 5

    outcomes = _parallel_turns(user, conversations, "give me 4 variations")

    active = GenerationJob.objects.filter(owner=user, status__in=ACTIVE_JOB_STATUSES).count()
    assert active == 5, outcomes
    assert outcomes == Counter({"ok": 2, "too_many_jobs": 1})
