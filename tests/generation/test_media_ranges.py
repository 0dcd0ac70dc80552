"""Media from embedded storage answers Range requests and revalidates, so the player can seek."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from generation.models import Asset, AssetKind
from infra.http.ranged import byte_range
from tests import factories

pytestmark = pytest.mark.django_db

DATA = bytes(range(256)) * 40  # 10,240 bytes, every offset recognisable


@pytest.fixture
def mp3(user):
    conversation = factories.conversation_create(owner=user)
    beat = factories.beat_create(owner=user, conversation=conversation)
    version = factories.version_create(beat=beat)
    asset = Asset(
        version=version,
        kind=AssetKind.MIX_MP3,
        name="mix.mp3",
        content_type="audio/mpeg",
        bytes=len(DATA),
        sha256=hashlib.sha256(DATA).hexdigest(),
    )
    asset.file.save("mix.mp3", ContentFile(DATA), save=True)
    return asset


def media_url(asset: Asset) -> str:
    url = reverse("generation:version-media", args=[asset.version_id, "mp3"])
    return f"{url}?inline=1"


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_range_request_gets_206_with_exactly_those_bytes(user_client, mp3):
    response = user_client.get(media_url(mp3), HTTP_RANGE="bytes=5000-5099")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 5000-5099/{len(DATA)}"
    assert response["Content-Length"] == "100"
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == DATA[5000:5100]
    assert response["Cache-Control"] == "private, max-age=3600"


def test_open_ended_and_suffix_ranges(user_client, mp3):
    tail = user_client.get(media_url(mp3), HTTP_RANGE="bytes=10000-")
    assert tail.status_code == 206 and body(tail) == DATA[10000:]
    last = user_client.get(media_url(mp3), HTTP_RANGE="bytes=-40")
    assert last.status_code == 206 and body(last) == DATA[-40:]
    assert last["Content-Range"] == f"bytes {len(DATA) - 40}-{len(DATA) - 1}/{len(DATA)}"


def test_no_range_is_the_whole_file_and_a_range_past_the_end_is_416(user_client, mp3):
    whole = user_client.get(media_url(mp3))
    assert whole.status_code == 200 and body(whole) == DATA
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Disposition"].startswith("inline;")
    beyond = user_client.get(media_url(mp3), HTTP_RANGE=f"bytes={len(DATA)}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(DATA)}"


def test_validators_answer_304_and_a_stale_if_range_gets_the_whole_file(user_client, mp3):
    first = user_client.get(media_url(mp3))
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag == f'"{mp3.sha256[:32]}"'
    assert user_client.get(media_url(mp3), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert user_client.get(media_url(mp3), HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert user_client.get(media_url(mp3), HTTP_IF_NONE_MATCH='"other"').status_code == 200
    fresh = user_client.get(media_url(mp3), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert fresh.status_code == 206 and body(fresh) == DATA[:10]
    stale = user_client.get(media_url(mp3), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert stale.status_code == 200 and body(stale) == DATA


def test_another_user_gets_404_not_a_range(client, mp3):
    stranger = factories.user_create()
    client.force_login(stranger)
    assert client.get(media_url(mp3), HTTP_RANGE="bytes=0-9").status_code == 404


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("bytes=0-0", (0, 0)),
        ("bytes=10-5", False),
        ("bytes=0-5,10-20", None),
        ("items=0-5", None),
        ("bytes=-0", False),
        ("bytes=-", None),
        ("bytes=90-200", (90, 99)),
    ],
)
def test_byte_range_parsing(header, expected):
    assert byte_range(header, 100) == expected


def test_stems_list_names_one_url_per_stem_and_that_url_streams_it(user_client, mp3):
    version = mp3.version
    for track, data in (("drums", b"RIFF-drums"), ("bass", b"RIFF-bass")):
        stem = Asset(
            version=version,
            kind=AssetKind.STEM,
            name=f"stems-{track}.wav",
            content_type="audio/wav",
            bytes=len(data),
        )
        stem.file.save(f"stems-{track}.wav", ContentFile(data), save=True)
    listing = user_client.get(reverse("generation:version-stems", args=[version.id])).json()
    assert [s["track"] for s in listing["stems"]] == ["bass", "drums"]
    drums = next(s for s in listing["stems"] if s["track"] == "drums")
    assert body(user_client.get(drums["url"])) == b"RIFF-drums"
    assert (
        user_client.get(reverse("generation:version-stem", args=[version.id, "melody"])).status_code
        == 404
    )


def test_the_drum_grid_shows_hats_at_their_real_rate():
    from generation.assets.media import _fine_hats
    from generation.engine.arrange import arrange
    from generation.engine.spec import BeatSpec, default_spec

    data = default_spec("trap", bars=16).to_dict()
    data["tracks"]["hats"]["rate"] = 32  # 1/32 notes: between the 16-step grid's cells
    arrangement = arrange(BeatSpec.from_dict(data))
    view = arrangement.pattern_view(None, max_bars=4)
    on_grid = sum(v > 0 for bar in view["drums"]["hats"] for v in bar)
    rows = _fine_hats(arrangement, view)
    assert rows["hats"] == 2 * view["steps_per_bar"] and rows["kick"] == view["steps_per_bar"]
    fine = sum(v > 0 for bar in view["drums"]["hats"] for v in bar)
    assert len(view["drums"]["hats"][0]) == 32
    assert fine > 1.8 * on_grid  # the notes between the steps are drawn now

    straight = default_spec("house", bars=8)
    plain = arrange(straight)
    plain_view = plain.pattern_view(None, max_bars=4)
    assert _fine_hats(plain, plain_view).get("hats", 16) == plain_view["steps_per_bar"]
