"""The request engine, on a fake clock: pacing, priorities, coalescing, cancellation,
429 handling, outages and the never-blindly-retried create."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from insta_nb import errors
from insta_nb.engine import BreakerState, Engine, JobKind
from insta_nb.testing import FakeClock

from .conftest import INTERVAL
from .fake_api import FakeAPI

Run = Callable[[Callable[[], Awaitable[Any]]], Any]


def start(engine: Engine, api: FakeAPI, label: str, **kw: Any) -> asyncio.Task[Any]:
    return asyncio.ensure_future(engine.run(api.request(label, **kw)))


def test_sends_are_paced_on_previous_response_plus_interval(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    api.latency = 0.4

    async def body() -> None:
        tasks = [start(engine, api, f"r{i}") for i in range(6)]
        await clock.run_until(lambda: all(t.done() for t in tasks))
        assert [t.result() for t in tasks] == [f"r{i}" for i in range(6)]

    arun(body)
    assert len(api.attempts) == 6
    assert min(api.gaps()) >= INTERVAL
    # ...and no slower than needed: each send starts exactly when it may.
    assert max(api.gaps()) == pytest.approx(INTERVAL)


def test_user_mutation_overtakes_a_backlog_of_polls(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    async def body() -> None:
        polls = [start(engine, api, f"poll{i}", kind=JobKind.POLL) for i in range(50)]
        await clock.advance(3 * INTERVAL)  # a few polls are out
        sent_before = len(api.attempts)
        create = start(engine, api, "create", kind=JobKind.MUTATION, idempotent=False)
        await clock.run_until(create.done)
        # The mutation went out in the very next slot.
        assert api.labels().index("create") <= sent_before + 1
        for t in polls:
            t.cancel()
        await clock.settle()

    arun(body)


def test_polls_are_never_starved_by_a_stream_of_user_reads(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    async def body() -> None:
        poll = start(engine, api, "poll", kind=JobKind.POLL)
        reads = [start(engine, api, f"read{i}", kind=JobKind.READ) for i in range(40)]
        await clock.run_until(poll.done)
        for t in reads:
            t.cancel()
        await clock.settle()

    arun(body)
    # Aging: the poll waited at most aging_slots sends, then got a slot.
    assert api.labels().index("poll") <= engine.settings.aging_slots


def test_identical_gets_share_one_request(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    async def body() -> None:
        first = start(engine, api, "list", key="GET /")
        second = start(engine, api, "list", key="GET /")
        third = start(engine, api, "list", key="GET /", kind=JobKind.POLL)
        await clock.run_until(lambda: first.done() and second.done() and third.done())
        assert first.result() == second.result() == third.result() == "list"

    arun(body)
    assert api.labels() == ["list"]


def test_one_waiter_cancelling_keeps_the_shared_request_for_the_others(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    async def body() -> None:
        blocker = start(engine, api, "blocker")
        await clock.settle()  # blocker in flight, so the GETs below queue
        impatient = start(engine, api, "list", key="GET /")
        patient = start(engine, api, "list", key="GET /")
        await clock.settle()
        impatient.cancel()
        await clock.run_until(patient.done)
        assert patient.result() == "list"
        assert blocker.done()

    arun(body)
    assert api.labels() == ["blocker", "list"]


def test_the_last_waiter_cancelling_drops_the_request(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    async def body() -> None:
        blocker = start(engine, api, "blocker")
        await clock.settle()
        a = start(engine, api, "list", key="GET /")
        b = start(engine, api, "list", key="GET /")
        await clock.settle()
        a.cancel()
        b.cancel()
        after = start(engine, api, "after")
        await clock.run_until(lambda: blocker.done() and after.done())

    arun(body)
    assert api.labels() == ["blocker", "after"]


def test_cancel_owner_drops_only_that_owners_queued_jobs(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    async def body() -> None:
        sent = start(
            engine, api, "sent-first", owner="cell-1", kind=JobKind.MUTATION, idempotent=False
        )
        await clock.settle()  # on the wire: must not be abandoned
        mine = [start(engine, api, f"mine{i}", owner="cell-1") for i in range(3)]
        other = start(engine, api, "other", owner="cell-2")
        await clock.settle()
        assert engine.cancel_owner("cell-1") == 3
        await clock.run_until(lambda: other.done() and sent.done())
        assert sent.result() == "sent-first"
        for t in mine:
            with pytest.raises(errors.JobCancelledError):
                t.result()

    arun(body)
    assert api.labels() == ["sent-first", "other"]


def test_429_pauses_everything_for_retry_after_then_widens_and_decays(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    api.script["a"] = [errors.RateLimitedError("slow down", status=429, retry_after=20.0)]

    async def body() -> None:
        a = start(engine, api, "a")
        b = start(engine, api, "b")
        await clock.run_until(lambda: a.done() and b.done())
        assert a.result() == "a"  # the user never saw the 429
        snap = engine.snapshot()
        assert snap.rejected_429 == 1
        assert snap.interval == pytest.approx(2 * INTERVAL)
        rest = [start(engine, api, f"c{i}") for i in range(engine.settings.decay_after)]
        await clock.run_until(lambda: all(t.done() for t in rest))

    arun(body)
    first_429 = api.attempts[0]
    retry = api.attempts[1]
    assert api.labels()[:2] == ["a", "a"]  # the retry goes first, at the head of its class
    assert retry.sent - first_429.answered >= 20.0
    # Widened while it recovers, then decayed after decay_after clean responses.
    assert api.gaps()[1:-1] == pytest.approx([2 * INTERVAL] * engine.settings.decay_after)
    assert INTERVAL <= api.gaps()[-1] < 2 * INTERVAL


def test_429_without_retry_after_waits_at_least_a_window(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    api.script["a"] = [errors.RateLimitedError("slow down", status=429)]

    async def body() -> None:
        a = start(engine, api, "a")
        await clock.run_until(a.done)

    arun(body)
    assert api.attempts[1].sent - api.attempts[0].answered >= 2 * INTERVAL


def test_outage_opens_the_breaker_keeps_user_actions_queued_and_recovers(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    down = errors.ConnectError("connection refused")
    api.script["poll"] = [down] * 6

    async def body() -> None:
        poll = start(engine, api, "poll", kind=JobKind.POLL)
        await clock.run_until(lambda: engine.snapshot().breaker is BreakerState.OPEN)
        delete = start(engine, api, "delete", kind=JobKind.MUTATION, idempotent=True)
        snap = engine.snapshot()
        assert snap.outage
        assert snap.next_probe_in is not None
        await clock.run_until(lambda: poll.done() and delete.done(), limit=600)
        assert poll.result() == "poll"
        assert delete.result() == "delete"
        assert engine.snapshot().breaker is BreakerState.CLOSED

    arun(body)
    # While open, only one probe at a time went out, never a burst.
    assert min(api.gaps()) >= INTERVAL
    assert api.labels().count("delete") == 1


def test_an_ambiguous_create_is_never_sent_twice(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    api.script["create"] = [errors.TimeoutError("no answer")]

    async def body() -> None:
        create = start(engine, api, "create", kind=JobKind.MUTATION, idempotent=False)
        await clock.run_until(create.done)
        with pytest.raises(errors.TimeoutError):
            create.result()

    arun(body)
    assert api.labels() == ["create"]


def test_a_create_that_was_never_sent_or_was_rate_limited_is_retried(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    api.script["create"] = [
        errors.ConnectError("refused"),
        errors.RateLimitedError("429", status=429),
    ]

    async def body() -> None:
        create = start(engine, api, "create", kind=JobKind.MUTATION, idempotent=False)
        await clock.run_until(create.done)
        assert create.result() == "create"

    arun(body)
    assert api.labels() == ["create"] * 3


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_create_answered_5xx_is_left_to_reconciliation_not_resent(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock, status: int
) -> None:
    # Even a 503 may follow an applied create; the service reconciles by name instead.
    api.script["create"] = [errors.ServerError("unavailable", status=status)]

    async def body() -> None:
        create = start(engine, api, "create", kind=JobKind.MUTATION, idempotent=False)
        await clock.run_until(create.done)
        with pytest.raises(errors.ServerError) as info:
            create.result()
        assert info.value.ambiguous

    arun(body)
    assert api.labels() == ["create"]


def test_a_delete_whose_response_was_lost_succeeds_when_the_retry_meets_404(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    api.script["delete"] = [
        errors.ProtocolError("connection dropped"),
        errors.NotFoundError("no such cluster", status=404),
    ]

    async def body() -> None:
        delete = start(
            engine,
            api,
            "delete",
            kind=JobKind.MUTATION,
            idempotent=True,
            not_found_after_retry_ok=True,
        )
        await clock.run_until(delete.done)
        assert delete.result() is None

    arun(body)


def test_a_first_404_on_delete_is_an_error(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    api.script["delete"] = [errors.NotFoundError("no such cluster", status=404)]

    async def body() -> None:
        delete = start(
            engine,
            api,
            "delete",
            kind=JobKind.MUTATION,
            idempotent=True,
            not_found_after_retry_ok=True,
        )
        await clock.run_until(delete.done)
        with pytest.raises(errors.NotFoundError):
            delete.result()

    arun(body)


def test_retries_stop_at_the_time_budget(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    api.script["get"] = [errors.ServerError("bad gateway", status=502)] * 10_000

    async def body() -> None:
        get = start(engine, api, "get")
        elapsed = await clock.run_until(get.done, limit=10_000)
        with pytest.raises(errors.ServerError):
            get.result()
        assert elapsed <= engine.settings.retry_budget + engine.settings.probe_cap + 10

    arun(body)


def test_a_job_that_cannot_be_sent_before_its_deadline_fails_clearly(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    async def body() -> None:
        jobs = [start(engine, api, f"r{i}") for i in range(5)]
        late = start(engine, api, "late", kind=JobKind.POLL, deadline=clock.monotonic() + 3)
        await clock.run_until(lambda: late.done() and all(j.done() for j in jobs))
        with pytest.raises(errors.DeadlineExceededError):
            late.result()

    arun(body)
    assert "late" not in api.labels()


def test_a_4xx_is_not_retried_and_reaches_the_caller_with_the_api_message(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    api.script["create"] = [
        errors.BadRequestError(
            "Validation failed", status=400, body={"errors": {"clusterName": "bad name"}}
        )
    ]

    async def body() -> None:
        create = start(engine, api, "create", kind=JobKind.MUTATION, idempotent=False)
        await clock.run_until(create.done)
        with pytest.raises(errors.BadRequestError) as info:
            create.result()
        assert info.value.field_errors == {"clusterName": "bad name"}

    arun(body)
    assert engine.snapshot().breaker is BreakerState.CLOSED


def test_snapshot_shows_queue_by_class_with_eta(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    async def body() -> None:
        tasks = [start(engine, api, "first")]
        await clock.settle()
        tasks += [start(engine, api, f"poll{i}", kind=JobKind.POLL) for i in range(3)]
        tasks.append(start(engine, api, "create", kind=JobKind.MUTATION, idempotent=False))
        await clock.settle()
        snap = engine.snapshot()
        assert snap.in_flight == "first"
        assert [j.label for j in snap.queued] == ["create", "poll0", "poll1", "poll2"]
        etas = [j.eta for j in snap.queued]
        assert etas == sorted(etas)
        assert etas[1] - etas[0] >= INTERVAL
        assert len(snap.queued_by_kind()[JobKind.POLL]) == 3
        await clock.run_until(lambda: all(t.done() for t in tasks))
        assert engine.snapshot().sent == 5

    arun(body)


def test_closing_fails_queued_jobs(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    async def body() -> None:
        tasks = [start(engine, api, f"r{i}") for i in range(3)]
        await clock.settle()
        await engine.aclose()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert any(isinstance(r, errors.JobCancelledError) for r in results)
        with pytest.raises(errors.UsageError):
            await engine.run(api.request("x"))

    arun(body)


def test_each_request_keeps_its_sessions_own_pace_on_a_shared_engine(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    """Two sessions to one host share its engine but not their settings: a slower
    session's requests wait its own interval, a faster one's the engine's."""

    async def body() -> None:
        slow = [start(engine, api, f"slow{i}", pace=4 * INTERVAL) for i in range(3)]
        await clock.run_until(lambda: all(t.done() for t in slow))
        fast = [start(engine, api, f"fast{i}") for i in range(3)]
        await clock.run_until(lambda: all(t.done() for t in fast))

    arun(body)
    gaps = api.gaps()
    assert gaps[:2] == [pytest.approx(4 * INTERVAL)] * 2
    assert gaps[3:] == [pytest.approx(INTERVAL)] * 2
    assert engine.settings.interval == INTERVAL  # nobody reconfigured the engine


def test_a_requests_own_retry_budget_bounds_its_retries(
    arun: Run, engine: Engine, api: FakeAPI, clock: FakeClock
) -> None:
    api.script["short"] = [errors.status_error(502, "down")] * 1_000

    async def body() -> float:
        start_at = clock.monotonic()
        task = start(engine, api, "short", retry_budget=30.0)
        await clock.run_until(task.done, limit=3_600)
        assert isinstance(task.exception(), errors.ServerError)
        return clock.monotonic() - start_at

    took = arun(body)
    assert took <= 30.0 + engine.settings.backoff_cap
