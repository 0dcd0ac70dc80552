"""Stored specs: inputs only from now on, and rows written with ``duration_s`` still load."""

from __future__ import annotations

import pytest

from generation import presenters
from generation.engine.spec import BeatSpec, default_spec
from generation.models import BeatVersion
from tests import factories

pytestmark = pytest.mark.django_db


def test_to_dict_is_inputs_only_and_round_trips() -> None:
    spec = default_spec("trap", bars=8).with_changes(bpm=140)
    data = spec.to_dict()
    assert "duration_s" not in data
    assert BeatSpec.from_dict(data) == spec
    assert spec.summary() == {"duration_s": round(8 * 4 * 60 / 140, 3)}


def test_new_versions_store_inputs_and_present_the_length() -> None:
    beat = factories.beat_create(owner=factories.user_create())
    version = factories.version_create(beat=beat, bars=8)
    assert "duration_s" not in version.spec
    shown = presenters.version_to_dict(version)
    assert shown["spec"]["duration_s"] == version.duration_s == round(8 * 4 * 60 / 140, 3)
    assert shown["summary"] == "F minor trap at 140 bpm, 0:14, 8 bars"


def test_a_row_stored_with_duration_s_reads_the_same_spec() -> None:
    beat = factories.beat_create(owner=factories.user_create())
    version = factories.version_create(beat=beat, bars=8)
    spec = version.beat_spec()
    # What versions stored before: the inputs plus the derived length (a stale one wins
    # nothing: bars decide).
    BeatVersion.objects.filter(pk=version.pk).update(spec={**spec.to_dict(), "duration_s": 999.0})
    version.refresh_from_db()
    assert version.beat_spec() == spec
    assert presenters.version_to_dict(version)["spec"]["duration_s"] == version.duration_s


def test_spec_hash_matches_the_stored_form() -> None:
    """Hashes already stored were taken over inputs + duration_s: an identical spec matches."""
    import hashlib
    import json

    spec = default_spec("house", bars=16)
    legacy = {**spec.to_dict(), "duration_s": round(spec.duration_s, 3)}
    digest = hashlib.sha256(json.dumps(legacy, sort_keys=True, separators=(",", ":")).encode())
    assert spec.spec_hash() == digest.hexdigest()
    assert spec.spec_hash() != spec.with_changes(bars=17).spec_hash()
