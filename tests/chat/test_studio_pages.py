"""Studio pages and per-version endpoints: content, the pattern and peaks JSON, ownership."""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from chat import pages
from generation.assets.media import downsample_peaks
from generation.engine.presets import DRUM_TRACKS, GENRES, TRACK_NAMES
from generation.models import Asset, AssetKind
from tests import factories

pytestmark = pytest.mark.django_db

PEAKS = {
    "version": 1,
    "sample_rate": 44100,
    "duration_s": 1.0,
    "bins": 8,
    "samples_per_bin": 5513,
    "min": [-0.1, -0.5, -0.2, -0.9, -0.3, -0.1, -0.4, -0.2],
    "max": [0.2, 0.4, 0.1, 0.8, 0.6, 0.2, 0.3, 0.1],
}


def add_asset(version, kind: str, name: str, data: bytes, content_type: str) -> Asset:
    asset = Asset(version=version, kind=kind, name=name, content_type=content_type, bytes=len(data))
    asset.file.save(name, ContentFile(data), save=True)
    return asset


@pytest.fixture
def rendered(user):
    conversation = factories.conversation_create(owner=user, title="night drive")
    beat = factories.beat_create(owner=user, conversation=conversation)
    version = factories.version_create(beat=beat, genre="lo-fi", bars=8)
    add_asset(version, AssetKind.MIDI, "beat.mid", b"MThd-midi", "audio/midi")
    add_asset(version, AssetKind.MIX_MP3, "mix.mp3", b"ID3-mp3", "audio/mpeg")
    add_asset(
        version, AssetKind.PEAKS, "peaks.json", json.dumps(PEAKS).encode(), "application/json"
    )
    return {"conversation": conversation, "beat": beat, "version": version}


def test_studio_page_carries_the_snapshot_the_hooks_and_the_module_script(user_client, rendered):
    response = user_client.get(rendered["conversation"].get_absolute_url())
    body = response.content.decode()
    for hook in (
        "chat-input",
        "chat-send",
        "audio-player",
        "waveform",
        "download-mp3",
        "download-wav",
        "download-midi",
        "download-stems",
        "connection-banner",
    ):
        assert f'data-testid="{hook}"' in body, hook
    assert 'type="module" src="/static/js/studio.js"' in body
    assert "<script>" not in body  # the CSP allows no inline scripts
    snapshot = response.context["snapshot"]
    assert snapshot["beat"]["current_version"] == str(rendered["version"].id)
    assert 'id="studio-snapshot" type="application/json"' in body


def test_list_shows_genre_bpm_key_and_a_waveform_for_rendered_beats(user_client, rendered, user):
    factories.conversation_create(owner=user, title="empty one")
    body = user_client.get(reverse("chat:conversation-list")).content.decode()
    version = rendered["version"]
    assert "night drive" in body and "empty one" in body
    assert version.genre in body and version.key in body and "bpm" in body
    peaks_url = reverse("generation:version-peaks", args=[version.id])
    assert f'data-peaks-url="{peaks_url}?bins=80"' in body
    assert body.count("data-peaks-url") == 1  # the empty conversation has none
    assert 'data-testid="new-conversation"' in body


def test_choices_cover_every_genre_and_track():
    choices = pages.studio_choices()
    assert choices["genres"] == list(GENRES)
    assert choices["tracks"] == list(TRACK_NAMES)
    assert set(choices["drum_tracks"]) == set(DRUM_TRACKS)


@pytest.mark.parametrize(("kind", "payload"), [("midi", b"MThd-midi"), ("mp3", b"ID3-mp3")])
def test_version_media_streams_the_kind(user_client, rendered, kind, payload):
    url = reverse("generation:version-media", args=[rendered["version"].id, kind])
    response = user_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == payload
    assert "attachment" in response["Content-Disposition"]
    inline = user_client.get(url + "?inline=1")
    assert "attachment" not in inline.get("Content-Disposition", "")


def test_version_media_unknown_or_missing_kind_is_404(user_client, rendered):
    version = rendered["version"]
    assert (
        user_client.get(reverse("generation:version-media", args=[version.id, "wav"])).status_code
        == 404
    )
    assert (
        user_client.get(reverse("generation:version-media", args=[version.id, "exe"])).status_code
        == 404
    )


def test_peaks_json_full_and_downsampled(user_client, rendered):
    url = reverse("generation:version-peaks", args=[rendered["version"].id])
    full = user_client.get(url).json()
    assert full["max"] == PEAKS["max"]
    small = user_client.get(url + "?bins=4").json()
    assert small["bins"] == 4
    assert small["max"] == [0.4, 0.8, 0.6, 0.3]
    assert small["min"] == [-0.5, -0.9, -0.3, -0.4]


def test_downsample_keeps_extremes_and_never_grows():
    assert downsample_peaks(PEAKS, 100) is PEAKS
    one = downsample_peaks(PEAKS, 1)
    assert (one["min"], one["max"]) == ([-0.9], [0.8])


def test_pattern_json_is_the_engines_section_view(user_client, rendered):
    url = reverse("generation:version-pattern", args=[rendered["version"].id])
    data = user_client.get(url).json()
    assert data["steps_per_bar"] == 16 and data["beats_per_bar"] == 4
    assert 1 <= data["bars"] <= 4
    assert set(data["drums"]) <= set(DRUM_TRACKS) and data["drums"]
    for grid in data["drums"].values():
        assert len(grid) == data["bars"] and all(len(bar) == 16 for bar in grid)
    assert data["notes"], "a lo-fi beat has pitched tracks"
    for notes in data["notes"].values():
        for start, length, pitch, velocity in notes:
            assert (
                0 <= start < data["bars"] * 4
                and length > 0
                and 0 <= pitch <= 127
                and 0 < velocity <= 1
            )
    assert data["sections"][data["section_index"]]["name"] == data["section"]
    first = user_client.get(url + "?section=0").json()
    assert first["start_bar"] == 0
    assert user_client.get(url + "?section=99").status_code == 404
    assert user_client.get(url + "?section=x").status_code == 404


@pytest.mark.parametrize("name", ["version-peaks", "version-pattern", "version-stems-zip"])
def test_other_users_get_404_for_version_endpoints(other_client, rendered, name):
    url = reverse(f"generation:{name}", args=[rendered["version"].id])
    assert other_client.get(url).status_code == 404


def test_other_users_get_404_for_version_media(other_client, rendered):
    url = reverse("generation:version-media", args=[rendered["version"].id, "midi"])
    assert other_client.get(url).status_code == 404


def test_anonymous_is_sent_to_login_for_version_media(client, rendered):
    url = reverse("generation:version-media", args=[rendered["version"].id, "midi"])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_stems_zip_is_streamed_on_each_request_and_never_stored(user_client, rendered):
    url = reverse("generation:version-stems-zip", args=[rendered["version"].id])
    first = user_client.get(url)
    assert first.status_code == 200 and first.streaming
    data = b"".join(first.streaming_content)
    assert data[:2] == b"PK"
    assert b"".join(user_client.get(url).streaming_content) == data
    assert not rendered["version"].assets.filter(kind=AssetKind.STEMS_ZIP).exists()
