"""Mixing: stems from notes, sidechain, the reverb send, pan/width/sum, and the master bus."""

from .bus import fader, mix_down, stereo_gains
from .layout import CHUNK, LOOP_TAIL_S, SR, TAIL_S, Layout, fold_loop, layout
from .sends import REVERB_SPREAD_S, reverb_return, upsample_chunk
from .sidechain import sidechain_curve
from .tracks import REFERENCE_LUFS, synthesize_track

__all__ = [
    "CHUNK",
    "LOOP_TAIL_S",
    "REFERENCE_LUFS",
    "REVERB_SPREAD_S",
    "SR",
    "TAIL_S",
    "Layout",
    "fader",
    "fold_loop",
    "layout",
    "mix_down",
    "reverb_return",
    "sidechain_curve",
    "stereo_gains",
    "synthesize_track",
    "upsample_chunk",
]
