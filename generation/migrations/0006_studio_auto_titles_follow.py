"""Titles the old code stored automatically (the first version's label) are blanked, so
those beats and conversations are named after their current version again; titles a user
chose differ from that label and stay. Compared exactly, never parsed."""

from django.db import migrations


def label(version) -> str:
    return f"{version.key} {version.genre} {version.bpm:g} bpm"


def blank_auto_titles(apps, schema_editor):
    Beat = apps.get_model("generation", "Beat")
    BeatVersion = apps.get_model("generation", "BeatVersion")
    Conversation = apps.get_model("chat", "Conversation")
    first_versions = {
        v.beat_id: v for v in BeatVersion.objects.filter(number=1).only("beat_id", "key", "genre", "bpm")
    }
    for beat in Beat.objects.exclude(title="").only("id", "title", "conversation_id"):
        first = first_versions.get(beat.id)
        if first is not None and beat.title == label(first)[:200]:
            Beat.objects.filter(id=beat.id).update(title="")
    first_beat = {}
    for beat in Beat.objects.order_by("created_at").only("id", "conversation_id"):
        first_beat.setdefault(beat.conversation_id, beat.id)
    for conversation in Conversation.objects.exclude(title="").only("id", "title"):
        first = first_versions.get(first_beat.get(conversation.id))
        if first is not None and conversation.title == label(first)[:200]:
            Conversation.objects.filter(id=conversation.id).update(title="")


class Migration(migrations.Migration):
    dependencies = [
        ("generation", "0005_studio_share_links"),
        ("chat", "0002_remove_conversation_last_seq"),
    ]

    operations = [migrations.RunPython(blank_auto_titles, migrations.RunPython.noop)]
