"""Run fault drills, each on its own private stack: `python -m tests.faults <name>|all|fast`."""

from __future__ import annotations

import argparse
import sys

from tests.faults.registry import drills
from tests.faults.runner import run_drill


def selected_drills(names: list[str]) -> list[str]:
    """Drill names for the words given ('all', 'fast' or names); ValueError on an unknown one."""
    known = drills()
    selected: list[str] = []
    for name in names:
        if name == "all":
            selected += list(known)
        elif name == "fast":
            selected += [d.name for d in known.values() if d.fast]
        elif name in known:
            selected.append(name)
        else:
            raise ValueError(f"unknown drill {name!r}; known: {', '.join(known)}")
    return list(dict.fromkeys(selected))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.faults",
        description="Run fault drills (docs/reliability.md); each prints what was lost and PASS/FAIL.",
    )
    parser.add_argument("names", nargs="+", help="drill names, 'all' or 'fast'")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per drill")
    args = parser.parse_args(argv)
    try:
        names = selected_drills(args.names)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    runs = [run_drill(name, timeout=args.timeout, echo=print) for name in names]
    print("\n== drills")
    for run in runs:
        print(run.verdict_line())
    failed = [run.name for run in runs if not run.passed]
    if failed:
        print(f"failed drills: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"all {len(runs)} drills passed, nothing lost")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
