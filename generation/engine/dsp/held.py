"""Note bodies shared by the notes of one pitch while one track renders."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

_LOCAL = threading.local()


@contextmanager
def shared_bodies() -> Iterator[None]:
    """While this is open (one track's render), :func:`held_body` keeps what it makes."""
    previous = getattr(_LOCAL, "bodies", None)
    _LOCAL.bodies = {}
    try:
        yield
    finally:
        _LOCAL.bodies = previous


def held_body(key: tuple, m: int, make: Callable[[int], np.ndarray]) -> np.ndarray:
    """``make(m)``, cut from the longest body made for ``key`` in this track's render.

    A voice's body before its envelope (oscillators, partials, causal filters) is a
    function of the sample index alone, so the body of a longer note starts with exactly
    the body of a shorter one: notes of one pitch at different lengths share one. ``make``
    must have that property (``make(M)[:m]`` equals ``make(m)`` for ``M >= m``). Returns
    a read-only array; outside :func:`shared_bodies`, just ``make(m)``.
    """
    bodies: dict[tuple, np.ndarray] | None = getattr(_LOCAL, "bodies", None)
    if bodies is None:
        return make(m)
    kept = bodies.get(key)
    if kept is None or kept.size < m:
        kept = make(m)
        kept.flags.writeable = False
        bodies[key] = kept
    return kept[:m]
