"""Test helpers that are part of the product: a fake clock for users' own tests.

``FakeClock`` implements :class:`insta_nb.clock.Clock`. Its ``sleep`` does not wait:
it parks the caller until the test moves time with :meth:`FakeClock.advance` or
:meth:`FakeClock.run_until`. Both first let every ready task run, so "time passes"
and "work finishes" are explicit, deterministic steps.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable

__all__ = ["FakeClock"]

_SETTLE_ROUNDS = 64


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: float = 1_000.0, wall_offset: float = 1_700_000_000.0) -> None:
        self._now = start
        self._wall_offset = wall_offset
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        #: Every delay passed to ``sleep``, in order: lets a test assert a backoff schedule.
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self._now

    def time(self) -> float:
        return self._now + self._wall_offset

    async def sleep(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.sleeps.append(seconds)
        if seconds == 0:
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._seq), fut))
        await fut

    @property
    def pending_sleepers(self) -> int:
        """How many sleeps are waiting for time to move."""
        return sum(1 for *_, f in self._sleepers if not f.done())

    def next_wakeup(self) -> float | None:
        """When the earliest pending sleeper wakes, if any."""
        self._drop_done()
        return self._sleepers[0][0] if self._sleepers else None

    async def settle(self) -> None:
        """Let every task that can run without time passing do so."""
        for _ in range(_SETTLE_ROUNDS):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``, waking sleepers in order as it passes them."""
        await self.advance_to(self._now + seconds)

    async def advance_to(self, target: float) -> None:
        """Move time forward to ``target`` (never backwards)."""
        await self.settle()
        while True:
            self._drop_done()
            if not self._sleepers or self._sleepers[0][0] > target:
                break
            when, _, fut = heapq.heappop(self._sleepers)
            self._now = max(self._now, when)
            fut.set_result(None)
            await self.settle()
        self._now = max(self._now, target)
        await self.settle()

    async def run_until(self, condition: Callable[[], bool], *, limit: float = 3_600.0) -> float:
        """Jump from wake-up to wake-up until ``condition()`` holds.

        Returns the simulated seconds that passed. Raises ``AssertionError`` when the
        condition still fails after ``limit`` simulated seconds or when nothing is
        left that could make it true.
        """
        start = self._now
        await self.settle()
        while not condition():
            nxt = self.next_wakeup()
            if nxt is None:
                raise AssertionError("condition can never hold: nothing is waiting on the clock")
            if nxt - start > limit:
                raise AssertionError(f"condition did not hold within {limit} simulated seconds")
            await self.advance_to(nxt)
        return self._now - start

    def _drop_done(self) -> None:
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)

    def __repr__(self) -> str:
        return f"FakeClock(now={self._now:.3f})"
