"""Collected static files: a deploy check and a readiness part that fail when they are missing."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import Error, register
from django.core.files.storage import storages

STATICFILES = "staticfiles"


def missing_static_files() -> list[str] | None:
    """Names a hashed-name storage cannot serve (its manifest first); None without a manifest.

    Under ManifestStaticFilesStorage (production) every ``{% static %}`` raises ValueError
    for a file missing from the manifest, so each page answers 500 until collectstatic runs.
    """
    storage = storages[STATICFILES]
    if not isinstance(storage, ManifestFilesMixin):
        return None
    if storage.read_manifest() is None:
        return [storage.manifest_name]
    hashed, _manifest_hash = storage.load_manifest()
    return sorted(name for name in hashed.values() if not storage.exists(name)) or (
        [] if hashed else [f"{storage.manifest_name} (empty)"]
    )


def _describe(missing: list[str]) -> str:
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return f"{len(missing)} static file(s) missing from STATIC_ROOT ({shown}): run collectstatic"


def check_static_files() -> str:
    """Readiness part ``static_files``: raises when collected files are missing."""
    missing = missing_static_files()
    if missing is None:
        return "no manifest (files served from the app folders)"
    if missing:
        raise RuntimeError(_describe(missing))
    return f"{len(storages[STATICFILES].load_manifest()[0])} files in the manifest"


@register(deploy=True)
def static_files_are_collected(app_configs: Any, **kwargs: Any) -> list[Error]:
    missing = missing_static_files()
    if missing:
        return [Error(_describe(missing), id="dawg.E010")]
    return []
