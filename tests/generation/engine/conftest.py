"""Engine test fixtures: rendered beats cached per session; nothing here needs Django."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# librosa compiles with numba on first use (~20 s); a persistent cache makes that once.
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(__file__).resolve().parents[3] / ".numba-cache"))

from generation.engine import BeatSpec, RenderResult, render_master


@pytest.fixture(scope="session")
def render_cached():
    """render_master(spec, humanize=...) memoised by the spec's JSON, for tests that share beats."""
    cache: dict[tuple[str, bool], RenderResult] = {}

    def get(spec: BeatSpec, *, humanize: bool = True) -> RenderResult:
        key = (spec.to_json(), humanize)
        if key not in cache:
            cache[key] = render_master(spec, humanize=humanize)
        return cache[key]

    return get
