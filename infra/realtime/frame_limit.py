"""A per-connection token bucket for client frames: every frame type spends tokens."""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class TokenBucket:
    """``burst`` tokens, refilled at ``rate`` a second; :meth:`take` spends or refuses.

    One per socket, used only from that socket's task, so it needs no lock.
    """

    def __init__(
        self, *, rate: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self._clock = float(rate), float(burst), clock
        self._tokens, self._stamp = float(burst), clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def take(self, cost: float = 1.0) -> bool:
        """Spend ``cost`` tokens if there are that many; False (nothing spent) if not."""
        self._refill()
        if self._tokens >= cost:
            self._tokens -= cost
            return True
        return False

    def retry_after(self, cost: float = 1.0) -> int:
        """Whole seconds until ``cost`` tokens are there again (at least 1)."""
        self._refill()
        return max(1, math.ceil((cost - self._tokens) / self.rate))
