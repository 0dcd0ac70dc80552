"""MP3 encoding in a child process: LAME on another core while this one masters and packs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterable

import numpy as np

from .encode import MP3_BITRATE, MP3_QUALITY, _pcm, mp3_chunks

__all__ = ["Mp3Process"]

# The child imports nothing but lameenc (~30 ms to start) and runs the very encoder the
# in-process path runs, with the same settings: its bytes are the in-process bytes.
_CHILD = """
import sys, lameenc
rate, channels, bitrate, quality = map(int, sys.argv[1:5])
encoder = lameenc.Encoder()
encoder.set_bit_rate(bitrate)
encoder.set_in_sample_rate(rate)
encoder.set_channels(channels)
encoder.set_quality(quality)
source, sink = sys.stdin.buffer, sys.stdout.buffer
while True:
    data = source.read(1 << 20)
    if not data:
        break
    sink.write(encoder.encode(data))
sink.write(encoder.flush())
sink.flush()
"""


class Mp3Process:
    """One MP3 encode in a child process, fed float chunks as they become ready.

    lameenc holds the GIL for its whole encode (~0.7 s for a 3-minute mix), so on a thread
    it stalls every other thread of the job; in a child it runs on another core. Started
    early (:meth:`start`, before the render) so the child is up when the master is. The
    parent only converts to 16-bit PCM (numpy) and writes to a pipe, both without the GIL.
    If no child can be started the encode runs in this process (same bytes).
    """

    def __init__(
        self,
        sample_rate: int,
        *,
        channels: int = 2,
        bitrate: int = MP3_BITRATE,
        quality: int = MP3_QUALITY,
    ) -> None:
        self.sample_rate, self.channels = sample_rate, channels
        self.bitrate, self.quality = bitrate, quality
        self.child_cpu_s = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._out: list[bytes] = []
        self._reader: threading.Thread | None = None

    def start(self) -> Mp3Process:
        args = [str(self.sample_rate), str(self.channels), str(self.bitrate), str(self.quality)]
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-I", "-c", _CHILD, *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                close_fds=True,
            )
        except OSError:
            self._proc = None
            return self
        stdout = self._proc.stdout
        assert stdout is not None
        self._reader = threading.Thread(
            target=lambda: self._out.extend(iter(lambda: stdout.read(1 << 16), b"")),
            name="mp3-reader",
            daemon=True,
        )
        self._reader.start()
        return self

    def encode(self, chunks: Iterable[np.ndarray]) -> bytes:
        """The MP3 of ``chunks`` (float (channels, k) each, in order); RuntimeError if the
        child fails."""
        if self._proc is None:
            return b"".join(
                mp3_chunks(
                    chunks,
                    self.sample_rate,
                    channels=self.channels,
                    bitrate=self.bitrate,
                    quality=self.quality,
                )
            )
        stdin = self._proc.stdin
        assert stdin is not None and self._reader is not None
        try:
            for chunk in chunks:
                stdin.write(_pcm(chunk, 16))
        finally:
            stdin.close()
            self._reader.join()
        status = self._wait()
        if status != 0:
            raise RuntimeError(f"the MP3 encoder process exited with status {status}")
        return b"".join(self._out)

    def close(self) -> None:
        """Stop the child if it is still running (an encode that never happened, a failure)."""
        proc = self._proc
        if proc is None or proc.returncode is not None:
            return
        if proc.stdin is not None and not proc.stdin.closed:
            proc.stdin.close()
        proc.kill()
        self._wait()

    def _wait(self) -> int:
        """Reap the child and keep its CPU time (user + system, this child only)."""
        proc = self._proc
        assert proc is not None
        if proc.returncode is None:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            self.child_cpu_s = usage.ru_utime + usage.ru_stime
        if proc.stdout is not None:
            proc.stdout.close()
        return proc.returncode
