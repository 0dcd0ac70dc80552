"""Run Debian's promtool (package ``prometheus``); a missing binary fails loudly."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

MISSING = (
    "promtool is not installed. It comes from Debian's `prometheus` package: "
    "apt-get install -y prometheus (.ci/run installs it when missing)."
)


def promtool(*args: str, cwd: Path | None = None, stdin: str | None = None) -> str:
    """Run ``promtool args...``; fail the test with its output unless it exits 0."""
    binary = shutil.which("promtool")
    if binary is None:
        pytest.fail(MISSING, pytrace=False)
    result = subprocess.run(
        [binary, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"promtool {' '.join(args)} failed:\n{output}"
    return output
