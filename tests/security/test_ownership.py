"""Nothing a user owns is reachable by another user or anonymously."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_things(user):
    conversation = factories.conversation_create(owner=user)
    beat = factories.beat_create(owner=user, conversation=conversation)
    version = factories.version_create(beat=beat)
    asset = factories.asset_create(version=version, data=b"MThd-bytes")
    return {
        "conversation": reverse("chat:conversation-detail", args=[conversation.id]),
        "beat": reverse("generation:beat-detail", args=[beat.id]),
        "asset": reverse("generation:asset-download", args=[asset.id]),
    }


@pytest.mark.parametrize("thing", ["conversation", "beat", "asset"])
def test_owner_can_open_their_own(client, user, alice_things, thing):
    client.force_login(user)
    response = client.get(alice_things[thing])
    assert response.status_code == 200


@pytest.mark.parametrize("thing", ["conversation", "beat", "asset"])
def test_other_user_gets_404(client, other_user, alice_things, thing):
    client.force_login(other_user)
    assert client.get(alice_things[thing]).status_code == 404


@pytest.mark.parametrize("thing", ["conversation", "beat", "asset"])
def test_anonymous_is_sent_to_login(client, alice_things, thing):
    response = client.get(alice_things[thing])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_asset_download_streams_the_stored_bytes(client, user, alice_things):
    client.force_login(user)
    response = client.get(alice_things["asset"])
    assert b"".join(response.streaming_content) == b"MThd-bytes"
    assert "attachment" in response["Content-Disposition"]


def test_conversation_list_shows_only_own(client, user, other_user):
    factories.conversation_create(owner=user, title="alice-beat")
    factories.conversation_create(owner=other_user, title="bob-beat")
    client.force_login(other_user)
    body = client.get(reverse("chat:conversation-list")).content.decode()
    assert "bob-beat" in body and "alice-beat" not in body
