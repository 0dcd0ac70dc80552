"""Download links and the CSP follow the public S3 endpoint (AWS_S3_PUBLIC_ENDPOINT_URL)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from infra.http.middleware import content_security_policy
from tests.deploy.settings_loader import load_settings
from tests.deploy.test_settings_env import SAFE_PROD_ENV, _manage
from tests.infra.storage.conftest import s3_storages, use_storages

PROD = "dawg.settings.production"


def test_links_are_signed_for_the_public_endpoint_and_fetch_from_it(
    settings, moto_endpoint, bucket
):
    # The servers use 127.0.0.1, the browser "localhost": the same moto server by another name.
    public = moto_endpoint.replace("127.0.0.1", "localhost")
    config = s3_storages(endpoint=moto_endpoint, bucket=bucket)
    config["default"]["OPTIONS"]["public_endpoint_url"] = public
    use_storages(settings, config)
    try:
        name = default_storage.save("beats/x/y/a.mid", ContentFile(b"MThd-public"))
        url = default_storage.url(name)
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == public
        assert parse_qs(parts.query)["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert httpx.get(url, timeout=10).content == b"MThd-public"
    finally:
        use_storages(
            settings,
            {
                "default": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": settings.MEDIA_ROOT},
                },
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        )


@pytest.mark.parametrize(
    ("env", "sources"),
    [
        # Our bucket's hosts, never every bucket on AWS (https://*.amazonaws.com before).
        (
            {},
            [
                "https://dawg-beats.s3.amazonaws.com",
                "https://dawg-beats.s3.us-east-1.amazonaws.com",
            ],
        ),
        (
            {
                "AWS_STORAGE_BUCKET_NAME": "b1",
                "AWS_S3_REGION_NAME": "eu-west-1",
                "AWS_S3_ADDRESSING_STYLE": "path",
            },
            ["https://s3.eu-west-1.amazonaws.com/b1/", "https://s3.amazonaws.com/b1/"],
        ),
        ({"AWS_S3_ENDPOINT_URL": "https://s3.eu.example.net"}, ["https://s3.eu.example.net"]),
        (
            {
                "AWS_S3_ENDPOINT_URL": "http://minio:9000",
                "AWS_S3_PUBLIC_ENDPOINT_URL": "http://localhost:9000",
            },
            ["http://localhost:9000"],
        ),
    ],
)
def test_production_csp_allows_media_from_the_configured_origin_only(env, sources):
    loaded = load_settings(PROD, {**SAFE_PROD_ENV, **env})
    assert sources == loaded.CSP_MEDIA_SOURCES
    policy = content_security_policy(loaded.CSP_CONNECT_SRC, loaded.CSP_MEDIA_SOURCES)
    media = next(part for part in policy.split("; ") if part.startswith("media-src"))
    assert media == " ".join(["media-src 'self' blob:", *sources])
    # The mixer fetches stems from the same origin, so connect-src lists it too.
    connect = next(part for part in policy.split("; ") if part.startswith("connect-src"))
    assert connect.endswith(" ".join(sources)) if sources else "amazonaws" not in connect


def test_check_deploy_warns_about_an_http_media_origin(collected_static):
    env = {
        **SAFE_PROD_ENV,
        **collected_static,
        "AWS_S3_PUBLIC_ENDPOINT_URL": "http://localhost:9000",
    }
    result = _manage("check", "--deploy", env=env)
    assert "dawg.W011" in result.stderr + result.stdout
    https = {**env, "AWS_S3_PUBLIC_ENDPOINT_URL": "https://media.beats.example.com"}
    assert "dawg.W011" not in (lambda r: r.stderr + r.stdout)(
        _manage("check", "--deploy", env=https)
    )
