"""The S3 backend for beats: always encrypted, private, never overwritten, typed per object."""

from __future__ import annotations

from urllib.parse import urlencode

import boto3
from botocore.config import Config
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

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
        # The endpoint browsers reach (AWS_S3_PUBLIC_ENDPOINT_URL): links are signed for it.
        self.public_endpoint_url = options.pop("public_endpoint_url", None) or None
        self._public_client = None
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

    def url(
        self,
        name: str,
        parameters: dict | None = None,
        expire: int | None = None,
        http_method: str | None = None,
    ) -> str:
        """A presigned URL; signed for the public endpoint when one is set (SigV4 signs the
        host, so a URL for the internal host cannot just be rewritten)."""
        if not self.public_endpoint_url:
            return super().url(name, parameters, expire, http_method)
        if self._public_client is None:
            session = boto3.session.Session(
                aws_access_key_id=self.access_key,
                aws_secret_access_key=self.secret_key,
                aws_session_token=self.security_token,
            )
            self._public_client = session.client(
                "s3",
                endpoint_url=self.public_endpoint_url,
                region_name=self.region_name,
                config=self.client_config,
            )
        params = {**(parameters or {}), "Bucket": self.bucket_name}
        params["Key"] = self._normalize_name(clean_name(name))
        return self._public_client.generate_presigned_url(
            "get_object",
            Params=params,
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )
