"""The job stores no WAV or reverb return: their first download mixes and masters them from the stems."""

from __future__ import annotations

import io
import zipfile

import pytest
import soundfile
from django.core.cache import cache
from django.urls import reverse

from generation import presenters, services
from generation.assets import stems as stem_store
from generation.assets.store import asset_read
from generation.engine.jobfiles import render_job_files
from generation.engine.spec import default_spec
from generation.jobs import run
from generation.models import AssetKind
from generation.tasks import build_lossless
from tests import factories

pytestmark = pytest.mark.django_db

SPEC = default_spec("trap", bars=4, seed=21)


@pytest.fixture
def worker_inline(monkeypatch):
    """The build task runs where it is sent, as a worker runs it (the real task function;
    no broker in these tests). Counts the sends."""
    sent: list[str] = []

    def send(version_id: str) -> None:
        sent.append(version_id)
        build_lossless(version_id)

    monkeypatch.setattr(services, "lossless_build_send", send)
    stem_store.stem_memory_clear()  # a worker that has decoded nothing: stems come from storage
    yield sent
    stem_store.stem_memory_clear()


def rendered(user, spec=SPEC):
    conversation = factories.conversation_create(owner=user)
    beat = factories.beat_create(owner=user, conversation=conversation)
    version, job = services.version_create(beat=beat, spec=spec, change_summary="test")
    assert run.run_job(str(job.id)).status == "succeeded"
    return version


def wav_url(version) -> str:
    return reverse("generation:version-media", args=[version.id, "wav"])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_job_stores_no_wav_and_the_first_download_makes_the_same_bytes(
    user, user_client, worker_inline
):
    version = rendered(user)
    assert not version.assets.filter(kind=AssetKind.MIX_WAV).exists()
    response = user_client.get(wav_url(version))
    assert response.status_code == 200
    data = body(response)
    # What a job that still wrote the WAV writes, byte for byte (same master as the MP3's).
    job = render_job_files(SPEC, mix_wav=True, reverb=True)
    assert data == job.files["mix.wav"]
    reverb = version.assets.get(name="stems-reverb.flac")  # made with it, in one go
    assert asset_read(reverb) == job.files["stems/reverb.flac"]
    info = soundfile.info(io.BytesIO(data))
    assert (info.samplerate, info.channels, info.subtype) == (44100, 2, "PCM_16")
    stored = version.assets.get(kind=AssetKind.MIX_WAV)
    assert stored.bytes == len(data) and response["Content-Length"] == str(len(data))
    again = user_client.get(wav_url(version), HTTP_RANGE="bytes=100-199")
    assert again.status_code == 206
    assert again["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert body(again) == data[100:200]
    assert version.assets.filter(kind=AssetKind.MIX_WAV).count() == 1
    assert worker_inline == [str(version.id)]  # made once, served from storage after


def test_a_shared_wav_download_is_made_the_same_way(user, client, worker_inline):
    version = rendered(user)
    share = services.share_create(version=version, hours=1, allow_download=True)
    response = client.get(reverse("generation:share-media", args=[share.token, "wav"]))
    assert response.status_code == 200
    assert body(response)[:4] == b"RIFF"


def test_a_wav_still_being_made_answers_503_with_retry_after_not_404(
    user, user_client, monkeypatch
):
    version = rendered(user)
    monkeypatch.setattr(services, "LOSSLESS_WAIT_S", 0.3)
    cache.set(f"generation:lossless-build:{version.id}", 1, 60)  # a build in flight elsewhere
    response = user_client.get(wav_url(version))
    assert response.status_code == 503
    assert response["Retry-After"] == str(services.LosslessPending.retry_after)
    assert not version.assets.filter(kind=AssetKind.MIX_WAV).exists()


def test_an_unrendered_version_has_no_wav_to_make(user, user_client):
    beat = factories.beat_create(owner=user, conversation=factories.conversation_create(owner=user))
    version, _job = services.version_create(beat=beat, spec=SPEC, change_summary="queued")
    assert user_client.get(wav_url(version)).status_code == 404


def test_links_of_a_rendered_version_point_at_the_wav_download(user):
    version = rendered(user)
    links = presenters.asset_links(list(version.assets.all()))
    assert links[AssetKind.MIX_WAV] == wav_url(version)
    assert AssetKind.MIX_MP3 in links


def test_the_stems_zip_and_the_mixer_get_the_reverb_return_made_on_request(
    user, user_client, worker_inline
):
    version = rendered(user)
    assert not version.assets.filter(name="stems-reverb.flac").exists()
    listing = user_client.get(reverse("generation:version-stems", args=[version.id])).json()
    reverb = next(s for s in listing["stems"] if s["track"] == "reverb")
    assert worker_inline == []  # listing makes nothing
    streamed = user_client.get(reverb["url"])
    assert streamed.status_code == 200 and body(streamed)[:4] == b"fLaC"
    assert worker_inline == [str(version.id)]
    response = user_client.get(reverse("generation:version-stems-zip", args=[version.id]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = [n.rsplit("/", 1)[-1] for n in archive.namelist()]
    assert any(n.endswith("reverb.wav") for n in names), names
    assert len([n for n in names if n.endswith(".wav")]) == len(SPEC.enabled_tracks()) + 1
    assert worker_inline == [str(version.id)]  # made once for the mixer, the ZIP and the WAV
