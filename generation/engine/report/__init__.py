"""The sound report: measures a rendered beat the way a producer would listen to it.

Figures per genre (``measure_genre``) and their targets (``targets.TARGETS``):

- ``bands``: energy share of the master in sub < 60 Hz, low 60-250, mid 250-2k,
  presence 2-6k, air > 6k, and ``250-6k`` (Welch PSD, 8192-point segments, channels
  summed).
- ``stem_lu``: BS.1770 integrated loudness of every stem as it sits in the mix (stereo,
  panned), minus the kick's; ``snare_clap_lu`` and ``melodic_lu`` the loudest of
  snare/clap and of chords/melody/pad.
- ``kick``: median over hits of the strongest 25-250 Hz peak of the kick stem from 120 ms
  to 920 ms after each hit (cut at the next hit; hits with 350 ms or more of body decide
  when there are four of them), and its folded distance in cents to the key's tonic and
  fifth (the nearer is ``cents``). The window skips the pitch sweep so the settled tail,
  the pitch one hears, decides.
- ``bass_above_200hz``: share of the bass stem's energy above 200 Hz (what a phone or
  laptop speaker can play of the line; no target).
- ``side_mid_db``: energy of (L-R)/2 over (L+R)/2 of the master.
- ``hit_correlation``: per drum stem, the median normalised correlation (best lag within
  +-8 samples) of the first 60 ms of each hit with the previous hit of the same note and
  voice; 1.0 means every hit is the identical waveform (gain does not count).
- ``patterns``: per track, distinct non-empty bar patterns, a bar's pattern being the
  set of (written onset on a 1/48-beat grid, pitch) of the notes starting in it.
  Played onsets are snapped back to the written grid (16ths, swung as the spec swings,
  their triplet thirds and 32nd halves) so humanised timing does not count as variety.
- ``audio_twin_share``: share of bars whose 16-slice x 24-band dB map of the master
  correlates above ``TWIN_THRESHOLD`` (0.96) with another bar's, after removing each
  band's mean over the beat. Calibrated on the engine of December 2026: about 90 % of
  bars whose notes repeat another bar exactly (under the engine's humanised timing and
  velocity) clear 0.96, while bars that differ in a pattern or a chord mostly fall to
  0.88-0.95. ``symbolic_twin_share``: bars whose notes equal another bar's on every track.
  The twins target takes the higher of the two, since a noise layer (crackle, hiss)
  decorrelates the audio of bars that still repeat note for note.
- ``seed_overlap``: |A & B| / min(|A|, |B|) of (track, written onset, pitch) between the
  first and second seed, for drums (all drum tracks), bass and chords (the pad where a
  genre has no chords track).
- ``short_bass_bars``: bars in which a bass note sounds (onset to onset + length) in a
  16-bar beat.

Pure numpy/scipy/pyloudnorm; matplotlib only for :func:`write_spectrogram`.
"""

from .measure import ReportSettings, bars_for_minutes, measure_genre
from .run import format_report, run_report
from .targets import TARGETS, evaluate
from .twins import TWIN_THRESHOLD

__all__ = [
    "TARGETS",
    "TWIN_THRESHOLD",
    "ReportSettings",
    "bars_for_minutes",
    "evaluate",
    "format_report",
    "measure_genre",
    "run_report",
]
