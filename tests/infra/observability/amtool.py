"""Run Debian's amtool (package ``prometheus-alertmanager``); a missing binary fails loudly."""

from __future__ import annotations

import shutil
import subprocess

import pytest

MISSING = (
    "amtool is not installed. It comes from Debian's `prometheus-alertmanager` package: "
    "apt-get install -y prometheus-alertmanager (.ci/run installs it when missing)."
)


def amtool(*args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("amtool")
    if binary is None:
        pytest.fail(MISSING, pytrace=False)
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=60, check=False)
