"""A ten-minute beat renders and encodes within 1.5 GB peak memory (measured in a subprocess)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import sys, tempfile
from pathlib import Path
from generation.engine import default_spec, render_master, write_outputs
spec = default_spec(sys.argv[1], seed=1).with_changes(duration_s=600)
result = render_master(spec)
with tempfile.TemporaryDirectory() as out:
    write_outputs(result, out)
# VmHWM, not ru_maxrss: Linux carries the parent's maxrss (a big pytest process) across exec.
status = Path("/proc/self/status").read_text().splitlines()
print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")))
"""


@pytest.mark.slow
@pytest.mark.parametrize("genre", ["trap", "synthwave"])
def test_ten_minute_render_stays_under_1_5_gb(genre):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, genre],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    peak_kib = int(done.stdout.strip().splitlines()[-1])
    assert peak_kib * 1024 < 1.5e9, f"peak RSS {peak_kib / 1024:.0f} MiB"
