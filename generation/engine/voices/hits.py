"""Round-robin hit realisations and one-shot trimming for the drum voices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..dsp.osc import SR

# --- drums -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HitVariation:
    """One round-robin realisation of a drum hit: micro-tuning, decay and noise seed.

    ``tune`` multiplies every frequency, ``decay`` every time constant; ``salt`` offsets
    the noise seeds, so each variant has its own noise. ``soft`` darkens a quiet hit.
    """

    tune: float = 1.0
    decay: float = 1.0
    salt: int = 0
    soft: bool = False

    @classmethod
    def draw(cls, seed: int, variant: int, *, cents: float, soft: bool = False) -> HitVariation:
        if variant == 0:
            return cls(soft=soft)
        rng = np.random.default_rng([seed & 0xFFFFFFFF, variant])
        return cls(
            tune=float(2.0 ** (rng.uniform(-cents, cents) / 1200.0)),
            decay=float(1.0 + rng.uniform(-0.1, 0.1)),
            salt=int(rng.integers(1, 1 << 30)),
            soft=soft,
        )


_PLAIN = HitVariation()


def _trim(x: np.ndarray, floor_db: float = -45.0, fade_s: float = 0.005) -> np.ndarray:
    """Cut a one-shot where it stays below ``floor_db`` of its peak, with a short fade.

    Exponential decays are computed over several time constants; placing their inaudible
    tails hundreds of times per beat is most of the synthesis cost.
    """
    threshold = np.max(np.abs(x)) * 10.0 ** (floor_db / 20.0)
    loud = np.flatnonzero(np.abs(x) > threshold)
    end = min(x.size, int(loud[-1]) + 1 + int(fade_s * SR)) if loud.size else x.size
    out = x[:end].copy()
    fade = min(end, int(fade_s * SR))
    out[end - fade :] *= np.linspace(1.0, 0.0, fade, dtype=out.dtype)
    return out
