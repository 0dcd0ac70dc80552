"""Run one drill in this process: ``python -m infra.drills <name>``; exit 0 on PASS."""

from __future__ import annotations

import sys
import traceback

from .registry import drills
from .stack import Report


def main(argv: list[str]) -> int:
    known = drills()
    if len(argv) != 1 or argv[0] not in known:
        print(f"usage: python -m infra.drills <{'|'.join(known)}>", file=sys.stderr)
        return 2
    drill = known[argv[0]]
    report = Report(drill.name, drill.title)
    try:
        drill.run(report)
    except Exception as exc:
        traceback.print_exc()
        report.error = f"{type(exc).__name__}: {str(exc)[:2000]}"
    return 0 if report.finish() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
