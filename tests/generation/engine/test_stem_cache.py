"""The stem cache's engine side: keys follow what shapes a stem; cached renders are byte-identical."""

from __future__ import annotations

import numpy as np
import pytest

from generation.engine import default_spec, render_master
from generation.engine.jobfiles import render_job_files, render_lossless
from generation.engine.stemcache import stem_flac, stem_from_flac


class DictCache:
    """A StemCache over a dict of FLAC bytes, counting what it served."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.served: list[str] = []

    def load(self, key: str, samples: int) -> np.ndarray | None:
        if key not in self.data:
            return None
        self.served.append(key)
        return stem_from_flac(self.data[key], samples)

    def keep(self, name: str, data: bytes, key: str) -> bytes:
        if key:
            self.data[key] = data
        return data


@pytest.mark.parametrize("genre", ["trap", "house"])
@pytest.mark.parametrize("loop", [False, True])
def test_a_render_from_cached_stems_is_byte_identical_to_a_fresh_one(genre, loop):
    spec = default_spec(genre, bars=4, seed=3).with_changes(loop=loop)
    cache = DictCache()
    fresh = render_job_files(spec, stems=cache, sink=cache.keep)
    assert fresh.reused == {} and set(fresh.stems) == set(spec.enabled_tracks())
    again = render_job_files(spec, stems=cache, sink=cache.keep)
    assert set(again.reused) == set(spec.enabled_tracks()) and again.stems == {}
    assert again.result.master.tobytes() == fresh.result.master.tobytes()
    assert again.files["mix.mp3"] == fresh.files["mix.mp3"]
    assert "mix.wav" not in fresh.files  # made on request, from the stems
    assert "stems/reverb.flac" not in fresh.files
    lossless = render_lossless(spec, stems=cache)
    full = render_job_files(spec, mix_wav=True, reverb=True)  # what a job used to store
    assert lossless == {name: full.files[name] for name in ("mix.wav", "stems/reverb.flac")}
    reference = render_master(spec)  # no cache, stems kept
    assert reference.master.tobytes() == fresh.result.master.tobytes()
    for name in spec.enabled_tracks():
        stored = stem_from_flac(cache.data[reference.stem_keys[name]], reference.samples)
        assert stored.tobytes() == reference.stems[name].tobytes()


@pytest.mark.parametrize(
    ("track", "change"),
    [("hats", {"density": 0.9}), ("bass", {"instrument": "reese"}), ("melody", {"enabled": False})],
)
def test_a_one_track_edit_changes_only_that_tracks_key(track, change):
    before = default_spec("trap", bars=4, seed=5)
    tracks = {track: {**before.tracks[track].__dict__, **change}}
    after = before.with_changes(tracks=tracks)
    first, second = render_master(before), render_master(after)
    for name, key in first.stem_keys.items():
        if name == track:
            assert second.stem_keys.get(name) != key
        else:
            assert second.stem_keys[name] == key, f"{name} changed when {track} did"


def test_an_edit_synthesises_only_the_changed_track_and_mixes_the_rest_from_the_cache():
    before = default_spec("trap", bars=4, seed=5)
    after = before.with_changes(tracks={"hats": {**before.tracks["hats"].__dict__, "density": 0.9}})
    cache = DictCache()
    render_job_files(before, stems=cache, sink=cache.keep)
    edit = render_job_files(after, stems=cache, sink=cache.keep)
    assert list(edit.stems) == ["hats"]
    assert set(edit.reused) == set(after.enabled_tracks()) - {"hats"}
    uncached = render_master(after)
    assert edit.result.master.tobytes() == uncached.master.tobytes()


def test_a_level_edit_reuses_every_stem_and_writes_none():
    before = default_spec("trap", bars=4, seed=5)
    after = before.with_changes(tracks={"bass": {"gain_db": -3.0}})
    cache = DictCache()
    first = render_job_files(before, stems=cache, sink=cache.keep)
    edit = render_job_files(after, stems=cache, sink=cache.keep)
    assert edit.stems == {} and set(edit.reused) == set(after.enabled_tracks())
    assert not any(name.startswith("stems/") for name in edit.sizes)
    uncached = render_master(after)
    assert edit.result.master.tobytes() == uncached.master.tobytes()
    assert edit.result.master.tobytes() != first.result.master.tobytes()
    # The stored stem is pre-fader; the stem as mixed is 3 dB down.
    assert uncached.stems["bass"].tobytes() == render_master(before).stems["bass"].tobytes()
    np.testing.assert_allclose(
        uncached.stem_audio("bass"),
        render_master(before).stem_audio("bass") * 10 ** (-3 / 20),
        rtol=1e-6,
        atol=1e-9,
    )


def test_keys_change_with_tempo_seed_and_engine_context():
    spec = default_spec("trap", bars=4, seed=5)
    base = render_master(spec).stem_keys
    assert render_master(spec.with_changes(bpm=spec.bpm + 1)).stem_keys["kick"] != base["kick"]
    assert render_master(spec.with_changes(seed=6)).stem_keys["kick"] != base["kick"]
    assert render_master(spec.with_changes(bars=8)).stem_keys["kick"] != base["kick"]


def test_flac_stems_are_lossless_for_what_is_mixed():
    stem = render_master(default_spec("lo-fi", bars=2, seed=1)).stems["chords"]
    assert stem_from_flac(stem_flac(stem), stem.size).tobytes() == stem.tobytes()
    with pytest.raises(ValueError, match="samples"):
        stem_from_flac(stem_flac(stem), stem.size + 1)
    with pytest.raises(ValueError, match="FLAC"):
        stem_from_flac(b"fLaC" + b"\0" * 100)
