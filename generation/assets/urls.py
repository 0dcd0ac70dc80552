"""Download URLs for assets: presigned S3 GETs, or None where our own view streams the file."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage

from generation.assets.store import asset_download_name
from generation.models import Asset
from infra.storage.retry import content_disposition

# A presigned URL works for anyone who has it; keep its life short whatever the settings say.
MAX_PRESIGNED_EXPIRE_S = 900


def storage_is_remote() -> bool:
    """False for local files (our view streams them), True for S3 and other object stores."""
    # Storage.path exists on every backend (raising NotImplementedError), so test the class.
    return not isinstance(default_storage, FileSystemStorage)


def presigned_expire_s() -> int:
    configured = int(getattr(settings, "AWS_QUERYSTRING_EXPIRE", MAX_PRESIGNED_EXPIRE_S))
    return max(1, min(configured, MAX_PRESIGNED_EXPIRE_S))


def asset_download_url_or_none(asset: Asset, *, inline: bool = False) -> str | None:
    """A presigned SigV4 GET URL for remote storage; call it only after an owner check."""
    if not storage_is_remote():
        return None
    return default_storage.url(
        asset.file.name,
        parameters={
            "ResponseContentDisposition": content_disposition(
                asset_download_name(asset), inline=inline
            ),
            "ResponseContentType": asset.content_type or "application/octet-stream",
        },
        expire=presigned_expire_s(),
    )
