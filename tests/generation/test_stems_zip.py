"""The streamed stems ZIP of a real render: WAVs decoded from the FLAC stems, as the mix has them."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import soundfile
from django.urls import reverse

from generation import presenters
from generation.assets.bundle import samples_txt_or_none, stems_bundle_for, stems_zip_stream
from generation.engine import render_master
from generation.engine.spec import default_spec
from generation.jobs import lossless, run
from generation.models import StoredStem
from generation.services import version_create
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("genre", "loop"), [("trap", False), ("lo-fi", True)])
def test_every_stem_in_the_zip_is_the_engines_stereo_stem(user, genre, loop):
    # Faders off 0 dB: the stored stems are pre-fader, the ZIP's WAVs are as mixed.
    tracks = {"bass": {"gain_db": -6.0}, "kick": {"gain_db": 3.0}}
    spec = default_spec(genre, bars=8, seed=4).with_changes(loop=loop, tracks=tracks)
    version, job = version_create(
        beat=factories.beat_create(owner=user), spec=spec, change_summary="t"
    )
    assert run.run_job(str(job.id)).status == "succeeded"
    lossless.version_lossless_build(str(version.id))  # the reverb return, as a download makes it
    archive = zipfile.ZipFile(io.BytesIO(b"".join(stems_zip_stream(stems_bundle_for(version)))))
    assert archive.testzip() is None
    names = {n.rsplit("-", 1)[-1]: n for n in archive.namelist()}
    expected = render_master(spec)
    assert {k for k in names if k.endswith(".wav")} == {f"{s}.wav" for s in expected.stem_names()}
    assert sum(k.endswith(".mid") for k in names) == 1
    for stem in expected.stem_names():
        audio, rate = soundfile.read(
            io.BytesIO(archive.read(names[f"{stem}.wav"])), dtype="float32"
        )
        reference, _ = soundfile.read(io.BytesIO(expected.stem_wav(stem)), dtype="float32")
        assert rate == 44100 and audio.shape == reference.shape == (expected.samples, 2)
        # 16-bit WAVs of the same stem: equal within one LSB (the reverb is stored at 24 bit).
        assert np.max(np.abs(audio - reference)) <= 1.01 / 32768, stem


def test_the_stems_zip_view_streams_a_rendered_version(user, user_client):
    spec = default_spec("house", bars=4, seed=2)
    version, job = version_create(
        beat=factories.beat_create(owner=user), spec=spec, change_summary="t"
    )
    assert run.run_job(str(job.id)).status == "succeeded"
    lossless.version_lossless_build(str(version.id))  # what the view's first request asks for
    response = user_client.get(reverse("generation:version-stems-zip", args=[version.id]))
    assert response.status_code == 200 and response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    wavs = [n for n in archive.namelist() if n.endswith(".wav")]
    assert len(wavs) == len(spec.enabled_tracks()) + 1  # every track and the reverb return


def test_samples_txt_goes_into_the_zip_only_when_the_hook_gives_one(user):
    spec = default_spec("trap", bars=2, seed=2).with_changes(
        tracks={"pad": {"enabled": True, "instrument": "choir"}}  # a synthesised choir
    )
    version, job = version_create(
        beat=factories.beat_create(owner=user), spec=spec, change_summary="t"
    )
    assert run.run_job(str(job.id)).status == "succeeded"
    assert samples_txt_or_none(version) is None  # nothing sampled: nothing credited
    bundle = stems_bundle_for(version)
    plain = zipfile.ZipFile(io.BytesIO(b"".join(stems_zip_stream(bundle))))
    assert not any(n.endswith("SAMPLES.txt") for n in plain.namelist())
    credited = zipfile.ZipFile(
        io.BytesIO(b"".join(stems_zip_stream(bundle, samples_txt="CC0 kick\n")))
    )
    (name,) = [n for n in credited.namelist() if n.endswith("SAMPLES.txt")]
    assert name == f"{bundle.folder}/SAMPLES.txt" and credited.read(name) == b"CC0 kick\n"


def test_pre_fader_stems_get_their_fader_and_older_stems_play_as_stored(user):
    spec = default_spec("trap", bars=4, seed=4).with_changes(tracks={"bass": {"gain_db": -6.0}})
    version, job = version_create(
        beat=factories.beat_create(owner=user), spec=spec, change_summary="t"
    )
    assert run.run_job(str(job.id)).status == "succeeded"
    listed = {s["track"]: s["fader_db"] for s in presenters.stem_list(version)}
    assert listed["bass"] == -6.0 and listed["kick"] == 0.0

    def bass_wav() -> np.ndarray:
        archive = zipfile.ZipFile(io.BytesIO(b"".join(stems_zip_stream(stems_bundle_for(version)))))
        name = next(n for n in archive.namelist() if n.endswith("-bass.wav"))
        return soundfile.read(io.BytesIO(archive.read(name)), dtype="float64")[0]

    faded = bass_wav()
    # A stem stored before stems were pre-fader has its fader in it: played as stored.
    StoredStem.objects.filter(assets__version=version).update(prefader=False)
    as_stored = bass_wav()
    assert np.max(np.abs(faded - as_stored * 10 ** (-6 / 20))) <= 1.01 / 32768
    assert np.max(np.abs(as_stored)) > 1.8 * np.max(np.abs(faded))
    assert {s["track"]: s["fader_db"] for s in presenters.stem_list(version)}["bass"] == 0.0
