"""Report Asset rows whose stored object is missing and stored objects no row references."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from generation.asset_audit import audit_assets


class Command(BaseCommand):
    help = (
        "Compare the Asset table with the media storage (S3 or the filesystem): list rows whose "
        "object is missing and objects under beats/ and stems/ that no row references. Exits 1 if any."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        audit = audit_assets()
        for name, asset_id in audit.missing:
            self.stdout.write(f"missing object: {name} (asset {asset_id})")
        for name in audit.unreferenced:
            self.stdout.write(f"unreferenced object: {name}")
        summary = (
            f"{audit.rows} asset rows, {audit.objects} objects: {len(audit.missing)} missing, "
            f"{len(audit.unreferenced)} unreferenced"
        )
        if not audit.ok:
            raise CommandError(summary)
        self.stdout.write(f"OK: {summary}")
