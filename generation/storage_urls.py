"""Download URLs for assets: presigned S3 GETs, or None where our own view streams the file."""

from __future__ import annotations

from django.core.files.storage import default_storage

from .models import Asset


def storage_is_remote() -> bool:
    return not hasattr(default_storage, "path")


def asset_download_url_or_none(asset: Asset, *, inline: bool = False) -> str | None:
    """A presigned URL for remote storage (owner checks happen before this is called)."""
    if not storage_is_remote():
        return None
    disposition = "inline" if inline else f'attachment; filename="{asset.name}"'
    return default_storage.url(
        asset.file.name,
        parameters={
            "ResponseContentDisposition": disposition,
            "ResponseContentType": asset.content_type or "application/octet-stream",
        },
    )
