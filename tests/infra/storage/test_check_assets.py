"""check_assets against moto's S3 server: a deleted object and a stray one are both reported."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests import factories

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("check_assets", stdout=out)
    return out.getvalue()


def test_check_assets_reports_a_deleted_object_and_an_unreferenced_one(s3_storage, s3, user):
    version = factories.version_create(beat=factories.beat_create(owner=user))
    kept = factories.asset_create(version=version, name="kept.mid")
    gone = factories.asset_create(version=version, name="gone.mid")
    assert run().splitlines()[-1] == "OK: 2 asset rows, 2 objects: 0 missing, 0 unreferenced"

    s3.delete_object(Bucket=s3_storage, Key=gone.file.name)
    stray = f"beats/{version.beat_id}/{version.id}/left-behind.wav"
    s3.put_object(Bucket=s3_storage, Key=stray, Body=b"RIFF")
    out = StringIO()
    with pytest.raises(CommandError, match="1 missing, 1 unreferenced"):
        call_command("check_assets", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"missing object: {gone.file.name} (asset {gone.id})" in lines
    assert f"unreferenced object: {stray}" in lines
    assert not any(kept.file.name in line for line in lines)


def test_check_assets_reports_a_stem_upload_no_row_committed(s3_storage, s3, user):
    from generation.jobs import run as job_run
    from generation.services import version_create

    _, job = version_create(
        beat=factories.beat_create(owner=user),
        spec=factories.default_spec("trap", bars=2),
        change_summary="t",
    )
    assert job_run.run_job(str(job.id)).status == "succeeded"
    assert run().splitlines()[-1].startswith("OK: ")  # shared stems count as referenced
    orphan = "stems/ab/ab" + "0" * 62 + "-deadbeef0000.flac"  # a killed worker's upload
    s3.put_object(Bucket=s3_storage, Key=orphan, Body=b"fLaC")
    out = StringIO()
    with pytest.raises(CommandError, match="0 missing, 1 unreferenced"):
        call_command("check_assets", stdout=out)
    assert f"unreferenced object: {orphan}" in out.getvalue().splitlines()
