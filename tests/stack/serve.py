"""Run a server module (``python -m tests.stack.serve <module> args…``) with a raised fd limit."""

from __future__ import annotations

import runpy
import sys

from tests.stack.stack import raise_fd_limit


def main() -> None:
    raise_fd_limit()
    module, *args = sys.argv[1:]
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
