"""setup_s3 against moto's S3 server: creates, is idempotent, and --check finds what is wrong."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from infra.provision.s3 import (
    PUBLIC_ACCESS_BLOCK,
    RULE_ABORT_MULTIPART,
    RULE_EXPIRE_NONCURRENT,
    RULE_EXPIRE_PREVIEWS,
    S3SetupOptions,
    s3_check,
    s3_setup,
)

ORIGIN = "https://beats.example.com"


def run(*args: str) -> str:
    out = StringIO()
    call_command("setup_s3", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def new_bucket_name():
    return f"setup-{uuid.uuid4().hex[:12]}"


def test_setup_s3_creates_a_private_encrypted_bucket_then_reports_no_changes(
    s3_settings, s3, new_bucket_name
):
    first = run("--bucket", new_bucket_name, "--cors-origin", ORIGIN, "--lifecycle-days", "14")
    assert "bucket: created" in first
    assert "DONE:" in first.splitlines()[-1] and "no changes" not in first

    block = s3.get_public_access_block(Bucket=new_bucket_name)
    assert block["PublicAccessBlockConfiguration"] == PUBLIC_ACCESS_BLOCK
    encryption = s3.get_bucket_encryption(Bucket=new_bucket_name)
    rule = encryption["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    cors = s3.get_bucket_cors(Bucket=new_bucket_name)["CORSRules"][0]
    assert cors["AllowedOrigins"] == [ORIGIN]
    assert set(cors["AllowedMethods"]) == {"GET", "HEAD"}
    assert "Range" in cors["AllowedHeaders"]
    assert {"Content-Range", "Accept-Ranges", "Content-Length", "ETag"} <= set(
        cors["ExposeHeaders"]
    )
    rules = {
        r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=new_bucket_name)["Rules"]
    }
    assert rules[RULE_ABORT_MULTIPART]["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] >= 1
    assert rules[RULE_EXPIRE_PREVIEWS]["Expiration"]["Days"] == 14

    second = run("--bucket", new_bucket_name, "--cors-origin", ORIGIN, "--lifecycle-days", "14")
    assert "created" not in second and ": changed" not in second
    assert second.splitlines()[-1] == "DONE: no changes, already configured"

    checked = run("--bucket", new_bucket_name, "--cors-origin", ORIGIN, "--check")
    assert checked.splitlines()[-1].startswith("OK:")


def test_setup_s3_versioning_is_enabled_on_request_and_kept(s3_settings, s3, new_bucket_name):
    run("--bucket", new_bucket_name, "--versioning", "--cors-origin", ORIGIN)
    assert s3.get_bucket_versioning(Bucket=new_bucket_name)["Status"] == "Enabled"
    again = run("--bucket", new_bucket_name, "--versioning", "--cors-origin", ORIGIN)
    assert "versioning: unchanged" in again
    assert again.splitlines()[-1] == "DONE: no changes, already configured"


def test_a_plain_run_on_a_versioned_bucket_keeps_the_noncurrent_expiry_rule(
    s3_settings, s3, new_bucket_name
):
    run("--bucket", new_bucket_name, "--versioning", "--cors-origin", ORIGIN)
    plain = run("--bucket", new_bucket_name, "--cors-origin", ORIGIN)
    ids = {r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket=new_bucket_name)["Rules"]}
    assert RULE_EXPIRE_NONCURRENT in ids
    assert s3.get_bucket_versioning(Bucket=new_bucket_name)["Status"] == "Enabled"
    assert plain.splitlines()[-1] == "DONE: no changes, already configured"
    # --check without --versioning still wants the rule on a versioned bucket.
    s3.put_bucket_lifecycle_configuration(
        Bucket=new_bucket_name,
        LifecycleConfiguration={
            "Rules": [
                r
                for r in s3.get_bucket_lifecycle_configuration(Bucket=new_bucket_name)["Rules"]
                if r["ID"] != RULE_EXPIRE_NONCURRENT
            ]
        },
    )
    with pytest.raises(CommandError):
        run("--bucket", new_bucket_name, "--cors-origin", ORIGIN, "--check")


def test_setup_s3_keeps_lifecycle_rules_it_does_not_own(s3_settings, s3, new_bucket_name):
    s3.create_bucket(Bucket=new_bucket_name)
    operator_rule = {
        "ID": "operator-logs",
        "Status": "Enabled",
        "Filter": {"Prefix": "logs/"},
        "Expiration": {"Days": 90},
    }
    s3.put_bucket_lifecycle_configuration(
        Bucket=new_bucket_name, LifecycleConfiguration={"Rules": [operator_rule]}
    )
    run("--bucket", new_bucket_name, "--cors-origin", ORIGIN)
    ids = {r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket=new_bucket_name)["Rules"]}
    assert {"operator-logs", RULE_ABORT_MULTIPART, RULE_EXPIRE_PREVIEWS} <= ids


def test_check_catches_a_bucket_without_encryption(s3_settings, s3, new_bucket_name):
    run("--bucket", new_bucket_name, "--cors-origin", ORIGIN)
    s3.delete_bucket_encryption(Bucket=new_bucket_name)
    with pytest.raises(CommandError, match="default encryption"):
        run("--bucket", new_bucket_name, "--cors-origin", ORIGIN, "--check")


def test_check_catches_public_access_allowed(s3_settings, s3, new_bucket_name):
    run("--bucket", new_bucket_name, "--cors-origin", ORIGIN)
    s3.delete_public_access_block(Bucket=new_bucket_name)
    with pytest.raises(CommandError, match="public access allowed"):
        run("--bucket", new_bucket_name, "--cors-origin", ORIGIN, "--check")


def test_check_catches_a_public_acl_grant(s3_settings, s3, new_bucket_name):
    run("--bucket", new_bucket_name, "--cors-origin", ORIGIN)
    s3.delete_public_access_block(Bucket=new_bucket_name)
    s3.put_bucket_acl(Bucket=new_bucket_name, ACL="public-read")
    report = s3_check(s3, S3SetupOptions(bucket=new_bucket_name, cors_origins=(ORIGIN,)))
    assert {step.name for step in report.problems} >= {"public access block", "bucket ACL"}


def test_check_of_a_missing_bucket_fails_and_says_so(s3_settings, new_bucket_name):
    with pytest.raises(CommandError, match="does not exist"):
        run("--bucket", new_bucket_name, "--check")


def test_setup_then_check_in_functions_agree(s3, new_bucket_name):
    options = S3SetupOptions(bucket=new_bucket_name, cors_origins=(ORIGIN,), versioning=True)
    assert s3_setup(s3, options).changed
    assert not s3_setup(s3, options).changed
    assert not s3_check(s3, options).problems


def test_write_env_updates_only_the_storage_lines(s3_settings, new_bucket_name, tmp_path):
    env_path = tmp_path / ".env"
    env_path.write_text(
        "# my settings\nDJANGO_DEBUG=true\nAWS_STORAGE_BUCKET_NAME=old-bucket\n\nLOG_LEVEL=INFO\n"
    )
    run("--bucket", new_bucket_name, "--cors-origin", ORIGIN, "--write-env", str(env_path))
    lines = env_path.read_text().splitlines()
    assert lines[:5] == [
        "# my settings",
        "DJANGO_DEBUG=true",
        f"AWS_STORAGE_BUCKET_NAME={new_bucket_name}",
        "",
        "LOG_LEVEL=INFO",
    ]
    assert "STORAGE_BACKEND=s3" in lines
    assert f"S3_CORS_ORIGINS={ORIGIN}" in lines


def test_check_lists_every_problem_at_once(s3_settings, s3, new_bucket_name):
    s3.create_bucket(Bucket=new_bucket_name)
    s3.delete_bucket_encryption(Bucket=new_bucket_name)
    report = s3_check(s3, S3SetupOptions(bucket=new_bucket_name, cors_origins=(ORIGIN,)))
    wrong = {step.name for step in report.problems}
    assert {"public access block", "default encryption", "CORS", "lifecycle"} <= wrong
    with pytest.raises(CommandError) as raised:
        run("--bucket", new_bucket_name, "--cors-origin", ORIGIN, "--check")
    assert "problem(s)" in str(raised.value) and "CORS" in str(raised.value)


def test_check_catches_cors_for_another_origin(s3_settings, new_bucket_name):
    run("--bucket", new_bucket_name, "--cors-origin", "https://old.example.com")
    with pytest.raises(CommandError, match="no rule allows GET/HEAD with Range"):
        run("--bucket", new_bucket_name, "--cors-origin", ORIGIN, "--check")
