"""Out-of-range requests are answered with what was clamped or refused, never misread silently."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from chat import services
from tests import factories

pytestmark = pytest.mark.django_db


def reply_to(user, text, conversation=None):
    conversation = conversation or factories.conversation_create(owner=user)
    turn = services.message_post(
        conversation=conversation, author=user, text=text, client_msg_id=uuid.uuid4()
    )
    return turn


@pytest.mark.parametrize(
    ("text", "said", "bars"),
    [
        ("trap beat 10000 bars", "10,000 bars is past the 15-minute limit (at most 525 bars", 32),
        ("trap beat -5 bars", "-5 bars is not a length, so it is 5 bars", 5),
        ("trap beat 0 bars", "0 bars is not a length, so it is 32 bars", 32),
        ("trap beat, -3 minutes", "A length cannot be negative (-3 minutes), so it is 2:58", 104),
    ],
)
def test_lengths_out_of_range_are_named_in_the_reply(user, settings, text, said, bars):
    settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER = 100
    turn = reply_to(user, text)
    assert said in turn.reply.text
    assert turn.version.spec["bars"] == bars
    assert said in " ".join(turn.message.intent["notes"])


def test_an_unknown_genre_is_named_with_the_genres_we_make(user):
    turn = reply_to(user, "make a zydecore beat")
    assert "I don't know “zydecore” as a genre, so this is trap" in turn.reply.text
    assert "lo-fi" in turn.reply.text


def test_a_modify_past_the_limit_says_the_beat_stayed(user, settings):
    settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER = 100
    convo = factories.conversation_create(owner=user)
    reply_to(user, "house beat 124, 16 bars", convo)
    turn = reply_to(user, "make it 10000 bars", convo)
    assert "10,000 bars is past the 15-minute limit" in turn.reply.text
    assert "so it is 16 bars" in turn.reply.text


def test_in_range_requests_get_no_note(user, settings):
    settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER = 100
    for text in ("trap beat 300 bars", "lofi beat 16 bars", "drake type beat", "a bouncy beat"):
        assert not reply_to(user, text).message.intent["notes"], text


def test_the_api_answers_with_the_same_note(user):
    client = Client()
    client.force_login(user)
    convo = factories.conversation_create(owner=user)
    response = client.post(
        f"/api/conversations/{convo.id}/messages/",
        json.dumps({"text": "trap beat 10000 bars", "client_msg_id": str(uuid.uuid4())}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert "10,000 bars is past the 15-minute limit" in response.json()["reply"]["text"]
