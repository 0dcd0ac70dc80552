"""Several beats per conversation, restore by version id, cancel rollback, the mixer's bake."""

from __future__ import annotations

import pytest

from chat import presenters, selectors, services
from chat.models import Message
from generation import services as generation_services
from generation.models import Beat, GenerationJob, JobStatus
from tests import factories
from tests.chat.test_turns import say

pytestmark = pytest.mark.django_db


@pytest.fixture
def convo(user):
    return services.conversation_create(owner=user)


def test_a_new_beat_keeps_the_old_one_and_restore_by_id_picks_the_right_beat(user, convo):
    say(convo, user, "lofi beat 80 bpm in D minor, 4 bars")
    say(convo, user, "make it 90 bpm")
    say(convo, user, "a new beat: techno 130 bpm, 4 bars")
    lofi, techno = Beat.objects.filter(conversation=convo).order_by("created_at")
    snapshot = selectors.conversation_snapshot(conversation=convo)
    assert [b["id"] for b in snapshot["beats"]] == [str(lofi.id), str(techno.id)]
    assert snapshot["beat"]["id"] == str(techno.id)  # the beat being edited
    assert [v["number"] for v in snapshot["beats"][0]["versions"]] == [1, 2]

    # Restore lofi's v1 by id: that beat is now the one edited, techno untouched.
    lofi_v1 = lofi.versions.get(number=1)
    assert services.version_restore(conversation=convo, author=user, version_id=lofi_v1.id)
    lofi.refresh_from_db()
    techno.refresh_from_db()
    assert lofi.current_version == lofi_v1 and techno.current_version.number == 1
    say(convo, user, "redo")
    lofi.refresh_from_db()
    assert lofi.current_version.number == 2
    assert presenters.conversation_title(convo) == "D minor lo-fi 90 bpm"
    # Another conversation's version id is refused.
    other = services.conversation_create(owner=user)
    assert not services.version_restore(conversation=other, author=user, version_id=lofi_v1.id)


def test_cancelling_an_unrendered_current_version_puts_the_rendered_parent_back(user, convo):
    first = say(convo, user, "house beat 124, 4 bars")
    rendered = factories.asset_create(version=first.version, name="mix.mp3")
    rendered.kind = "mix_mp3"
    rendered.save()
    GenerationJob.objects.filter(id=first.job.id).update(status=JobStatus.SUCCEEDED)
    second = say(convo, user, "make it 128 bpm")
    assert generation_services.job_cancel(job=second.job)
    beat = Beat.objects.get(conversation=convo)
    assert beat.current_version == first.version
    reply = (
        Message.objects.filter(conversation=convo, role="assistant").order_by("created_at").last()
    )
    assert reply.text.startswith("Cancelled v2. v1")


def test_mix_bake_makes_a_version_and_refuses_what_it_cannot_take(user, convo):
    first = say(convo, user, "boom bap 90 bpm, 4 bars")
    version = services.mix_bake(
        conversation=convo,
        author=user,
        version_id=first.version.id,
        tracks={"kick": {"enabled": False}, "bass": {"enabled": True, "gain_db": -6}},
    )
    assert version.number == 2 and version.change_summary == "mix of v1: kick off, bass -6 dB"
    assert version.spec["tracks"]["kick"]["enabled"] is False
    assert (
        version.spec["tracks"]["bass"]["gain_db"]
        == first.version.spec["tracks"]["bass"]["gain_db"] - 6
    )
    assert version.jobs.count() == 1
    for tracks, why in (
        ({}, "at least one track"),
        ({"theremin": {"enabled": False}}, "no track"),
        ({"bass": {"gain_db": 40}}, r"-24 to \+6 dB"),
        ({"bass": {"enabled": "no"}}, "true or false"),
        ({"bass": {"enabled": True}}, "changes nothing"),
    ):
        with pytest.raises(services.ChatRejected, match=why):
            services.mix_bake(
                conversation=convo, author=user, version_id=first.version.id, tracks=tracks
            )
    everything_off = {name: {"enabled": False} for name in first.version.spec["tracks"]}
    with pytest.raises(services.ChatRejected, match="silence"):
        services.mix_bake(
            conversation=convo, author=user, version_id=first.version.id, tracks=everything_off
        )
    assert first.version.beat.versions.count() == 2  # nothing stored by the refusals


def test_the_migration_blanks_only_titles_the_old_code_stored_automatically(user):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("generation.migrations.0006_studio_auto_titles_follow")
    auto = services.conversation_create(owner=user)
    say(auto, user, "dark trap beat, 140 bpm, F minor, 4 bars")
    mine = services.conversation_create(owner=user, title="Night drive")
    say(mine, user, "lofi beat 80 bpm in D minor, 4 bars")
    auto_beat, my_beat = Beat.objects.get(conversation=auto), Beat.objects.get(conversation=mine)
    Beat.objects.filter(id=auto_beat.id).update(title="F minor trap 140 bpm")  # as stored before
    auto.title = "F minor trap 140 bpm"
    auto.save()
    Beat.objects.filter(id=my_beat.id).update(title="Late set")
    migration.blank_auto_titles(apps, None)
    auto.refresh_from_db()
    mine.refresh_from_db()
    assert auto.title == "" and Beat.objects.get(id=auto_beat.id).title == ""
    assert mine.title == "Night drive" and Beat.objects.get(id=my_beat.id).title == "Late set"
