"""An embedded beat (``celery worker -B``) must die with its worker.

With the prefork pool, ``-B`` runs the scheduler as a child process; after ``kill -9`` of the
worker it stayed behind as an orphan and kept sending the reaper task. On Linux the child
asks the kernel for SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``). `make run`,
the Procfile and the deploy files run beat as its own process anyway.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
from typing import Any

from celery import signals

logger = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> bool:
    """Have the kernel send ``sig`` to this process when its parent exits (Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    parent = os.getppid()
    if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        logger.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
        return False
    if os.getppid() != parent:  # the parent died before prctl: nobody will signal us
        os.kill(os.getpid(), sig)
    return True


@signals.beat_embedded_init.connect
def _embedded_beat_dies_with_its_worker(**_: Any) -> None:
    if die_with_parent():
        logger.info("embedded beat: will stop when its worker does")
