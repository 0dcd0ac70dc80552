"""Instrument requests for sampled voices: used when the bank is installed, said when not."""

from __future__ import annotations

import pytest

from chat.assistant.interpreter import interpret
from generation.engine.banks import BankRegistry
from generation.engine.spec import default_spec

needs_banks = pytest.mark.skipif(
    not {"sonic-pi-samples", "fluidr3-gm"} <= set(BankRegistry().installed),
    reason="sonic-pi-samples and fluid-soundfont-gm are not both installed here "
    "(make banks; CI installs them)",
)

REQUESTS = [
    ("use a real piano", {"chords": "grand-piano"}, "piano"),
    ("rhodes chords", {"chords": "rhodes"}, "epiano"),
    (
        "acoustic drums",
        {"kick": "acoustic-kit", "snare": "acoustic-kit", "hats": "acoustic-kit"},
        "acoustic",
    ),
    ("808 from a drum machine", {"kick": "sampled-808"}, "808"),
    ("add real strings", {"pad": "sampled-strings"}, "strings"),
    ("vibraphone melody", {"melody": "vibraphone"}, "bell"),
]


def _instruments(spec) -> dict[str, str]:
    return {name: t.instrument for name, t in spec.tracks.items() if t.enabled}


@needs_banks
@pytest.mark.parametrize(("text", "expected", "_fallback"), REQUESTS)
def test_a_sampled_instrument_request_uses_the_installed_bank(settings, text, expected, _fallback):
    settings.SOUND_BANK_PATHS = None
    intent = interpret(text, default_spec("trap"))
    assert intent.action == "modify"
    assert expected.items() <= _instruments(intent.spec).items()
    assert "isn't installed" not in intent.reply


@pytest.mark.parametrize(("text", "expected", "fallback"), REQUESTS)
def test_without_the_bank_the_synth_voice_plays_and_the_reply_says_so(
    settings, text, expected, fallback
):
    settings.SOUND_BANK_PATHS = []
    intent = interpret(text, default_spec("trap"))
    played = _instruments(intent.spec)
    first = next(iter(expected))
    assert played[first] == fallback
    assert not set(played.values()) & set(expected.values())
    assert "sound bank, which isn't installed here (`make banks`" in intent.reply
    assert f"so I used the synth {fallback} {first}" in intent.reply


def test_synth_instrument_words_still_pick_synth_voices(settings):
    settings.SOUND_BANK_PATHS = None
    intent = interpret("organ chords and a flute", default_spec("trap"))
    assert _instruments(intent.spec)["chords"] == "organ"
    assert _instruments(intent.spec)["melody"] == "flute"
