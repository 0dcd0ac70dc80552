"""Retry policy, error classification, download names, env files, and filesystem storage."""

from __future__ import annotations

import pytest
from boto3.exceptions import S3UploadFailedError
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from generation.assets.store import asset_store, objects_delete_for_beat
from generation.models import AssetKind
from infra.provision.env_file import env_file_update
from infra.storage.retry import (
    RetryPolicy,
    StorageUnavailable,
    content_disposition,
    download_name,
    is_transient_storage_error,
    storage_call_with_retry,
)
from tests import factories


def client_error(status: int, code: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "PutObject",
    )


def upload_failed(inner: Exception) -> S3UploadFailedError:
    try:
        raise inner
    except Exception:
        try:
            raise S3UploadFailedError("Failed to upload")  # as boto3 does: context kept
        except S3UploadFailedError as wrapped:
            return wrapped


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        (EndpointConnectionError(endpoint_url="http://s3"), True),
        (ReadTimeoutError(endpoint_url="http://s3"), True),
        (client_error(503, "SlowDown"), True),
        (client_error(500, "InternalError"), True),
        (client_error(400, "RequestTimeout"), True),
        (client_error(403, "AccessDenied"), False),
        (client_error(404, "NoSuchBucket"), False),
        (upload_failed(client_error(503, "ServiceUnavailable")), True),
        (upload_failed(client_error(403, "AccessDenied")), False),
        (ConnectionResetError(), True),
        (ValueError("bad"), False),
    ],
)
def test_transient_errors_are_told_apart_from_permanent_ones(exc, transient):
    assert is_transient_storage_error(exc) is transient


def test_retry_backs_off_exponentially_then_raises_storage_unavailable():
    delays: list[float] = []
    calls = []

    def always_down():
        calls.append(1)
        raise EndpointConnectionError(endpoint_url="http://s3")

    policy = RetryPolicy(attempts=4, base_delay_s=1.0, max_delay_s=3.0)
    with pytest.raises(StorageUnavailable) as raised:
        storage_call_with_retry(always_down, what="save x", policy=policy, sleep=delays.append)
    assert len(calls) == 4
    assert raised.value.error_code == "storage_unavailable"
    assert isinstance(raised.value.__cause__, EndpointConnectionError)
    # Jitter keeps each delay within [half, full] of 1, 2, 3 (capped) seconds.
    for delay, full in zip(delays, [1.0, 2.0, 3.0], strict=True):
        assert full / 2 <= delay <= full


def test_retry_recovers_when_storage_comes_back():
    outcomes = iter([client_error(503, "SlowDown"), None])

    def flaky():
        error = next(outcomes)
        if error:
            raise error
        return "saved"

    policy = RetryPolicy(attempts=3, base_delay_s=0)
    assert storage_call_with_retry(flaky, what="save", policy=policy, sleep=lambda _: None) == (
        "saved"
    )


def test_permanent_errors_are_not_retried():
    calls = []

    def denied():
        calls.append(1)
        raise client_error(403, "AccessDenied")

    with pytest.raises(ClientError):
        storage_call_with_retry(denied, what="save", policy=RetryPolicy(attempts=5))
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            dict(title="Dark Trap", bpm=140.0, key="F minor", version_number=3, ext="mp3"),
            "dark-trap-140bpm-Fmin-v3.mp3",
        ),
        (
            dict(title="lofi", bpm=82.5, key="C# major", version_number=1, ext=".wav"),
            "lofi-82.5bpm-C#maj-v1.wav",
        ),
        (
            dict(title="", bpm=90, key="A minor", version_number=2, ext="zip", suffix="stems"),
            "beat-90bpm-Amin-v2-stems.zip",
        ),
    ],
)
def test_download_names_read_well(kwargs, expected):
    assert download_name(**kwargs) == expected


def test_content_disposition_has_an_ascii_fallback_for_unicode_names():
    header = content_disposition("café-beat.mp3")
    assert header.startswith('attachment; filename="caf-beat.mp3"')
    assert "filename*=UTF-8''caf%C3%A9-beat.mp3" in header


def test_env_file_update_keeps_every_other_line(tmp_path):
    path = tmp_path / "prod.env"
    path.write_text("# header\nexport REDIS_URL=redis://old\nA=1\n\n# tail comment\n")
    changed = env_file_update(path, {"REDIS_URL": "redis://new:6379/0", "NEW": "x y"})
    assert changed == ["REDIS_URL", "NEW"]
    assert path.read_text() == (
        '# header\nexport REDIS_URL=redis://new:6379/0\nA=1\n\n# tail comment\n\nNEW="x y"\n'
    )
    assert env_file_update(path, {"REDIS_URL": "redis://new:6379/0", "NEW": "x y"}) == []


@pytest.mark.django_db
def test_filesystem_download_streams_with_the_download_name(user_client, user, settings):
    beat = factories.beat_create(owner=user)
    version = factories.version_create(beat=beat)
    asset = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"MThd")
    response = user_client.get(asset.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"MThd"
    assert 'filename="trap-140bpm-Fmin-v1.mid"' in response["Content-Disposition"]
    # The owner's browser may keep it (the player re-reads ranges); no shared cache may.
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Accept-Ranges"] == "bytes"
    assert not settings.MEDIA_URL.startswith("http")


@pytest.mark.django_db
def test_filesystem_objects_of_a_beat_are_deleted(user):
    beat = factories.beat_create(owner=user)
    version = factories.version_create(beat=beat)
    asset = asset_store(version=version, kind=AssetKind.MIDI, name="beat.mid", data=b"MThd")
    assert asset.file.storage.exists(asset.file.name)
    assert objects_delete_for_beat(beat.id) == 1
    assert not asset.file.storage.exists(asset.file.name)
