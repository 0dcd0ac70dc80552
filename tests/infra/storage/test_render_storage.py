"""A worker render on S3 (moto over HTTP): every asset encrypted; storage down fails cleanly."""

from __future__ import annotations

import pytest

from generation.assets import stems as stem_store
from generation.assets.store import asset_read
from generation.engine.jobfiles import render_job_files
from generation.engine.spec import default_spec
from generation.jobs import lossless, outcomes, run
from generation.models import Asset, AssetKind, GenerationJob, JobStatus
from generation.services import version_create
from infra.redis.embedded import free_port
from tests import factories
from tests.infra.storage.conftest import s3_storages, use_storages

pytestmark = pytest.mark.django_db


@pytest.fixture
def requeued(monkeypatch):
    calls: list[tuple[str, float]] = []
    monkeypatch.setattr(
        outcomes, "render_enqueue", lambda job_id, delay: calls.append((job_id, delay))
    )
    return calls


def render(beat, *, bars: int = 4):
    spec = default_spec("trap", bars=bars)
    _, job = version_create(beat=beat, spec=spec, change_summary="test")
    return job, run.run_job(str(job.id))


def test_a_worker_render_stores_every_asset_encrypted_in_the_bucket(s3_storage, s3, user):
    beat = factories.beat_create(owner=user)
    job, outcome = render(beat)
    assert outcome.status == "succeeded", outcome
    assets = list(Asset.objects.filter(version=job.version))
    kinds = {asset.kind for asset in assets}
    assert {AssetKind.MIX_MP3, AssetKind.MIDI, AssetKind.STEM} <= kinds
    assert AssetKind.MIX_WAV not in kinds  # made on its first download
    for asset in assets:
        head = s3.head_object(Bucket=s3_storage, Key=asset.file.name)
        assert head["ServerSideEncryption"] == "AES256", asset.name
        assert head["ContentLength"] == asset.bytes
        assert head["ContentType"] == asset.content_type
        if asset.stem_id:  # a track's stem: shared by content key, outside the beat's folder
            assert asset.file.name == asset.stem.file and asset.file.name.startswith("stems/")
        else:
            assert asset.file.name.startswith(f"beats/{beat.id}/{job.version_id}/")
    listed = s3.list_objects_v2(Bucket=s3_storage, Prefix=f"beats/{beat.id}/")["KeyCount"]
    assert listed == sum(1 for a in assets if not a.stem_id)
    assert sum(1 for a in assets if a.stem_id) == len(job.version.beat_spec().enabled_tracks())
    # The WAV made on request reads its stems back from the bucket and lands beside the rest.
    stem_store.stem_memory_clear()
    wav = lossless.version_lossless_build(str(job.version_id))
    assert wav is not None and wav.file.name.startswith(f"beats/{beat.id}/{job.version_id}/")
    head = s3.head_object(Bucket=s3_storage, Key=wav.file.name)
    assert head["ServerSideEncryption"] == "AES256" and head["ContentLength"] == wav.bytes
    full = render_job_files(job.version.beat_spec(), mix_wav=True)
    assert asset_read(wav) == full.files["mix.wav"]
    assert job.version.assets.filter(name="stems-reverb.flac").exists()


def test_storage_down_retries_then_fails_cleanly_leaving_earlier_versions(
    settings, moto_endpoint, bucket, user, requeued
):
    settings.STORAGE_WRITE_ATTEMPTS = 2
    settings.STORAGE_RETRY_BASE_DELAY_S = 0.01
    settings.GENERATION_MAX_ATTEMPTS = 2
    use_storages(settings, s3_storages(endpoint=moto_endpoint, bucket=bucket))
    beat = factories.beat_create(owner=user)
    first_job, outcome = render(beat)
    assert outcome.status == "succeeded"
    earlier = {a.id: asset_read(a) for a in Asset.objects.filter(version=first_job.version)}

    use_storages(settings, s3_storages(endpoint=f"http://127.0.0.1:{free_port()}", bucket=bucket))
    # Another spec: the same one would reuse the first version's files without storing.
    job, outcome = render(beat, bars=8)
    assert outcome.status == "retrying" and outcome.detail == "storage_unavailable"
    assert requeued == [(job.id, outcomes.RETRY_BASE_DELAY_S)]
    assert run.run_job(str(job.id)).status == "failed"  # the second and last attempt

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error_code == "storage_unavailable"
    assert not Asset.objects.filter(version=job.version).exists()

    use_storages(settings, s3_storages(endpoint=moto_endpoint, bucket=bucket))
    for asset in Asset.objects.filter(version=first_job.version):
        assert asset_read(asset) == earlier[asset.id]
    assert GenerationJob.objects.get(id=first_job.id).status == JobStatus.SUCCEEDED


def test_the_stems_zip_of_a_render_on_s3_streams_wavs_decoded_by_ranged_reads(
    s3_storage, user, monkeypatch
):
    import io
    import zipfile

    import soundfile

    from generation.assets import bundle

    monkeypatch.setattr(bundle, "RANGE_BYTES", 64 * 1024)  # many ranged GETs per stem
    beat = factories.beat_create(owner=user)
    job, outcome = render(beat, bars=8)
    assert outcome.status == "succeeded"
    lossless.version_lossless_build(str(job.version_id))  # the reverb return, made on request
    data = b"".join(bundle.stems_zip_stream(bundle.stems_bundle_for(job.version)))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    wavs = [n for n in archive.namelist() if n.endswith(".wav")]
    assert len(wavs) == len(job.version.beat_spec().enabled_tracks()) + 1
    frames = {soundfile.info(io.BytesIO(archive.read(n))).frames for n in wavs}
    assert frames == {Asset.objects.filter(version=job.version, stem__isnull=False)[0].stem.samples}
