"""Time, injected: the one seam through which the engine, service and simulator see time.

Production code takes a :class:`Clock`; tests pass :class:`insta_nb.testing.FakeClock`
so that no test sleeps for real and time can be advanced by hand. Stdlib only.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

__all__ = ["Clock", "SystemClock"]


class Clock(Protocol):
    """What the toolkit needs to know about time."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (pacing, deadlines)."""
        ...

    def time(self) -> float:
        """Wall-clock seconds since the epoch (shared slot file, ages)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` on the running event loop."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "SystemClock()"
