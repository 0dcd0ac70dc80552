"""The MP3 encoded in a child process is the in-process encoder's bytes, and its CPU is counted."""

from __future__ import annotations

import numpy as np

from generation.engine import mp3proc
from generation.engine.encode import CHUNK_FRAMES, mp3_bytes
from generation.engine.mp3proc import Mp3Process

RATE = 44100


def signal(seconds: float = 20.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    rng = np.random.default_rng(1)
    tone = 0.3 * np.sin(2 * np.pi * 220 * t) * np.exp(-(t % 0.5) * 6)
    return (tone[None, :] + 0.02 * rng.standard_normal((2, t.size))).astype(np.float32)


def chunks(audio: np.ndarray):
    return (audio[:, s : s + CHUNK_FRAMES] for s in range(0, audio.shape[1], CHUNK_FRAMES))


def test_the_child_process_gives_the_in_process_bytes_and_reports_its_cpu():
    audio = signal()
    encoder = Mp3Process(RATE).start()
    assert encoder._proc is not None  # really a child
    data = encoder.encode(chunks(audio))
    assert data == mp3_bytes(audio, RATE)
    assert encoder.child_cpu_s > 0.0
    assert encoder._proc.returncode == 0


def test_without_a_child_the_encode_runs_here_with_the_same_bytes(monkeypatch):
    audio = signal(5.0)
    monkeypatch.setattr(mp3proc.sys, "executable", "/nonexistent/python")
    encoder = Mp3Process(RATE).start()
    assert encoder._proc is None
    assert encoder.encode(chunks(audio)) == mp3_bytes(audio, RATE)


def test_an_unused_encoder_is_stopped_on_close():
    encoder = Mp3Process(RATE).start()
    encoder.close()
    assert encoder._proc is not None and encoder._proc.returncode is not None
