"""Container health check: GET /health (or a given path) here, with a Host Django accepts."""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def host_header(allowed_hosts: str) -> str:
    """A Host that passes Django's ALLOWED_HOSTS check: its first entry, made concrete."""
    first = next((h.strip() for h in allowed_hosts.split(",") if h.strip()), "localhost")
    if first == "*":
        return "localhost"
    return first.lstrip(".")  # ".example.com" allows example.com itself


def candidate_ports(environ: dict[str, str]) -> list[str]:
    """daphne's port (``PORT``), then the WSGI tier's (``HTTP_PORT``): one image runs either."""
    ports = [environ.get("PORT") or "8000", environ.get("HTTP_PORT") or "8001"]
    return list(dict.fromkeys(ports))


def main(argv: list[str] | None = None) -> int:
    """0 when the path (default /health) answers 200 within 4 s, else 1 (container unhealthy)."""
    args = sys.argv[1:] if argv is None else argv
    path = args[0] if args else "/health"
    headers = {"Host": host_header(os.environ.get("DJANGO_ALLOWED_HOSTS", ""))}
    for port in candidate_ports(dict(os.environ)):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (loopback)
                return 0 if response.status == 200 else 1
        except urllib.error.HTTPError as error:
            print(f"healthcheck: {path} on port {port} answered {error.code}", file=sys.stderr)
            return 1
        except (urllib.error.URLError, OSError) as error:
            # Nothing listening here: this container may run the other HTTP process.
            print(f"healthcheck: port {port}: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
