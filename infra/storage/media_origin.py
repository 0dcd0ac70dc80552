"""Where browsers fetch media from: the public S3 origin for the CSP, and a deploy warning
when that origin is plain http."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register


def aws_media_sources(bucket: str, region: str, addressing_style: str = "auto") -> list[str]:
    """Our bucket's own hosts on AWS (not ``*.amazonaws.com``: any bucket of anyone).
    Virtual-hosted links (``auto``/``virtual``) are ``<bucket>.s3[.<region>].amazonaws.com``;
    path-style ones share S3's host, so the source is narrowed to the bucket's path."""
    if addressing_style == "path":
        return [
            f"https://s3.{region}.amazonaws.com/{bucket}/",
            f"https://s3.amazonaws.com/{bucket}/",
        ]
    return [f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{region}.amazonaws.com"]


def media_sources(
    backend: str,
    public_endpoint: str | None,
    endpoint: str | None,
    *,
    bucket: str = "",
    region: str = "us-east-1",
    addressing_style: str = "auto",
) -> list[str]:
    """CSP sources for presigned media links: the origin they are signed for (filesystem
    media is served by the site itself, i.e. 'self')."""
    if backend != "s3":
        return []
    url = public_endpoint or endpoint
    if not url:
        return aws_media_sources(bucket, region, addressing_style)
    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"]


@register(deploy=True)
def media_origin_is_https(app_configs: Any, **kwargs: Any) -> list[Warning]:
    plain = [source for source in settings.CSP_MEDIA_SOURCES if source.startswith("http://")]
    if plain:
        return [
            Warning(
                f"Media links go to {', '.join(plain)} over plain http (AWS_S3_PUBLIC_ENDPOINT_URL "
                "or AWS_S3_ENDPOINT_URL): browsers on an https page may block them as mixed "
                "content and the links travel unencrypted. Put TLS in front of the S3 endpoint.",
                id="dawg.W011",
            )
        ]
    return []
