"""Asset rows against stored objects: rows whose object is gone, objects no row references."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.files.storage import Storage, default_storage

from generation.models import STEM_PREFIX, Asset, StoredStem

# Every asset lives under beats/<beat>/<version>/ (asset_upload_to), or is a shared stem
# under stems/ (StoredStem); nothing else is audited.
ASSET_PREFIX = "beats"


@dataclass
class AssetAudit:
    rows: int = 0
    objects: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)  # (object key, asset id)
    unreferenced: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unreferenced


def stored_names(storage: Storage, folder: str = ASSET_PREFIX) -> Iterator[str]:
    """Every object name under ``folder``, recursively (filesystem and S3 alike)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from stored_names(storage, f"{folder}/{sub}")


def audit_assets(storage: Storage | None = None) -> AssetAudit:
    """Compare the Asset table with the storage's objects (one exists() per row, one listing)."""
    storage = storage or default_storage
    audit = AssetAudit()
    referenced: set[str] = set()
    for asset_id, name in Asset.objects.order_by().values_list("id", "file").iterator():
        audit.rows += 1
        referenced.add(name)
        if not storage.exists(name):
            audit.missing.append((name, str(asset_id)))
    # A shared stem's object is referenced by its StoredStem row (and its assets); an upload
    # without a row is what a worker killed before its commit leaves behind.
    referenced.update(StoredStem.objects.values_list("file", flat=True))
    for name in [*stored_names(storage), *stored_names(storage, STEM_PREFIX)]:
        audit.objects += 1
        if name not in referenced:
            audit.unreferenced.append(name)
    audit.missing.sort()
    audit.unreferenced.sort()
    return audit
