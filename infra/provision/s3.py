"""Create and verify the beats bucket: private, encrypted, CORS for the player, lifecycle rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

# Rules and settings this module owns are recognised by these IDs; other rules are kept.
RULE_ABORT_MULTIPART = "dawg-abort-incomplete-multipart"
RULE_EXPIRE_PREVIEWS = "dawg-expire-previews"
RULE_EXPIRE_NONCURRENT = "dawg-expire-noncurrent-versions"
OWNED_RULE_IDS = {RULE_ABORT_MULTIPART, RULE_EXPIRE_PREVIEWS, RULE_EXPIRE_NONCURRENT}
ABORT_MULTIPART_DAYS = 2
NONCURRENT_VERSION_DAYS = 30

PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
# What an <audio> element and a fetch() of a range need: Range in, the range headers out.
CORS_ALLOWED_HEADERS = ["Range", "If-Range", "If-None-Match", "If-Modified-Since", "Origin"]
CORS_EXPOSE_HEADERS = [
    "Accept-Ranges",
    "Content-Disposition",
    "Content-Length",
    "Content-Range",
    "Content-Type",
    "ETag",
]
CORS_MAX_AGE_S = 3600
PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}

# Step outcomes: a step either changed something, found it right, or (check) found it wrong.
CREATED, CHANGED, UNCHANGED, OK, WRONG = "created", "changed", "unchanged", "ok", "wrong"


@dataclass(frozen=True)
class S3SetupOptions:
    bucket: str
    region: str = "us-east-1"
    cors_origins: tuple[str, ...] = ()
    preview_expire_days: int = 30
    versioning: bool = False


@dataclass(frozen=True)
class Step:
    name: str
    outcome: str
    detail: str = ""

    def line(self) -> str:
        return f"{self.name}: {self.outcome}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class S3SetupReport:
    steps: list[Step] = field(default_factory=list)

    @property
    def changed(self) -> list[Step]:
        return [step for step in self.steps if step.outcome in (CREATED, CHANGED)]

    @property
    def problems(self) -> list[Step]:
        return [step for step in self.steps if step.outcome == WRONG]


def s3_client(
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    addressing_style: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
) -> Any:
    """A boto3 S3 client from the storage settings; arguments override them."""
    import boto3
    from botocore.config import Config
    from django.conf import settings

    style = addressing_style or getattr(settings, "AWS_S3_ADDRESSING_STYLE", "auto")
    return boto3.client(
        "s3",
        region_name=region or settings.AWS_S3_REGION_NAME,
        endpoint_url=endpoint_url or settings.AWS_S3_ENDPOINT_URL,
        # No keys: boto3's default credential chain (environment, profile, IAM role).
        aws_access_key_id=access_key or settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=secret_key or settings.AWS_SECRET_ACCESS_KEY,
        config=Config(
            s3={"addressing_style": style},
            signature_version="s3v4",
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
        ),
    )


def _error_code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


# ------------------------------------------------------------------------------------------
# Desired configuration
# ------------------------------------------------------------------------------------------
def desired_encryption() -> dict:
    return {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                "BucketKeyEnabled": False,
            }
        ]
    }


def desired_cors(origins: tuple[str, ...] | list[str]) -> dict:
    return {
        "CORSRules": [
            {
                "ID": "dawg-audio-player",
                "AllowedOrigins": sorted({origin.rstrip("/") for origin in origins}),
                "AllowedMethods": ["GET", "HEAD"],
                "AllowedHeaders": sorted(CORS_ALLOWED_HEADERS),
                "ExposeHeaders": sorted(CORS_EXPOSE_HEADERS),
                "MaxAgeSeconds": CORS_MAX_AGE_S,
            }
        ]
    }


def desired_lifecycle_rules(*, preview_expire_days: int, versioning: bool) -> list[dict]:
    rules = [
        {
            "ID": RULE_ABORT_MULTIPART,
            "Status": "Enabled",
            "Filter": {"Prefix": ""},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": ABORT_MULTIPART_DAYS},
        },
        {
            # Objects are tagged kind=<asset kind> on upload (generation.assets.store).
            "ID": RULE_EXPIRE_PREVIEWS,
            "Status": "Enabled",
            "Filter": {"Tag": {"Key": "kind", "Value": "preview"}},
            "Expiration": {"Days": preview_expire_days},
        },
    ]
    if versioning:
        # Deleting a beat leaves delete markers under versioning; really remove it later.
        rules.append(
            {
                "ID": RULE_EXPIRE_NONCURRENT,
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_VERSION_DAYS},
                "Expiration": {"ExpiredObjectDeleteMarker": True},
            }
        )
    return rules


# ------------------------------------------------------------------------------------------
# Reading the live configuration (None where nothing is set)
# ------------------------------------------------------------------------------------------
def bucket_exists(client: Any, bucket: str) -> bool:
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as exc:
        if _status(exc) == 404 or _error_code(exc) in ("404", "NoSuchBucket", "NotFound"):
            return False
        raise
    return True


def live_public_access_block(client: Any, bucket: str) -> dict | None:
    try:
        response = client.get_public_access_block(Bucket=bucket)
    except ClientError as exc:
        if _error_code(exc) == "NoSuchPublicAccessBlockConfiguration" or _status(exc) == 404:
            return None
        raise
    return response["PublicAccessBlockConfiguration"]


def live_encryption_algorithm(client: Any, bucket: str) -> str | None:
    try:
        response = client.get_bucket_encryption(Bucket=bucket)
    except ClientError as exc:
        if _error_code(exc) == "ServerSideEncryptionConfigurationNotFoundError":
            return None
        raise
    rules = response.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    for rule in rules:
        algorithm = rule.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm")
        if algorithm:
            return algorithm
    return None


def live_cors(client: Any, bucket: str) -> list[dict]:
    try:
        return client.get_bucket_cors(Bucket=bucket).get("CORSRules", [])
    except ClientError as exc:
        if _error_code(exc) == "NoSuchCORSConfiguration" or _status(exc) == 404:
            return []
        raise


def live_lifecycle_rules(client: Any, bucket: str) -> list[dict]:
    try:
        return client.get_bucket_lifecycle_configuration(Bucket=bucket).get("Rules", [])
    except ClientError as exc:
        if _error_code(exc) == "NoSuchLifecycleConfiguration" or _status(exc) == 404:
            return []
        raise


def live_versioning(client: Any, bucket: str) -> str:
    return client.get_bucket_versioning(Bucket=bucket).get("Status", "Disabled")


def live_public_grants(client: Any, bucket: str) -> list[str]:
    """Grants on the bucket ACL to everyone or to every AWS account."""
    grants = client.get_bucket_acl(Bucket=bucket).get("Grants", [])
    return [
        f"{grant['Grantee'].get('URI')}:{grant.get('Permission')}"
        for grant in grants
        if grant.get("Grantee", {}).get("URI") in PUBLIC_GRANTEES
    ]


def live_policy_is_public(client: Any, bucket: str) -> bool:
    try:
        response = client.get_bucket_policy_status(Bucket=bucket)
    except ClientError as exc:
        if _error_code(exc) in ("NoSuchBucketPolicy", "NotImplemented") or _status(exc) == 404:
            return False
        raise
    return bool(response.get("PolicyStatus", {}).get("IsPublic"))


def _normalise(value: Any) -> str:
    """A canonical JSON form so equal configurations compare equal however S3 orders them."""

    def canon(item: Any) -> Any:
        if isinstance(item, dict):
            return {key: canon(val) for key, val in sorted(item.items())}
        if isinstance(item, list):
            return sorted((canon(val) for val in item), key=lambda val: json.dumps(val))
        return item

    return json.dumps(canon(value), sort_keys=True)


def _cors_rule_matches(live: dict, wanted: dict) -> bool:
    keys = ("AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposeHeaders", "MaxAgeSeconds")
    return all(_normalise(live.get(key)) == _normalise(wanted.get(key)) for key in keys)


def _lifecycle_rule_matches(live: dict, wanted: dict) -> bool:
    live_cmp = {key: val for key, val in live.items() if key in wanted}
    # S3 may hand back the legacy top-level Prefix instead of Filter for the empty filter.
    if "Filter" not in live and "Prefix" in live:
        live_cmp["Filter"] = {"Prefix": live["Prefix"]}
    return _normalise(live_cmp) == _normalise(wanted)


# ------------------------------------------------------------------------------------------
# setup (apply) and check (verify)
# ------------------------------------------------------------------------------------------
def s3_setup(
    client: Any, options: S3SetupOptions, *, on_step: Callable[[Step], None] | None = None
) -> S3SetupReport:
    """Bring the bucket to the desired configuration; a second run changes nothing."""
    report = S3SetupReport()

    def record(name: str, outcome: str, detail: str = "") -> None:
        step = Step(name, outcome, detail)
        report.steps.append(step)
        if on_step:
            on_step(step)

    bucket = options.bucket
    if bucket_exists(client, bucket):
        record("bucket", UNCHANGED, f"{bucket} exists")
    else:
        params: dict[str, Any] = {"Bucket": bucket}
        if options.region and options.region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": options.region}
        client.create_bucket(**params)
        record("bucket", CREATED, f"{bucket} in {options.region}")

    if live_public_access_block(client, bucket) == PUBLIC_ACCESS_BLOCK:
        record("public access block", UNCHANGED, "all four settings on")
    else:
        client.put_public_access_block(
            Bucket=bucket, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCK
        )
        record("public access block", CHANGED, "all four settings on")

    if live_encryption_algorithm(client, bucket) == "AES256":
        record("default encryption", UNCHANGED, "AES256")
    else:
        client.put_bucket_encryption(
            Bucket=bucket, ServerSideEncryptionConfiguration=desired_encryption()
        )
        record("default encryption", CHANGED, "AES256")

    if options.cors_origins:
        wanted = desired_cors(options.cors_origins)
        rules = live_cors(client, bucket)
        if len(rules) == 1 and _cors_rule_matches(rules[0], wanted["CORSRules"][0]):
            record("CORS", UNCHANGED, ", ".join(wanted["CORSRules"][0]["AllowedOrigins"]))
        else:
            client.put_bucket_cors(Bucket=bucket, CORSConfiguration=wanted)
            record("CORS", CHANGED, ", ".join(wanted["CORSRules"][0]["AllowedOrigins"]))
    else:
        record("CORS", UNCHANGED, "no origin given; left as it is")

    # A bucket versioned already (an earlier --versioning run, or by hand) keeps the rule that
    # really removes deleted beats; a plain run must not drop it. Versioning is never undone.
    versioned = options.versioning or live_versioning(client, bucket) == "Enabled"
    wanted_rules = desired_lifecycle_rules(
        preview_expire_days=options.preview_expire_days, versioning=versioned
    )
    live_rules = live_lifecycle_rules(client, bucket)
    live_by_id = {rule.get("ID"): rule for rule in live_rules}
    ours_match = all(
        rule["ID"] in live_by_id and _lifecycle_rule_matches(live_by_id[rule["ID"]], rule)
        for rule in wanted_rules
    )
    wanted_ids = {rule["ID"] for rule in wanted_rules}
    stale_ours = {rule.get("ID") for rule in live_rules} & (OWNED_RULE_IDS - wanted_ids)
    summary = (
        f"abort multipart after {ABORT_MULTIPART_DAYS} d, previews expire after "
        f"{options.preview_expire_days} d"
    )
    if ours_match and not stale_ours:
        record("lifecycle", UNCHANGED, summary)
    else:
        others = [rule for rule in live_rules if rule.get("ID") not in OWNED_RULE_IDS]
        client.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": others + wanted_rules}
        )
        record("lifecycle", CHANGED, summary)

    if options.versioning:
        if live_versioning(client, bucket) == "Enabled":
            record("versioning", UNCHANGED, "enabled")
        else:
            client.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
            )
            record("versioning", CHANGED, "enabled")
    return report


def s3_check(
    client: Any, options: S3SetupOptions, *, on_step: Callable[[Step], None] | None = None
) -> S3SetupReport:
    """Verify the live configuration without changing it; problems are WRONG steps."""
    report = S3SetupReport()

    def record(name: str, good: bool, detail: str) -> None:
        step = Step(name, OK if good else WRONG, detail)
        report.steps.append(step)
        if on_step:
            on_step(step)

    bucket = options.bucket
    if not bucket_exists(client, bucket):
        record("bucket", False, f"{bucket} does not exist (run setup_s3)")
        return report
    record("bucket", True, f"{bucket} exists")

    block = live_public_access_block(client, bucket)
    off = [key for key, value in PUBLIC_ACCESS_BLOCK.items() if not (block or {}).get(key)]
    record(
        "public access block",
        not off,
        "all four settings on" if not off else "public access allowed: off " + ", ".join(off),
    )
    public_grants = live_public_grants(client, bucket)
    record(
        "bucket ACL",
        not public_grants,
        "private" if not public_grants else "public grants: " + ", ".join(public_grants),
    )
    policy_public = live_policy_is_public(client, bucket)
    record(
        "bucket policy",
        not policy_public,
        "not public" if not policy_public else "the bucket policy makes it public",
    )

    algorithm = live_encryption_algorithm(client, bucket)
    record(
        "default encryption",
        algorithm == "AES256",
        f"{algorithm}" if algorithm else "no default encryption",
    )

    if options.cors_origins:
        wanted = desired_cors(options.cors_origins)["CORSRules"][0]
        rules = live_cors(client, bucket)
        good = any(
            set(wanted["AllowedOrigins"]) <= set(rule.get("AllowedOrigins", []))
            and {"GET", "HEAD"} <= set(rule.get("AllowedMethods", []))
            and "Range"
            in {h.title() for h in rule.get("AllowedHeaders", [])}
            | ({"Range"} if "*" in rule.get("AllowedHeaders", []) else set())
            for rule in rules
        )
        record(
            "CORS",
            good,
            "GET/HEAD with Range for " + ", ".join(wanted["AllowedOrigins"])
            if good
            else "no rule allows GET/HEAD with Range for " + ", ".join(wanted["AllowedOrigins"]),
        )

    live_ids = {rule.get("ID") for rule in live_lifecycle_rules(client, bucket)}
    missing = [
        rule["ID"]
        for rule in desired_lifecycle_rules(
            preview_expire_days=options.preview_expire_days,
            versioning=options.versioning or live_versioning(client, bucket) == "Enabled",
        )
        if rule["ID"] not in live_ids
    ]
    record(
        "lifecycle",
        not missing,
        "rules present" if not missing else "missing rules: " + ", ".join(missing),
    )

    if options.versioning:
        status = live_versioning(client, bucket)
        record("versioning", status == "Enabled", status.lower())
    return report


def s3_env_values(options: S3SetupOptions, *, endpoint_url: str | None = None) -> dict[str, str]:
    """The settings an env file needs to use this bucket."""
    values = {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": options.bucket,
        "AWS_S3_REGION_NAME": options.region,
        "S3_PREVIEW_EXPIRE_DAYS": str(options.preview_expire_days),
    }
    if options.cors_origins:
        values["S3_CORS_ORIGINS"] = ",".join(options.cors_origins)
    if endpoint_url:
        values["AWS_S3_ENDPOINT_URL"] = endpoint_url
    return values
