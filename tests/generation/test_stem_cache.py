"""The stem cache through the real job: shared stems, one-track edits, pruning, corrupt entries."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from generation.assets import stems as stem_store
from generation.engine.spec import default_spec
from generation.jobs import run
from generation.models import Asset, AssetKind, StoredStem
from generation.services import version_create
from tests import factories

pytestmark = pytest.mark.django_db

SPEC = default_spec("trap", bars=4, seed=11)


@pytest.fixture(autouse=True)
def fresh_worker_memory():
    """Each test starts like a worker that has decoded nothing yet."""
    stem_store.stem_memory_clear()
    yield
    stem_store.stem_memory_clear()


def rendered(beat, spec=SPEC):
    version, job = version_create(beat=beat, spec=spec, change_summary="test")
    assert run.run_job(str(job.id)).status == "succeeded"
    return version


def stems_of(version) -> dict[str, Asset]:
    return {
        a.name.removeprefix("stems-").removesuffix(".flac"): a
        for a in version.assets.filter(kind=AssetKind.STEM, stem__isnull=False)
    }


def written(version) -> int:
    """Bytes this version's render stored: its own files plus the stems it did not reuse."""
    return sum(
        a.bytes
        for a in version.assets.exclude(kind=AssetKind.PREVIEW)
        if not (a.stem_id and a.reused)
    )


def test_a_one_track_edit_renders_and_stores_only_that_track(user):
    beat = factories.beat_create(owner=user)
    first = rendered(beat)
    hats = {**SPEC.tracks["hats"].__dict__, "density": 0.9}
    second = rendered(beat, SPEC.with_changes(tracks={"hats": hats}))
    before, after = stems_of(first), stems_of(second)
    assert set(before) == set(after) == set(SPEC.enabled_tracks())
    assert not any(a.reused for a in before.values())
    for track, asset in after.items():
        if track == "hats":
            assert not asset.reused and asset.stem_id != before[track].stem_id
        else:
            assert asset.reused and asset.stem_id == before[track].stem_id
            assert asset.file.name == before[track].file.name  # one object, two versions
    assert StoredStem.objects.count() == len(SPEC.enabled_tracks()) + 1
    assert written(second) < written(first)


def test_identical_specs_of_two_users_share_every_stem(user, other_user):
    mine = rendered(factories.beat_create(owner=user))
    theirs = rendered(factories.beat_create(owner=other_user))
    assert all(a.reused for a in stems_of(theirs).values())
    assert {a.stem_id for a in stems_of(mine).values()} == {
        a.stem_id for a in stems_of(theirs).values()
    }


def test_deleting_a_beat_deletes_only_the_stems_nothing_else_uses(
    user, other_user, django_capture_on_commit_callbacks
):
    mine = rendered(factories.beat_create(owner=user))
    theirs = rendered(factories.beat_create(owner=other_user))
    hats = {**SPEC.tracks["hats"].__dict__, "density": 0.9}
    edited = rendered(theirs.beat, SPEC.with_changes(tracks={"hats": hats}))
    own_hats = stems_of(edited)["hats"].stem
    shared = {a.stem.file for a in stems_of(mine).values()}
    with django_capture_on_commit_callbacks(execute=True):
        mine.beat.delete()
    assert StoredStem.objects.count() == len(shared) + 1
    assert all(default_storage.exists(name) for name in shared)
    with django_capture_on_commit_callbacks(execute=True):
        theirs.beat.delete()
    assert not StoredStem.objects.exists()
    assert not any(default_storage.exists(name) for name in shared | {own_hats.file})


def test_a_cached_stem_failing_its_checksum_is_rendered_again_and_repaired(
    user, other_user, django_capture_on_commit_callbacks
):
    first = rendered(factories.beat_create(owner=user))
    bass = stems_of(first)["bass"]
    good = bass.stem.sha256
    with default_storage.open(bass.file.name, "wb") as handle:  # bit rot in the bucket
        handle.write(b"fLaC" + b"\x00" * 64)
    stem_store.stem_memory_clear()  # another worker, which must read the bucket
    with django_capture_on_commit_callbacks(execute=True):
        second = rendered(factories.beat_create(owner=other_user))
    again = stems_of(second)
    assert not again["bass"].reused
    assert all(a.reused for track, a in again.items() if track != "bass")
    entry = StoredStem.objects.get(key=bass.stem_id)
    assert entry.sha256 == good and entry.file != bass.file.name
    assert not default_storage.exists(bass.file.name)  # the corrupt object is gone
    bass.refresh_from_db()
    assert bass.file.name == entry.file  # the first version now points at the good copy
    assert second.assets.get(name="mix.mp3").sha256 == first.assets.get(name="mix.mp3").sha256


def test_an_uploaded_stem_without_its_row_is_never_used(user, monkeypatch):
    """A worker killed between upload and commit leaves an object no row names: ignored."""
    beat = factories.beat_create(owner=user)
    real = run.version_stems_attach

    def killed(**kwargs):
        raise SystemExit("worker killed before the commit")

    monkeypatch.setattr(run, "version_stems_attach", killed)
    monkeypatch.setattr(run, "stem_uploads_discard", lambda uploads: None)  # no cleanup: SIGKILL
    _, job = version_create(beat=beat, spec=SPEC, change_summary="test")
    with pytest.raises(SystemExit):
        run.run_job(str(job.id))
    assert not StoredStem.objects.exists()
    shards, _ = default_storage.listdir("stems")
    left = [f for shard in shards for f in default_storage.listdir(f"stems/{shard}")[1]]
    assert len(left) >= len(SPEC.enabled_tracks())  # uploaded, never committed
    monkeypatch.setattr(run, "version_stems_attach", real)
    second = rendered(factories.beat_create(owner=user))
    assert not any(a.reused for a in stems_of(second).values())


def test_an_edit_on_the_same_worker_takes_stems_from_memory_without_reading_storage(
    user, monkeypatch
):
    beat = factories.beat_create(owner=user)
    rendered(beat)

    def no_reads(name, **kwargs):
        raise AssertionError(f"read {name} from storage")

    monkeypatch.setattr(stem_store, "storage_read_bytes", no_reads)
    hats = {**SPEC.tracks["hats"].__dict__, "density": 0.9}
    edit = rendered(beat, SPEC.with_changes(tracks={"hats": hats}))
    assert sum(a.reused for a in stems_of(edit).values()) == len(SPEC.enabled_tracks()) - 1
