"""The S3 backend for beats: always encrypted, private, never overwritten, typed per object."""

from __future__ import annotations

from urllib.parse import urlencode

from botocore.config import Config
from storages.backends.s3 import S3Storage

SSE_ALGORITHM = "AES256"


class BeatS3Storage(S3Storage):
    """django-storages' S3Storage with the guarantees the product promises for users' audio.

    Every write (single PUT or multipart) carries ``ServerSideEncryption=AES256`` whatever
    ``object_parameters`` says, and ``default_acl`` (private) unless it is None (buckets with
    ACLs disabled reject any ACL but the owner's); the Content-Type and Content-Disposition
    come from the uploaded content (``infra.storage.retry.UploadContent``) when it has them.
    Extra option ``max_attempts``: botocore's own retries per call (standard mode).
    """

    def __init__(self, **options: object) -> None:
        max_attempts = int(options.pop("max_attempts", 2) or 2)
        # Short: S3 answers a connect in milliseconds; a blackholed endpoint must not eat the
        # job's time limit before StorageUnavailable is raised.
        connect_timeout = float(options.pop("connect_timeout", 3) or 3)
        read_timeout = float(options.pop("read_timeout", 30) or 30)
        if options.get("client_config") is None:
            options["client_config"] = Config(
                s3={"addressing_style": options.get("addressing_style") or "auto"},
                signature_version=options.get("signature_version") or "s3v4",
                retries={"max_attempts": max_attempts, "mode": "standard"},
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
            )
        super().__init__(**options)
        # Overwrites would let a retried job replace a published file; never allow them.
        self.file_overwrite = False

    def get_object_parameters(self, name: str) -> dict:
        params = super().get_object_parameters(name)
        params["ServerSideEncryption"] = SSE_ALGORITHM
        return params

    def _get_write_parameters(self, name: str, content: object = None) -> dict:
        params = super()._get_write_parameters(name, content)
        content_type = getattr(content, "content_type", None)
        if content_type:
            params["ContentType"] = content_type
        disposition = getattr(content, "content_disposition", None)
        if disposition:
            params["ContentDisposition"] = disposition
        tags = getattr(content, "tags", None)
        if tags:
            # Lifecycle rules select objects by tag (e.g. kind=preview expires after N days).
            params["Tagging"] = urlencode(tags)
        params["ServerSideEncryption"] = SSE_ALGORITHM
        return params
