"""The queue: priority classes with aging, singleflight for GETs, cancellation by owner.

Choosing the next job (at the moment a slot is free, not when it was queued):

1. A job of a lower class that has waited ``aging_slots`` slots while its class got no
   slot for ``aging_slots`` slots is *starving*: the oldest starving job goes first.
   So polls can never starve, yet take at most one slot in ``aging_slots`` from users.
2. Otherwise the highest class wins; inside a class, retries first, then arrival order.

Jobs whose retry backoff has not elapsed (``not_before``) are not eligible. Queues
hold at most a few hundred jobs, so a linear scan per slot (one per 2.5 s) is cheaper
than keeping heaps consistent under cancellation and class upgrades.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Hashable, Iterator
from typing import Any

from insta_nb.engine.jobs import Job, JobKind, Request

__all__ = ["Scheduler"]


class Scheduler:
    """Queued jobs of one engine."""

    def __init__(self, aging_slots: int) -> None:
        self.aging_slots = max(1, aging_slots)
        self._jobs: dict[int, Job] = {}
        self._by_key: dict[Hashable, Job] = {}
        self._ids = itertools.count(1)
        self._seq = itertools.count()
        #: Slot counter value when each class last got a slot.
        self._last_slot_of: dict[JobKind, int] = dict.fromkeys(JobKind, 0)
        self.slots_used = 0

    def __len__(self) -> int:
        return len(self._jobs)

    def __iter__(self) -> Iterator[Job]:
        return iter(self._jobs.values())

    def submit(
        self,
        request: Request,
        future: asyncio.Future[Any],
        now: float,
        in_flight: Job | None = None,
    ) -> Job:
        """Queue ``request`` for ``future``, joining an identical queued or in-flight GET."""
        if request.key is not None:
            existing = self._by_key.get(request.key)
            if existing is None and in_flight is not None and in_flight.request.key == request.key:
                existing = in_flight
            if existing is not None:
                existing.add_waiter(future, request.owner, request.label)
                # A user now waits on a background poll: it inherits the user's class.
                if request.kind < existing.kind and existing.id in self._jobs:
                    existing.kind = request.kind
                return existing
        job = Job(
            id=next(self._ids),
            request=request,
            kind=request.kind,
            seq=next(self._seq),
            enqueued_at=now,
            enqueued_slot=self.slots_used,
        )
        job.add_waiter(future, request.owner, request.label)
        self._add(job)
        return job

    def requeue(self, job: Job, not_before: float) -> None:
        """Put a job back after a failed attempt, at the head of its class."""
        job.is_retry = True
        job.not_before = not_before
        self._add(job)

    def _add(self, job: Job) -> None:
        self._jobs[job.id] = job
        if job.request.key is not None:
            self._by_key[job.request.key] = job

    def remove(self, job: Job) -> None:
        self._jobs.pop(job.id, None)
        key = job.request.key
        if key is not None and self._by_key.get(key) is job:
            del self._by_key[key]

    def prune(self) -> list[Job]:
        """Drop jobs whose every waiter is gone (cancelled); return them."""
        dead = [j for j in self._jobs.values() if not j.live_waiters()]
        for job in dead:
            self.remove(job)
        return dead

    def earliest_not_before(self) -> float | None:
        times = [j.not_before for j in self._jobs.values()]
        return min(times) if times else None

    def peek(self, now: float) -> Job | None:
        """The job that would use the slot starting now, left in the queue."""
        eligible = [j for j in self._jobs.values() if j.not_before <= now and j.live_waiters()]
        if not eligible:
            return None
        starving = [j for j in eligible if self._is_starving(j)]
        return min(starving, key=lambda j: j.seq) if starving else min(eligible, key=self.rank)

    def pick(self, now: float) -> Job | None:
        """Remove and return the job that should use the slot starting now."""
        job = self.peek(now)
        if job is not None:
            self.remove(job)
        return job

    def rank(self, job: Job) -> tuple[int, int, int]:
        return (int(job.kind), 0 if job.is_retry else 1, job.seq)

    def _is_starving(self, job: Job) -> bool:
        if job.kind is JobKind.MUTATION:
            return False
        waited = self.slots_used - job.enqueued_slot
        idle = self.slots_used - self._last_slot_of[job.kind]
        return waited >= self.aging_slots and idle >= self.aging_slots

    def charge(self, job: Job) -> None:
        """A slot was spent on ``job``."""
        self.slots_used += 1
        self._last_slot_of[job.kind] = self.slots_used

    def ordered(self) -> list[Job]:
        """Queued jobs in the order they would be sent if nothing else arrived."""
        return sorted(self._jobs.values(), key=self.rank)
