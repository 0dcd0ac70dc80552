"""Where browsers fetch media from: the public S3 origin for the CSP, and a deploy warning
when that origin is plain http."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

AWS_MEDIA_SOURCE = "https://*.amazonaws.com"


def media_sources(backend: str, public_endpoint: str | None, endpoint: str | None) -> list[str]:
    """CSP sources for presigned media links: the origin they are signed for (filesystem
    media is served by the site itself, i.e. 'self')."""
    if backend != "s3":
        return []
    url = public_endpoint or endpoint
    if not url:
        return [AWS_MEDIA_SOURCE]
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
