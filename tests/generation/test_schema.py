"""The schema's constraints hold in the database, not just in forms."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from chat.models import Message
from generation.models import BeatVersion, GenerationJob
from tests import factories

pytestmark = pytest.mark.django_db


def test_client_msg_id_is_unique_within_a_conversation(user):
    conversation = factories.conversation_create(owner=user)
    client_msg_id = uuid.uuid4()
    Message.objects.create(
        conversation=conversation, role="user", text="a", client_msg_id=client_msg_id
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            conversation=conversation, role="user", text="b", client_msg_id=client_msg_id
        )


def test_client_msg_id_may_repeat_across_conversations_and_be_null(user):
    first = factories.conversation_create(owner=user)
    second = factories.conversation_create(owner=user)
    client_msg_id = uuid.uuid4()
    Message.objects.create(conversation=first, role="user", text="a", client_msg_id=client_msg_id)
    Message.objects.create(conversation=second, role="user", text="a", client_msg_id=client_msg_id)
    Message.objects.create(conversation=first, role="assistant", text="x")
    Message.objects.create(conversation=first, role="assistant", text="y")
    assert Message.objects.count() == 4


def test_version_number_is_unique_per_beat(user):
    beat = factories.beat_create(owner=user)
    version = factories.version_create(beat=beat)
    with pytest.raises(IntegrityError), transaction.atomic():
        BeatVersion.objects.create(
            beat=beat,
            number=version.number,
            spec={},
            spec_hash="x",
            genre="trap",
            bpm=140,
            key="F minor",
            duration_s=10,
        )


def test_versions_are_numbered_in_order_with_parents(user):
    beat = factories.beat_create(owner=user)
    first = factories.version_create(beat=beat)
    second = factories.version_create(beat=beat, genre="house")
    beat.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert second.parent_id == first.id
    assert beat.current_version_id == second.id


def test_job_progress_cannot_exceed_100(user):
    version = factories.version_create(beat=factories.beat_create(owner=user))
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.job_create(version=version, progress=101)


def test_asset_name_is_unique_per_version(user):
    version = factories.version_create(beat=factories.beat_create(owner=user))
    factories.asset_create(version=version, name="beat.mid")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.asset_create(version=version, name="beat.mid")


def test_exposed_models_use_uuid_primary_keys():
    from chat.models import Conversation
    from generation.models import Asset, Beat

    for model in (Conversation, Message, Beat, BeatVersion, GenerationJob, Asset):
        assert model._meta.pk.get_internal_type() == "UUIDField", model
