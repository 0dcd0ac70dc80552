"""Storage writes that survive transient S3 failures, prefix deletes and download file names."""

from __future__ import annotations

import logging
import mimetypes
import random
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

from infra.observability import metrics

logger = logging.getLogger(__name__)

T = TypeVar("T")

# S3 error codes that mean "try again", whatever the HTTP status says.
TRANSIENT_S3_CODES = frozenset(
    {
        "InternalError",
        "ServiceUnavailable",
        "SlowDown",
        "RequestTimeout",
        "RequestTimeTooSkewed",
        "Throttling",
        "ThrottlingException",
        "OperationAborted",
    }
)

# Types that need help from us: mimetypes does not know them everywhere.
EXTRA_CONTENT_TYPES = {
    ".mid": "audio/midi",
    ".midi": "audio/midi",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".json": "application/json",
    ".zip": "application/zip",
}


class StorageUnavailable(Exception):
    """Storage did not accept a write after every retry; the job fails with this code."""

    error_code = "storage_unavailable"

    def __init__(self, message: str, *, attempts: int = 0) -> None:
        super().__init__(message)
        self.attempts = attempts


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts and exponential backoff (with jitter) for storage calls."""

    attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def delay_s(self, attempt: int) -> float:
        """The pause after failed attempt number ``attempt`` (1-based)."""
        delay = min(self.max_delay_s, self.base_delay_s * (2 ** (attempt - 1)))
        return delay * (0.5 + random.random() / 2)


def retry_policy() -> RetryPolicy:
    """The policy from settings (STORAGE_WRITE_ATTEMPTS, STORAGE_RETRY_BASE_DELAY_S)."""
    return RetryPolicy(
        attempts=max(1, int(getattr(settings, "STORAGE_WRITE_ATTEMPTS", 4))),
        base_delay_s=float(getattr(settings, "STORAGE_RETRY_BASE_DELAY_S", 0.5)),
        max_delay_s=float(getattr(settings, "STORAGE_RETRY_MAX_DELAY_S", 8.0)),
    )


def is_transient_storage_error(exc: BaseException) -> bool:
    """True for errors a retry may fix: no connection, timeouts, 5xx and throttling."""
    from boto3.exceptions import S3UploadFailedError
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    if isinstance(exc, S3UploadFailedError):
        # boto3 wraps the ClientError of an upload and drops it; it survives as __context__.
        inner = exc.__cause__ or exc.__context__
        return inner is None or is_transient_storage_error(inner)
    if isinstance(
        exc,
        EndpointConnectionError | ConnectionClosedError | ConnectTimeoutError | ReadTimeoutError,
    ):
        return True
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        code = exc.response.get("Error", {}).get("Code", "")
        return status >= 500 or code in TRANSIENT_S3_CODES
    # Connection resets, full disks on a network mount, urllib3's errors (all OSError).
    return isinstance(exc, OSError | ConnectionError | TimeoutError)


def storage_call_with_retry(
    operation: Callable[[], T],
    *,
    what: str,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``operation``; retry transient errors with backoff, then raise StorageUnavailable.

    Permanent errors (access denied, no such bucket) are raised at once, unchanged.
    """
    policy = policy or retry_policy()
    for attempt in range(1, policy.attempts + 1):
        try:
            return operation()
        except Exception as exc:
            # Every failed call counts (dawg_storage_errors_total), retried or not.
            metrics.storage_error(what.split(" ", 1)[0])
            if not is_transient_storage_error(exc):
                raise
            if attempt == policy.attempts:
                raise StorageUnavailable(
                    f"storage unavailable while trying to {what} "
                    f"({policy.attempts} attempts): {type(exc).__name__}: {exc}"[:500],
                    attempts=attempt,
                ) from exc
            delay = policy.delay_s(attempt)
            logger.warning(
                "storage: %s failed (attempt %d/%d, retrying in %.2fs): %s",
                what,
                attempt,
                policy.attempts,
                delay,
                exc,
            )
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def content_type_for(name: str) -> str:
    """The Content-Type for a file name (audio types included), octet-stream if unknown."""
    suffix = Path(name).suffix.lower()
    if suffix in EXTRA_CONTENT_TYPES:
        return EXTRA_CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """An RFC 6266 Content-Disposition with an ASCII fallback and a UTF-8 ``filename*``."""
    kind = "inline" if inline else "attachment"
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
    header = f'{kind}; filename="{ascii_name or "download"}"'
    if ascii_name != filename:
        header += f"; filename*=UTF-8''{quote(filename)}"
    return header


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def key_short(key: str) -> str:
    """``"F minor"`` → ``"Fmin"``, ``"C# major"`` → ``"C#maj"``; anything else is kept tidy."""
    parts = key.split()
    if len(parts) == 2 and parts[1].lower() in ("major", "minor"):
        return f"{parts[0]}{parts[1].lower()[:3]}"
    return re.sub(r"[^A-Za-z0-9#]+", "", key)


