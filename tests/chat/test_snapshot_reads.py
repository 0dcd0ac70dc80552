"""The resume snapshot reads a fixed number of queries and says what the per-beat reads say."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chat import presenters, selectors
from generation.models import Beat, GenerationJob
from generation.presenters import beat_snapshot
from generation.selectors import beat_for_conversation, beats_for_conversation
from tests import factories

pytestmark = pytest.mark.django_db


def _conversation_with_beats(beats: int):
    user = factories.user_create()
    conversation = factories.conversation_create(owner=user, title="")
    for _ in range(beats):
        beat = factories.beat_create(owner=user, conversation=conversation)
        first = factories.version_create(beat=beat)
        factories.asset_create(version=first)
        second = factories.version_create(beat=beat, genre="house")
        factories.asset_create(version=second, name="second.mid")
        factories.job_create(version=second)
    return conversation


def _queries(conversation) -> int:
    with CaptureQueriesContext(connection) as queries:
        selectors.conversation_snapshot(conversation=conversation, seq=0)
    return len(queries)


def test_the_snapshot_reads_as_many_queries_for_three_beats_as_for_one():
    assert _queries(_conversation_with_beats(3)) == _queries(_conversation_with_beats(1))


def test_the_snapshot_beats_and_title_match_the_one_beat_reads():
    conversation = _conversation_with_beats(3)
    # The oldest beat picked again (the beat switcher moves updated_at): it is the one edited.
    oldest = Beat.objects.filter(conversation=conversation).order_by("created_at").first()
    Beat.objects.filter(pk=oldest.pk).update(updated_at=timezone.now())
    snapshot = selectors.conversation_snapshot(conversation=conversation, seq=0)
    assert snapshot["beat"]["id"] == str(oldest.id)
    editing = beat_for_conversation(conversation=conversation)
    assert snapshot["beats"] == [
        beat_snapshot(b) for b in beats_for_conversation(conversation=conversation)
    ]
    assert snapshot["beat"] == beat_snapshot(editing)
    assert snapshot["conversation"]["title"] == presenters.conversation_title(conversation)
    jobs = GenerationJob.objects.filter(version__beat__conversation=conversation)
    assert sorted(j["id"] for j in snapshot["jobs"]) == sorted(str(j.id) for j in jobs)
    assert len(snapshot["jobs"]) == 3
    # The current version carries its assets, the others none (as beat_snapshot says).
    versions = snapshot["beat"]["versions"]
    assert [("assets" in v) for v in versions] == [False, True]


def test_an_empty_conversation_snapshot_has_no_beat():
    conversation = _conversation_with_beats(0)
    snapshot = selectors.conversation_snapshot(conversation=conversation, seq=0)
    assert snapshot["beat"] is None and snapshot["beats"] == [] and snapshot["jobs"] == []
    assert snapshot["conversation"]["title"] == "New beat"
