"""One conversation through chat.services.message_post that uses every family of edit the
assistant understands: arithmetic, corrections, decoys, scope, theory, references, instruments,
sections, solo, questions, variations, undo/redo and export."""

from __future__ import annotations

import uuid

import pytest

from chat import services
from generation.models import Beat, BeatVersion, GenerationJob
from tests import factories

pytestmark = pytest.mark.django_db


def say(conversation, user, text):
    return services.message_post(
        conversation=conversation, author=user, text=text, client_msg_id=uuid.uuid4()
    )


def current(conversation) -> BeatVersion:
    return Beat.objects.get(conversation=conversation).current_version


def enabled(version: BeatVersion) -> set[str]:
    return {name for name, track in version.spec["tracks"].items() if track["enabled"]}


def test_a_producer_session_end_to_end(user, settings):
    # Twenty-odd turns with no render worker: the rate and job limits are not under test here.
    settings.CHAT_MESSAGES_PER_MINUTE = 100
    settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER = 100
    convo = factories.conversation_create(owner=user, title="")

    first = say(convo, user, "dark trap beat at one fifty, F minor")
    assert first.version.number == 1
    assert first.version.spec["bpm"] == 150 and first.version.key == "F minor"

    # Arithmetic: a relative step, not a target.
    down = say(convo, user, "take it down 8 bpm")
    assert down.version.spec["bpm"] == 142 and down.version.spec["bars"] == 32
    assert "150 → 142" in down.reply.text

    # Correction: the last value wins. Decoy: a number about other beats is not the tempo.
    corrected = say(convo, user, "make it 128, actually 126")
    assert corrected.version.spec["bpm"] == 126
    decoy = say(convo, user, "my last three tracks were at 150, do this one slower")
    assert decoy.version.spec["bpm"] < 126

    # Scope and polarity.
    scoped = say(convo, user, "everything stays except the hats, lose those")
    assert enabled(scoped.version) == enabled(decoy.version) - {"hats"}
    spared = say(convo, user, "mute the kick, not the bass")
    assert "kick" not in enabled(spared.version) and "bass" in enabled(spared.version)

    # Solo is the mixer's job: a reply, no new version, nothing deleted.
    versions_before = BeatVersion.objects.count()
    solo = say(convo, user, "solo the 808")
    assert solo.version is None and BeatVersion.objects.count() == versions_before
    assert "mixer" in solo.reply.text
    assert enabled(current(convo)) == enabled(spared.version)

    # Theory.
    relative = say(convo, user, "go to the relative major")
    assert relative.version.key == "G# major"
    fourth = say(convo, user, "shift it a fourth higher")
    assert fourth.version.key == "C# major"

    # A style reference edits this beat: genre moves, tempo, key and length stay.
    before = current(convo)
    reference = say(convo, user, "make it feel more like Fred again..")
    assert reference.version.genre == "house"
    assert reference.version.bpm == before.bpm and reference.version.key == before.key
    assert reference.version.spec["bars"] == before.spec["bars"]
    assert "not copying" in reference.reply.text

    # Instruments and sections.
    settings.SOUND_BANK_PATHS = []  # no sound banks: the synth e-piano, and the reply says so
    keys = say(convo, user, "rhodes chords")
    assert keys.version.spec["tracks"]["chords"]["instrument"] == "epiano"
    assert "sound bank, which isn't installed" in keys.reply.text
    intro = say(convo, user, "longer intro")
    sections = intro.version.spec["sections"]
    assert sections[0]["name"] == "intro" and sections[0]["bars"] == 8
    assert sum(s["bars"] for s in sections) == intro.version.spec["bars"]

    # A question is answered from the spec and renders nothing.
    question = say(convo, user, "what key?")
    assert question.version is None
    assert "Db major" in question.reply.text or "C# major" in question.reply.text

    # Variations: several versions with new seeds, siblings of the version they came from.
    base = current(convo)
    jobs_before = GenerationJob.objects.count()
    variations = say(convo, user, "give me 3 variations")
    made = list(BeatVersion.objects.filter(parent=base).order_by("number"))
    assert len(made) == 3 and len({v.spec["seed"] for v in made}) == 3
    assert all(v.spec["bpm"] == base.bpm and v.key == base.key for v in made)
    assert GenerationJob.objects.count() == jobs_before + 3
    assert current(convo).id == made[-1].id == variations.version.id
    assert f"v{made[0].number}" in variations.reply.text

    # Control phrasing: take that back, bring the last change back, praise with a command.
    back = say(convo, user, "take that back")
    assert back.version.id == base.id and current(convo).id == base.id
    forward = say(convo, user, "bring the last change back")
    assert current(convo).id == made[-1].id and forward.version.id == made[-1].id
    export = say(convo, user, "this is hard, send the midi")
    assert export.message.intent["action"] == "export"
    assert current(convo).id == made[-1].id  # praise is not an energy edit
    stems = say(convo, user, "split it out so I can mix each part")
    assert stems.message.intent["action"] == "export"
    assert stems.message.intent["export"] == "stems"


def test_undo_steps_mute_solo_and_variations_within_the_job_limit(user, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 100
    settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER = 100
    convo = factories.conversation_create(owner=user, title="")
    v1 = say(convo, user, "boom bap at 90 in C minor").version
    v2 = say(convo, user, "make it 94").version
    v3 = say(convo, user, "add some swing").version
    v4 = say(convo, user, "no chords").version
    assert [v.number for v in (v1, v2, v3, v4)] == [1, 2, 3, 4]

    # "go back two versions" walks two parents at once; "redo twice" walks back down.
    back = say(convo, user, "go back two versions")
    assert back.version.id == v2.id and current(convo).id == v2.id
    assert "Back 2 versions" in back.reply.text and "v2" in back.reply.text
    forward = say(convo, user, "redo twice")
    assert forward.version.id == v4.id
    # More steps than the history has: as far as it goes, and the reply says so.
    far = say(convo, user, "undo the last 5 changes")
    assert far.version.id == v1.id
    assert "only 3 steps back" in far.reply.text
    say(convo, user, "redo x3")
    assert current(convo).id == v4.id

    # "mute the hats" is an edit (a version with the hats off) that also lights the mixer's M;
    # "solo the drums" makes no version and deletes nothing.
    muted = say(convo, user, "mute the hats")
    assert "hats" not in enabled(muted.version)
    assert muted.message.intent["mixer"] == {"mute": ["hats"]}
    count = BeatVersion.objects.count()
    solo = say(convo, user, "solo the drums")
    assert solo.version is None and BeatVersion.objects.count() == count
    drums = ["kick", "snare", "clap", "hats", "perc"]
    playing = [name for name in drums if name in enabled(muted.version)]
    assert playing and "hats" not in playing
    assert solo.message.intent["mixer"] == {"solo": playing}
    assert enabled(current(convo)) == enabled(muted.version)

    # Four variations with room for two renders: two are started, and the reply says why.
    settings.GENERATION_MAX_ACTIVE_JOBS_PER_USER = 2
    GenerationJob.objects.update(status="succeeded")
    base = current(convo)
    capped = say(convo, user, "give me 4 variations")
    made = BeatVersion.objects.filter(parent=base)
    assert made.count() == 2
    assert GenerationJob.objects.filter(status__in=["queued", "running"]).count() == 2
    assert (
        "started 2 of the 4" in capped.reply.text and "2 renders going at once" in capped.reply.text
    )
