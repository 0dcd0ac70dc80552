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