def download_name(
    *,
    title: str,
    bpm: float,
    key: str,
    version_number: int,
    ext: str,
    suffix: str = "",
) -> str:
    """``dark-trap-140bpm-Fmin-v3.mp3``: what a downloaded file is called on the user's disk."""
    bpm_text = f"{bpm:g}bpm"
    parts = [_slug(title) or "beat", bpm_text, key_short(key), f"v{version_number}"]
    if suffix:
        parts.append(_slug(suffix))
    stem = "-".join(part for part in parts if part)
    return f"{stem}.{ext.lstrip('.')}"


class UploadContent(ContentFile):
    """Bytes plus the Content-Type and Content-Disposition the S3 backend stores with them."""

    def __init__(
        self,
        data: bytes,
        *,
        name: str,
        content_type: str,
        content_disposition: str = "",
        tags: dict[str, str] | None = None,
    ) -> None:
        super().__init__(data, name=name)
        self.content_type = content_type
        self.content_disposition = content_disposition
        self.tags = dict(tags or {})


def storage_save_bytes(
    *,
    name: str,
    data: bytes,
    content_type: str | None = None,
    download_filename: str | None = None,
    tags: dict[str, str] | None = None,
    storage: Storage | None = None,
    policy: RetryPolicy | None = None,
) -> str:
    """Save ``data`` under ``name`` (retried); returns the stored name (never overwrites).

    On S3 the object gets the Content-Type, an attachment Content-Disposition named
    ``download_filename`` and the ``tags`` (which lifecycle rules select on).

    Raises StorageUnavailable after the last attempt; nothing is left referenced then.
    """
    storage = storage or default_storage
    content_type = content_type or content_type_for(name)
    disposition = content_disposition(download_filename) if download_filename else ""

    def save() -> str:
        content = UploadContent(
            data,
            name=name,
            content_type=content_type,
            content_disposition=disposition,
            tags=tags,
        )
        return storage.save(name, content)

    return storage_call_with_retry(save, what=f"save {name}", policy=policy)


def storage_read_bytes(
    name: str, *, storage: Storage | None = None, policy: RetryPolicy | None = None
) -> bytes:
    """Read a whole object (retried on transient errors)."""
    storage = storage or default_storage

    def read() -> bytes:
        with storage.open(name, "rb") as handle:
            return handle.read()

    return storage_call_with_retry(read, what=f"read {name}", policy=policy)


def storage_delete_quietly(name: str, *, storage: Storage | None = None) -> bool:
    """Delete one object; log instead of raising (used in cleanup paths)."""
    storage = storage or default_storage
    try:
        storage.delete(name)
    except Exception:
        logger.exception("storage: could not delete %s", name)
        return False
    return True


def storage_delete_prefix(prefix: str, *, storage: Storage | None = None) -> int:
    """Delete every object whose name starts with ``prefix/``; returns how many were deleted."""
    storage = storage or default_storage
    prefix = prefix.strip("/") + "/"
    if prefix == "/":
        raise ValueError("refusing to delete the whole storage")
    if hasattr(storage, "bucket"):
        return _s3_delete_prefix(storage, prefix)
    if hasattr(storage, "path"):
        root = Path(storage.path(prefix))
        if not root.is_dir():
            return 0
        count = sum(1 for path in root.rglob("*") if path.is_file())
        shutil.rmtree(root)
        return count
    raise NotImplementedError(f"prefix delete is not supported for {type(storage).__name__}")


def _s3_delete_prefix(storage: Storage, prefix: str) -> int:
    client = storage.connection.meta.client
    key_prefix = storage._normalize_name(prefix)
    if not key_prefix.endswith("/"):
        key_prefix += "/"
    deleted = 0
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=key_prefix):
        keys = [{"Key": entry["Key"]} for entry in page.get("Contents", ())]
        # One DeleteObjects call takes at most 1,000 keys, which is also a page's size.
        if keys:
            response = client.delete_objects(
                Bucket=storage.bucket_name, Delete={"Objects": keys, "Quiet": True}
            )
            errors = response.get("Errors", [])
            if errors:
                raise RuntimeError(f"S3 refused to delete {len(errors)} objects: {errors[:3]}")
            deleted += len(keys)
    return deleted
