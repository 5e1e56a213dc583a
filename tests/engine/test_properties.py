"""Property tests: the pacing rule under any latencies and arrivals, and the scheduler's
invariants under any mix of submissions, cancellations and sends."""

from __future__ import annotations

import asyncio
import itertools
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from insta_nb.config import EngineSettings
from insta_nb.engine import Engine, JobKind, MemorySlots, Request
from insta_nb.engine.scheduler import Scheduler
from insta_nb.testing import FakeClock

INTERVAL = 2.5


@settings(max_examples=60, deadline=None)
@given(
    arrivals=st.lists(st.floats(0, 30), min_size=1, max_size=12),
    latencies=st.lists(st.floats(0.001, 5), min_size=12, max_size=12),
)
def test_no_send_starts_before_previous_response_plus_interval(
    arrivals: list[float], latencies: list[float]
) -> None:
    clock = FakeClock()
    engine = Engine(
        EngineSettings(interval=INTERVAL, shared_slots=False),
        clock=clock,
        slots=MemorySlots(),
        rng=random.Random(0),
    )
    sends: list[tuple[float, float, float]] = []  # (submitted, sent, answered)

    def make(i: int, submitted: float) -> Request:
        async def call() -> int:
            sent = clock.monotonic()
            await clock.sleep(latencies[i])
            sends.append((submitted, sent, clock.monotonic()))
            return i

        return Request(call=call, kind=JobKind.READ, label=f"r{i}", idempotent=True)

    async def body() -> None:
        tasks: list[asyncio.Task[Any]] = []
        base = clock.monotonic()
        for i, at in enumerate(sorted(arrivals)):
            await clock.advance_to(base + at)
            tasks.append(asyncio.ensure_future(engine.run(make(i, clock.monotonic()))))
        await clock.run_until(lambda: all(t.done() for t in tasks), limit=10_000)
        assert sorted(t.result() for t in tasks) == list(range(len(arrivals)))

    asyncio.run(body())
    for (_, _, answered), (_, sent, _) in itertools.pairwise(sends):
        assert sent - answered >= INTERVAL - 1e-9
    for submitted, sent, _ in sends:
        assert sent >= submitted


class SchedulerMachine(RuleBasedStateMachine):
    """Random submissions, owner cancellations and slot picks against the scheduler."""

    AGING = 4

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.scheduler = Scheduler(aging_slots=self.AGING)
        self.now = 0.0
        self.sent: list[Any] = []
        self.cancelled: set[asyncio.Future[Any]] = set()  # kept alive: ids must not be reused
        self.waiting_mutation_picks: list[int] = []
        self.starving_picks: dict[JobKind, list[int]] = {JobKind.READ: [], JobKind.POLL: []}

    def teardown(self) -> None:
        self.loop.close()

    @rule(
        kind=st.sampled_from(list(JobKind)),
        owner=st.sampled_from(["a", "b", None]),
        shared=st.booleans(),
    )
    def submit(self, kind: JobKind, owner: str | None, shared: bool) -> None:
        key = ("GET", kind.name) if shared and kind is not JobKind.MUTATION else None

        async def call() -> None:
            return None

        request = Request(
            call=call, kind=kind, label=kind.name, key=key, owner=owner, idempotent=key is not None
        )
        self.scheduler.submit(request, self.loop.create_future(), self.now)

    @rule(owner=st.sampled_from(["a", "b"]))
    def cancel_owner(self, owner: str) -> None:
        for job in list(self.scheduler):
            for waiter in job.live_waiters():
                if waiter.owner == owner:
                    waiter.future.cancel()
                    self.cancelled.add(waiter.future)
        self.scheduler.prune()

    @precondition(lambda self: len(self.scheduler) > 0)
    @rule()
    def send(self) -> None:
        mutation_waiting = any(
            j.kind is JobKind.MUTATION and j.live_waiters() for j in self.scheduler
        )
        starving_before = {
            j.id for j in self.scheduler if self.scheduler._is_starving(j) and j.live_waiters()
        }
        job = self.scheduler.pick(self.now)
        if job is None:
            return
        self.scheduler.charge(job)
        slot = self.scheduler.slots_used
        for waiter in job.live_waiters():
            assert waiter.future not in self.cancelled
            waiter.future.set_result(None)
        self.sent.append(job)
        if mutation_waiting and job.kind is not JobKind.MUTATION:
            # Only a starving job may take a slot from a waiting mutation...
            assert job.id in starving_before
            self.starving_picks[job.kind].append(slot)

    @invariant()
    def never_sent_twice(self) -> None:
        assert len({id(j) for j in self.sent}) == len(self.sent)

    @invariant()
    def starvation_guarantee_takes_at_most_one_slot_per_aging_period(self) -> None:
        # ...and at most once every AGING slots per class.
        for picks in self.starving_picks.values():
            for a, b in itertools.pairwise(picks):
                assert b - a >= self.AGING


TestScheduler = SchedulerMachine.TestCase
TestScheduler.settings = settings(max_examples=80, stateful_step_count=40, deadline=None)
