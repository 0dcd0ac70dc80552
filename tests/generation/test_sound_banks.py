"""Sound banks in the app: new beats choose them, versions record them, downloads credit them."""

from __future__ import annotations

import io
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command

from generation import services
from generation.assets.bundle import samples_txt_or_none, stems_bundle_for, stems_zip_stream
from generation.assets.store import AssetFile, version_assets_store
from generation.engine.banks import BankRegistry
from generation.engine.spec import default_spec
from generation.jobs import run
from generation.models import AssetKind, GenerationJob, JobStatus
from generation.sound_banks import banks_missing_hint, banks_report, sound_banks
from infra.provision.check_infra import infra_checks
from tests import factories

pytestmark = pytest.mark.django_db
needs_banks = pytest.mark.skipif(
    not {"sonic-pi-samples", "fluidr3-gm"} <= set(BankRegistry().installed),
    reason="sonic-pi-samples and fluid-soundfont-gm are not both installed here "
    "(make banks; CI installs them)",
)


def stems_zip_build(version) -> bytes:
    """The stems ZIP as the download streams it."""
    bundle = stems_bundle_for(version)
    return b"".join(stems_zip_stream(bundle, samples_txt=samples_txt_or_none(version)))


def _create(genre: str = "boom-bap"):
    user = factories.user_create()
    conversation = factories.conversation_create(owner=user)
    return services.beat_apply(
        kind="create",
        conversation=conversation,
        owner=user,
        beat=None,
        spec=default_spec(genre, bars=4),
        variations=(default_spec(genre, bars=4, seed=9),),
    )


def test_settings_none_means_no_banks_and_new_beats_stay_synth(settings):
    settings.SOUND_BANK_PATHS = []
    assert sound_banks().installed == {}
    change = _create()
    for version in (change.version, change.variations[0][0]):
        assert "banks" not in version.spec
        assert version.beat_spec().sampled_tracks() == {}
    assert "sonic-pi-samples not installed" in banks_report()
    hint = banks_missing_hint()
    assert hint is not None and "make banks" in hint and hint.count("\n") == 0
    out = StringIO()
    call_command("sound_banks", "--hint", stdout=out)
    assert out.getvalue().strip() == hint


@needs_banks
def test_a_new_beat_takes_its_genres_sampled_voices_and_records_the_banks(settings):
    settings.SOUND_BANK_PATHS = None
    change = _create()
    for version in (change.version, change.variations[0][0]):
        spec = version.beat_spec()
        assert spec.sampled_tracks()["chords"] == "grand-piano"
        assert version.spec["banks"] == {
            name: sound_banks().bank(name).version for name in ("fluidr3-gm", "sonic-pi-samples")
        }
    # An edit keeps what the beat is made of: a synth beat modified stays synth.
    synth = default_spec("boom-bap", bars=4)
    edit = services.beat_apply(
        kind="modify",
        conversation=change.beat.conversation,
        owner=change.beat.owner,
        beat=change.beat,
        spec=synth.with_changes(bpm=92),
    )
    assert edit.version.beat_spec().sampled_tracks() == {} and "banks" not in edit.version.spec
    assert banks_missing_hint() is None
    assert "fluidr3-gm deb:" in banks_report()


@needs_banks
def test_stems_zip_carries_samples_txt_only_when_the_beat_uses_a_bank(settings):
    settings.SOUND_BANK_PATHS = None
    banked = _create().version
    synth = factories.version_create(beat=factories.beat_create(owner=factories.user_create()))
    for version in (banked, synth):
        version_assets_store(
            version=version,
            files=[AssetFile(kind=AssetKind.STEM, name="stems-kick.wav", data=b"RIFF-kick")],
        )
    names = zipfile.ZipFile(io.BytesIO(stems_zip_build(banked))).namelist()
    text = zipfile.ZipFile(io.BytesIO(stems_zip_build(banked))).read(
        next(n for n in names if n.endswith("/SAMPLES.txt"))
    )
    assert b"Licence: CC0-1.0" in text and b"Licence: MIT" in text
    assert b"chords (grand-piano): General MIDI program 1" in text
    assert not [
        n
        for n in zipfile.ZipFile(io.BytesIO(stems_zip_build(synth))).namelist()
        if n.endswith("SAMPLES.txt")
    ]


@needs_banks
def test_a_render_whose_bank_went_missing_fails_naming_it(
    settings, django_capture_on_commit_callbacks
):
    settings.SOUND_BANK_PATHS = None
    settings.GENERATION_MAX_ATTEMPTS = 1
    job = _create().job
    settings.SOUND_BANK_PATHS = ["/nonexistent-bank-folder"]
    with django_capture_on_commit_callbacks(execute=True):
        outcome = run.run_job(str(job.id))
    job = GenerationJob.objects.get(id=job.id)
    assert outcome.status == "failed" and job.status == JobStatus.FAILED
    assert job.error_code == "bank_missing"
    assert "is not installed" in job.error_message and "make banks" in job.error_message


def test_check_infra_reports_the_banks(settings):
    settings.SOUND_BANK_PATHS = []
    assert "sound_banks" in infra_checks()
    assert infra_checks()["sound_banks"]().startswith("sonic-pi-samples not installed")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "None"), ("none", "[]"), ("/a/banks:/b", "['/a/banks', '/b']")],
)
def test_sound_bank_paths_setting_reads_the_environment(value, expected):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "SOUND_BANK_PATHS"}
    env["DJANGO_SETTINGS_MODULE"] = "dawg.settings.test"
    if value is not None:
        env["SOUND_BANK_PATHS"] = value
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.SOUND_BANK_PATHS)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == expected
