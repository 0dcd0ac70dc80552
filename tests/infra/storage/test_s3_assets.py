"""Assets on S3 (moto over HTTP): encrypted, typed, presigned for the owner, deleted with the beat."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.files.storage import default_storage
from django.db import transaction

from generation.assets.bundle import stems_bundle_for, stems_zip_stream
from generation.assets.store import (
    AssetFile,
    StorageUnavailable,
    asset_read,
    asset_store,
    beat_prefix,
    version_assets_store,
)
from generation.assets.urls import asset_download_url_or_none
from generation.models import Asset, AssetKind, Beat
from infra.redis.embedded import free_port
from infra.storage.backends import BeatS3Storage
from infra.storage.retry import UploadContent, storage_save_bytes
from tests import factories
from tests.infra.storage.conftest import s3_storages, use_storages

pytestmark = pytest.mark.django_db


def keys_under(s3, bucket: str, prefix: str) -> list[str]:
    response = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(entry["Key"] for entry in response.get("Contents", []))


@pytest.fixture
def version(user):
    beat = factories.beat_create(owner=user)
    return factories.version_create(beat=beat)


def test_stored_asset_is_encrypted_typed_and_named_for_download(s3_storage, s3, version):
    asset = asset_store(version=version, kind=AssetKind.MIX_MP3, name="mix.mp3", data=b"ID3mp3")
    head = s3.head_object(Bucket=s3_storage, Key=asset.file.name)
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentType"] == "audio/mpeg"
    assert head["ContentDisposition"] == 'attachment; filename="trap-140bpm-Fmin-v1.mp3"'
    assert asset.file.name == f"beats/{version.beat_id}/{version.id}/mix.mp3"
    tags = s3.get_object_tagging(Bucket=s3_storage, Key=asset.file.name)["TagSet"]
    assert {"Key": "kind", "Value": "mix_mp3"} in tags
    assert asset.bytes == 6 and len(asset.sha256) == 64


def test_multipart_upload_is_encrypted_too(s3_storage, s3):
    data = bytes(range(256)) * (9 * 4096)  # 9 MiB: above boto3's 8 MiB multipart threshold
    name = storage_save_bytes(name="beats/big/stem.wav", data=data)
    head = s3.head_object(Bucket=s3_storage, Key=name)
    assert head["ServerSideEncryption"] == "AES256"
    assert "-" in head["ETag"]  # a multipart ETag ends in -<parts>
    assert head["ContentLength"] == len(data)


def test_streamed_multipart_write_is_encrypted(s3_storage, s3):
    with default_storage.open("beats/streamed/mix.wav", "wb") as handle:
        for _ in range(6):
            handle.write(b"\0" * (1024 * 1024))  # S3File flushes 5 MiB parts
    head = s3.head_object(Bucket=s3_storage, Key="beats/streamed/mix.wav")
    assert head["ServerSideEncryption"] == "AES256"


def test_storage_never_overwrites_an_existing_object(s3_storage, version):
    first = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"one")
    second_name = storage_save_bytes(name=first.file.name, data=b"two")
    assert second_name != first.file.name
    assert asset_read(first) == b"one"


def test_presigned_url_returns_exactly_the_stored_bytes(s3_storage, version):
    data = bytes(range(256)) * 40
    asset = asset_store(version=version, kind=AssetKind.MIX_WAV, name="mix.wav", data=data)
    url = asset_download_url_or_none(asset)
    response = httpx.get(url)
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-disposition"] == (
        'attachment; filename="trap-140bpm-Fmin-v1.wav"'
    )


def test_presigned_url_is_sigv4_with_the_configured_short_expiry(
    settings, moto_endpoint, bucket, version
):
    use_storages(settings, s3_storages(endpoint=moto_endpoint, bucket=bucket, expire=300))
    settings.AWS_QUERYSTRING_EXPIRE = 300
    asset = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"MThd")
    query = parse_qs(urlsplit(asset_download_url_or_none(asset)).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["300"]
    assert "X-Amz-Signature" in query and "X-Amz-Credential" in query
    assert "Signature" not in query and "AWSAccessKeyId" not in query  # no SigV2


def test_presigned_expiry_is_capped_at_15_minutes(s3_storage, settings, version):
    settings.AWS_QUERYSTRING_EXPIRE = 86400
    asset = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"MThd")
    query = parse_qs(urlsplit(asset_download_url_or_none(asset)).query)
    assert int(query["X-Amz-Expires"][0]) <= 900


def test_download_view_redirects_only_the_owner_to_a_presigned_url(
    s3_storage, client, user, other_user, version
):
    asset = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"MThd")
    client.force_login(other_user)
    assert client.get(asset.get_absolute_url()).status_code == 404
    client.force_login(user)
    response = client.get(asset.get_absolute_url())
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    assert "X-Amz-Signature=" in response["Location"]
    assert httpx.get(response["Location"]).content == b"MThd"


def test_anonymous_download_is_sent_to_login(s3_storage, client, version):
    asset = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"MThd")
    response = client.get(asset.get_absolute_url())
    assert response.status_code == 302
    assert "X-Amz" not in response["Location"]


def test_plain_object_url_without_signature_is_not_what_we_hand_out(s3_storage, version):
    asset = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"MThd")
    url = asset_download_url_or_none(asset)
    assert "X-Amz-Signature" in url
    assert isinstance(default_storage._wrapped, BeatS3Storage)
    assert default_storage.default_acl == "private"
    assert default_storage.file_overwrite is False


def test_endpoint_down_retries_then_raises_and_references_nothing(
    settings, moto_endpoint, bucket, s3, version, caplog
):
    settings.STORAGE_WRITE_ATTEMPTS = 3
    settings.STORAGE_RETRY_BASE_DELAY_S = 0.01
    use_storages(settings, s3_storages(endpoint=moto_endpoint, bucket=bucket))
    earlier = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"v1")
    next_version = factories.version_create(beat=version.beat)

    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    use_storages(settings, s3_storages(endpoint=dead, bucket=bucket))
    with pytest.raises(StorageUnavailable) as raised:
        version_assets_store(
            version=next_version,
            files=[AssetFile(kind=AssetKind.MIX_WAV, name="mix.wav", data=b"RIFF")],
        )
    assert raised.value.error_code == "storage_unavailable"
    assert raised.value.attempts == 3
    retries = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2
    assert not Asset.objects.filter(version=next_version).exists()

    use_storages(settings, s3_storages(endpoint=moto_endpoint, bucket=bucket))
    earlier.refresh_from_db()
    assert asset_read(earlier) == b"v1"
    assert keys_under(s3, bucket, f"beats/{version.beat_id}/{next_version.id}/") == []


def test_a_failed_upload_midway_removes_the_uploaded_objects(s3_storage, s3, version, monkeypatch):
    original_save = BeatS3Storage._save

    def flaky_save(self, name, content):
        if name.endswith("bass.wav"):
            raise EndpointConnectionError(endpoint_url="http://s3")
        return original_save(self, name, content)

    monkeypatch.setattr(BeatS3Storage, "_save", flaky_save)
    files = [
        AssetFile(kind=AssetKind.STEM, name="drums.wav", data=b"drums"),
        AssetFile(kind=AssetKind.STEM, name="bass.wav", data=b"bass"),
    ]
    with pytest.raises(StorageUnavailable):
        version_assets_store(version=version, files=files)
    assert not Asset.objects.filter(version=version).exists()
    assert keys_under(s3, s3_storage, f"beats/{version.beat_id}/") == []


def test_a_rerun_for_the_same_version_replaces_its_assets(
    s3_storage, s3, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"old")
    with django_capture_on_commit_callbacks(execute=True):
        second = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"new")
    assert list(Asset.objects.filter(version=version)) == [second]
    assert asset_read(second) == b"new"
    assert keys_under(s3, s3_storage, f"beats/{version.beat_id}/") == [second.file.name]
    assert first.file.name != second.file.name


def test_deleting_a_beat_deletes_its_objects(
    s3_storage, s3, user, version, django_capture_on_commit_callbacks
):
    asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"MThd")
    asset_store(version=version, kind=AssetKind.STEM, name="drums.wav", data=b"RIFF")
    other_beat = factories.beat_create(owner=user)
    kept = asset_store(
        version=factories.version_create(beat=other_beat),
        kind=AssetKind.MIDI,
        name="beat.mid",
        data=b"keep",
    )
    assert len(keys_under(s3, s3_storage, beat_prefix(version.beat_id) + "/")) == 2

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        version.beat.delete()

    assert keys_under(s3, s3_storage, beat_prefix(version.beat_id) + "/") == []
    assert not Beat.objects.filter(id=version.beat_id).exists()
    assert asset_read(kept) == b"keep"


def test_deleting_a_conversation_deletes_its_beats_objects(
    s3_storage, s3, version, django_capture_on_commit_callbacks
):
    asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"MThd")
    with django_capture_on_commit_callbacks(execute=True):
        version.beat.conversation.delete()
    assert keys_under(s3, s3_storage, beat_prefix(version.beat_id) + "/") == []


def test_stems_zip_contains_every_stem_and_the_midi(s3_storage, version):
    files = [
        AssetFile(kind=AssetKind.STEM, name="drums.wav", data=b"RIFF-drums"),
        AssetFile(kind=AssetKind.STEM, name="bass.wav", data=b"RIFF-bass"),
        AssetFile(kind=AssetKind.MIDI, name="beat.mid", data=b"MThd-midi"),
        AssetFile(kind=AssetKind.MIX_MP3, name="mix.mp3", data=b"ID3-not-in-zip"),
    ]
    version_assets_store(version=version, files=files)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(stems_zip_stream(stems_bundle_for(version)))))
    contents = {name.split("/")[-1]: archive.read(name) for name in archive.namelist()}
    assert contents == {
        "trap-140bpm-Fmin-v1-bass.wav": b"RIFF-bass",
        "trap-140bpm-Fmin-v1-drums.wav": b"RIFF-drums",
        "trap-140bpm-Fmin-v1.mid": b"MThd-midi",
    }
    assert archive.testzip() is None


def test_stems_zip_view_streams_from_the_bucket_for_the_owner_only(
    s3_storage, client, user, other_user, version
):
    asset_store(version=version, kind=AssetKind.STEM, name="stems-drums.wav", data=b"RIFF")
    asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"MThd")
    url = f"/beats/versions/{version.id}/stems.zip"
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    client.force_login(user)
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/zip"
    assert 'filename="trap-140bpm-Fmin-v1-stems.zip"' in first["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(first.streaming_content)))
    assert sorted(name.split("/")[-1] for name in archive.namelist()) == [
        "trap-140bpm-Fmin-v1-drums.wav",
        "trap-140bpm-Fmin-v1.mid",
    ]
    assert not Asset.objects.filter(version=version, kind=AssetKind.STEMS_ZIP).exists()


def test_replacing_an_asset_keeps_an_object_another_version_still_uses(
    s3_storage, version, django_capture_on_commit_callbacks
):
    shared = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"shared")
    reuser = factories.version_create(beat=version.beat)
    Asset.objects.create(
        version=reuser, kind=AssetKind.MIDI, name="beat.mid", file=shared.file.name, bytes=6
    )
    with django_capture_on_commit_callbacks(execute=True):
        asset_store(version=reuser, kind=AssetKind.MIDI, name="beat.mid", data=b"own")
    assert asset_read(shared) == b"shared"


def test_uploads_send_the_private_acl_unless_acls_are_disabled(s3_storage):
    content = UploadContent(b"x", name="a.mid", content_type="audio/midi")
    assert default_storage._get_write_parameters("a.mid", content)["ACL"] == "private"
    default_storage.default_acl = None
    params = default_storage._get_write_parameters("a.mid", content)
    assert "ACL" not in params
    assert params["ServerSideEncryption"] == "AES256"
