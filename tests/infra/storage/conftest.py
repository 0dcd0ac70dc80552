"""A moto S3 server on loopback, and settings that point default_storage at it."""

from __future__ import annotations

import logging
import uuid

import boto3
import pytest
from botocore.config import Config
from django.core.files.storage import storages
from moto.server import ThreadedMotoServer

from dawg.settings.base import storages_for
from infra.redis.embedded import free_port

REGION = "us-east-1"
DUMMY_KEY = "testing-access-key"
DUMMY_SECRET = "testing-secret-key"  # moto accepts any key


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto's S3 server over real HTTP on 127.0.0.1, for the whole session."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=DUMMY_KEY,
        aws_secret_access_key=DUMMY_SECRET,
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )


@pytest.fixture
def s3(moto_endpoint):
    return s3_client(moto_endpoint)


def s3_storages(*, endpoint: str, bucket: str, expire: int = 900) -> dict:
    config = storages_for("s3")
    config["default"]["OPTIONS"].update(
        bucket_name=bucket,
        region_name=REGION,
        endpoint_url=endpoint,
        addressing_style="path",
        access_key=DUMMY_KEY,
        secret_key=DUMMY_SECRET,
        querystring_expire=expire,
        max_attempts=1,
    )
    return config


def use_storages(settings, config: dict) -> None:
    settings.STORAGES = config
    storages._storages = {}  # the handler caches backends; settings_changed resets it too
    storages._backends = None


@pytest.fixture
def bucket(s3):
    name = f"test-beats-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_storage(settings, moto_endpoint, bucket):
    """default_storage is BeatS3Storage on the moto server, with tiny retry delays."""
    settings.STORAGE_WRITE_ATTEMPTS = 3
    settings.STORAGE_RETRY_BASE_DELAY_S = 0.01
    use_storages(settings, s3_storages(endpoint=moto_endpoint, bucket=bucket))
    yield bucket
    use_storages(settings, storages_for("filesystem", settings.MEDIA_ROOT))


@pytest.fixture
def s3_settings(settings, moto_endpoint):
    """The S3 settings setup_s3 and s3_client read, pointed at the moto server."""
    settings.AWS_S3_ENDPOINT_URL = moto_endpoint
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_S3_REGION_NAME = REGION
    settings.AWS_ACCESS_KEY_ID = DUMMY_KEY
    settings.AWS_SECRET_ACCESS_KEY = DUMMY_SECRET
    return settings
