"""429 storms, with and without Retry-After: the user never sees one, the engine slows
down, recovers, and a correct engine causes no further 429 once the storm is over."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from insta_nb.models import FirewallRuleSpec
from insta_nb.simulator import Faults
from insta_nb.simulator.ratelimit import ArrivalLimiter

from .support import INTERVAL, World, exceptions, make_world, run, spec

STORM = 60.0


@pytest.mark.parametrize("retry_after", [None, 7.0], ids=["no-retry-after", "retry-after-7s"])
def test_a_storm_never_reaches_the_user_and_the_engine_recovers(
    retry_after: float | None, figure: Callable[[str, object], None]
) -> None:
    """Injected: a 60 s window in which every request gets 429 (``Faults.storm_429``),
    with and without ``Retry-After: 7``, while creates, a firewall rule, reads and the
    poller are busy; the simulator's own limiter is strict (a rejected arrival restarts
    the window).
    Checked: every action succeeds; the engine paused and widened its interval during
    the storm and decayed back to the base interval after it; after the storm no
    request is refused at all (neither by the storm nor by the limiter); each create
    and the rule were applied once."""
    world: World = make_world(retry_after=retry_after, count_rejected=True)

    async def body() -> dict[str, float]:
        existing = await world.drive(world.service.create_cluster(spec("before_storm")))
        stop = world.service.watch().stop
        start = world.clock.monotonic()
        world.sim.faults.storm_429.append((start, start + STORM))
        stop_recording = world.record_snapshots()
        rule = FirewallRuleSpec(("CASSANDRA",), network="203.0.113.9/32")
        tasks = [
            asyncio.ensure_future(world.service.create_cluster(spec("in_storm_1"))),
            asyncio.ensure_future(world.service.add_firewall_rule(existing, rule)),
            asyncio.ensure_future(world.service.get_cluster(existing)),
            asyncio.ensure_future(world.service.create_cluster(spec("in_storm_2"))),
            asyncio.ensure_future(world.service.list_clusters()),
        ]
        await world.clock.run_until(lambda: all(t.done() for t in tasks), limit=1800)
        assert exceptions(tasks) == []
        done_at = world.clock.monotonic()
        # Keep using it: the interval must decay back to the base, with no new 429.
        reads = 0
        while world.engine.interval > INTERVAL and reads < 200:
            await world.drive(world.service.list_clusters())
            reads += 1
        recovered_at = world.clock.monotonic()
        stop_recording()
        stop()
        widest = max(s.interval for _, s in world.snapshots)
        assert widest > INTERVAL
        assert world.engine.interval == pytest.approx(INTERVAL)
        paused = [s.paused_for for _, s in world.snapshots if s.paused_for > 0]
        assert paused, "the engine never paused"
        if retry_after is not None:
            assert max(paused) == pytest.approx(retry_after, abs=0.01)
        return {
            "done_after": done_at - start,
            "widest": widest,
            "start": start,
            "reads": reads,
            "recovered_after": recovered_at - start,
        }

    numbers = run(body, world)
    end = numbers["start"] + STORM
    late = [r for r in world.sim.log if r.status == 429 and r.time >= end]
    assert late == []
    assert [r for r in world.sim.log if r.fault == "rate_limited"] == []
    assert len(world.clusters_named("in_storm_1")) == 1
    assert len(world.clusters_named("in_storm_2")) == 1
    assert len(world.applied("POST", "firewallRules")) == 1
    storm = [r for r in world.sim.log if r.fault == "storm_429"]
    figure("429s sent by the storm", len(storm))
    figure("429s after the storm", len(late))
    figure("widest interval (s)", round(numbers["widest"], 2))
    figure("simulated seconds to complete every action", round(numbers["done_after"], 1))
    figure("reads until the interval was back to 2.5 s", numbers["reads"])
    figure("simulated seconds until back to 2.5 s", round(numbers["recovered_after"], 1))


def test_a_huge_retry_after_is_capped_and_shown_not_obeyed_for_hours(
    figure: Callable[[str, object], None],
) -> None:
    """Injected: a storm that answers ``Retry-After: 86400`` (a day) for 30 s.
    Checked: the engine caps the pause (20 x the widest interval: 10 minutes at the real
    API's pace), the read still succeeds once the storm is over, and the pause shown
    to the user is the capped one."""
    world = make_world(retry_after=86_400)

    async def body() -> float:
        start = world.clock.monotonic()
        world.sim.faults.storm_429.append((start, start + 30))
        stop = world.record_snapshots()
        await world.drive(world.service.list_clusters(), limit=7200)
        stop()
        return world.clock.monotonic() - start

    took = run(body, world)
    longest = max(s.paused_for for _, s in world.snapshots)
    assert longest <= world.engine.settings.max_interval * 20
    assert took <= world.engine.settings.max_interval * 20 + 60
    figure("longest pause (s)", round(longest, 1))


def test_a_storm_on_a_limiter_that_never_stops_ends_in_a_visible_error() -> None:
    """Injected: 429 on every request for an hour (a key that stays throttled).
    Checked: a read gives up with a visible RateLimitedError once its 5-minute budget is
    spent, instead of waiting for ever."""
    world = make_world(faults=Faults())

    async def body() -> None:
        start = world.clock.monotonic()
        world.sim.faults.storm_429.append((start, start + 3600))
        task = asyncio.ensure_future(world.service.list_clusters())
        await world.clock.run_until(task.done, limit=3600)
        (error,) = exceptions([task])
        assert "429" in str(error)
        assert world.clock.monotonic() - start <= world.engine.settings.retry_budget + 60

    run(body, world)


def test_a_send_at_exactly_one_interval_is_admitted() -> None:
    """Injected: two arrivals exactly one interval apart, at times where floating point
    makes ``(last + interval) - last`` a hair less than ``interval`` (seen in a fault
    scenario: 1021.7221092576252 then 1024.222109257625).
    Checked: the second is admitted, as the engine's pacing rule promises.
    Bug (fixed in 2d7aa75): the limiter subtracts where the engine adds; the two
    disagreed by one ulp.
    Fix: the limiter allows 1e-9 s of rounding."""
    limiter = ArrivalLimiter(INTERVAL)
    first = 1021.7221092576252
    assert limiter.admit("127.0.0.1", first)
    assert limiter.admit("127.0.0.1", first + INTERVAL)
