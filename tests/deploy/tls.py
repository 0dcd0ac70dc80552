"""Throwaway self-signed TLS certificates for tests (nginx, Redis over TLS)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def self_signed_certificate(
    cert: Path, key: Path, *, common_name: str = "localhost", ip: str | None = None
) -> None:
    """Write a one-day RSA certificate and key with openssl; ``ip`` adds an IP SAN."""
    args = [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        f"/CN={common_name}",
    ]
    if ip:
        args += ["-addext", f"subjectAltName=IP:{ip}"]
    subprocess.run([*args, "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
