"""Lengths asked in time land on whole phrases; a count of bars asked for is kept exactly."""

from __future__ import annotations

import pytest

from chat.assistant import interpret
from generation.engine.spec import default_spec


@pytest.mark.parametrize(
    ("text", "bars"),
    [
        # 180 s at 140 bpm is 105 bars; 104 (26 four-bar phrases) is 1 % short.
        ("trap beat, 140 bpm, 3 minutes", 104),
        # 120 s is exactly 70 bars: 72 would be 3 % long, so two-bar phrases (70) win.
        ("trap beat, 140 bpm, 2 minutes", 70),
        # 10 s is 5.8 bars: neither 4 nor 8 is close, six (two-bar phrases) is 10.3 s.
        ("trap beat, 140 bpm, 10 seconds", 6),
    ],
)
def test_a_length_in_time_lands_on_whole_phrases(text, bars):
    spec = interpret(text, None).spec
    assert spec is not None and spec.bars == bars
    asked = {"3 minutes": 180, "2 minutes": 120, "10 seconds": 10}[text.rsplit(", ", 1)[1]]
    assert abs(spec.duration_s - asked) <= 0.03 * asked


def test_an_exact_bar_count_is_kept_even_off_the_phrase_grid():
    current = default_spec("trap", bars=32)
    spec = interpret("make it 93 bars", current).spec
    assert spec is not None and spec.bars == 93


def test_twice_as_long_also_lands_on_phrases():
    current = default_spec("trap", bars=35)  # an odd length from before the phrase rule
    spec = interpret("twice as long", current).spec
    assert spec is not None and spec.bars % 2 == 0 and abs(spec.bars - 70) <= 2
