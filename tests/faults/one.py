"""Run one drill in this process: ``python -m tests.faults.one <name>``; exit 0 on PASS."""

from __future__ import annotations

import signal
import sys
import traceback

from tests.faults.ledger import Report
from tests.faults.registry import drills


def main(argv: list[str]) -> int:
    known = drills()
    if len(argv) != 1 or argv[0] not in known:
        print(f"usage: python -m tests.faults.one <{'|'.join(known)}>", file=sys.stderr)
        return 2
    drill = known[argv[0]]

    def stop(signum: int, _frame: object) -> None:
        # A runner's timeout or a stopped test run: unwind, so the stack is torn down.
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    report = Report(drill.name, drill.title)
    try:
        drill.run(report)
    except (Exception, KeyboardInterrupt) as exc:
        traceback.print_exc()
        report.error = f"{type(exc).__name__}: {str(exc)[:2000]}"
    return 0 if report.finish() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
