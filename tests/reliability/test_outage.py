"""The API is unreachable for three simulated minutes while user actions are queued."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from insta_nb.engine import BreakerState, EngineSnapshot
from insta_nb.models import ClusterStatus
from insta_nb.service import OperationState
from insta_nb.widgets import QueueView
from insta_nb.widgets._bridge import ManualTimers
from insta_nb.widgets.banner import Banner

from .support import World, exceptions, make_world, outcome, run, spec
from .widget_world import make_widget_world

OUTAGE = 180.0


def test_three_minute_outage_every_queued_action_completes_once(
    figure: Callable[[str, object], None],
) -> None:
    """Injected: 503 outage window of 180 s (``Faults.outages``) while 3 creates, 2 deletes,
    a status read, a list and the background poller are queued.
    Checked: every action succeeds after recovery and not before; the simulator applied
    exactly one POST per new name and one DELETE per deleted id; the poller refreshed
    after recovery; during the outage the engine reported an open breaker with a probe
    countdown, the banner showed it ticking down, and the queue view listed the waiting
    creates."""
    world = make_world()
    news = [f"new_{i}" for i in range(3)]

    async def body() -> float:
        old = [await world.drive(world.service.create_cluster(spec(n))) for n in ("old_a", "old_b")]
        stop_watch = world.service.watch().stop
        start = world.clock.monotonic()
        world.sim.faults.outages.append((start, start + OUTAGE))
        stop_recording = world.record_snapshots()
        creates = [asyncio.ensure_future(world.service.create_cluster(spec(n))) for n in news]
        deletes = [asyncio.ensure_future(world.service.delete_cluster(i)) for i in old]
        reads = [
            asyncio.ensure_future(world.service.get_cluster(old[0])),
            asyncio.ensure_future(world.service.list_clusters()),
        ]
        tasks = [*creates, *deletes, *reads]
        await world.clock.run_until(lambda: all(t.done() for t in tasks), limit=900)
        finished = world.clock.monotonic()
        assert exceptions(tasks) == []
        # Nothing could have succeeded while the API was down.
        assert finished >= start + OUTAGE
        new_ids = [t.result() for t in creates]
        polled_after = [
            r for r in world.sim.log if r.method == "GET" and r.time >= start + OUTAGE and r.applied
        ]
        assert polled_after, "the poller never refreshed after the outage"
        stop_recording()
        stop_watch()
        # The simulator's record against the user's intent.
        for name, cluster_id in zip(news, new_ids, strict=True):
            assert world.clusters_named(name) == [cluster_id]
        assert len(world.applied_creates()) == len(news) + 2
        for cluster_id in old:
            assert len(world.applied("DELETE", cluster_id)) == 1
        deleted = {c.id for c in world.sim.cluster_records() if c.deleted_at is not None}
        assert deleted == set(old)
        states = {op.target: op.state for op in world.service.operations}
        assert all(s is OperationState.DONE for s in states.values()), states
        rows = {r.id: r.status for r in world.service.rows()}
        assert all(rows[i] is ClusterStatus.DELETING for i in old)
        return finished - start

    took = run(body, world)
    outage_snaps = [s for t, s in world.snapshots if s.breaker is not BreakerState.CLOSED]
    assert outage_snaps, "the engine never said the API was unreachable"
    with_countdown = [s for s in outage_snaps if s.next_probe_in and s.next_probe_in >= 2]
    assert with_countdown
    queued_labels = " | ".join({j.label for s in outage_snaps for j in s.queued})
    # Each create waits first on the name check (one shared list), then on its POST.
    assert all(f"create {n}" in queued_labels for n in news), queued_labels
    banner_counts_down(with_countdown[-1])
    queue_view_shows(with_countdown[-1], [f"create {n}" for n in news])
    sent_during = [r for r in world.sim.log if r.fault == "outage"]
    figure("simulated seconds to complete", round(took, 1))
    figure("requests refused by the outage", len(sent_during))
    figure("requests in all", len(world.sim.log))


def banner_counts_down(snapshot: EngineSnapshot) -> None:
    """The banner over the table and the queue view says so, and counts down each second."""
    timers = ManualTimers()
    banner = Banner(timers)
    try:
        banner.update(snapshot)
        text = banner.text
        assert "API unreachable" in text
        assert "queued" in text
        left = int(text.rsplit("next check in ", 1)[1].split(" s", 1)[0])
        assert left >= 2
        timers.advance(1.0)
        assert f"next check in {left - 1} s" in banner.text
        timers.advance(left)
        assert "Retrying now" in banner.text
        assert timers.pending == 0  # the countdown stops by itself
    finally:
        banner.close()


def queue_view_shows(snapshot: EngineSnapshot, labels: list[str]) -> None:
    """The queue view, given the engine's snapshot from the outage, lists the waiting
    creates and says the API is unreachable, with the next check's countdown."""
    world = make_widget_world()
    view = QueueView(world.session)
    try:
        view.bridge.drain()
        view.show_snapshot(snapshot)
        text = view.snapshot_text()
        assert "API unreachable" in text
        assert "next check in" in text
        for label in labels:
            if any(label in j.label for j in snapshot.queued):
                assert label in text
        assert view.snapshot_html()
    finally:
        view.close()
        world.close()


def test_an_outage_longer_than_the_retry_budget(figure: Callable[[str, object], None]) -> None:
    """Injected: a 20-minute outage, four times the 5-minute retry budget.
    Checked: the queued read and delete end with a visible error once their budget is
    spent (nothing applied, nothing sent for them afterwards); the create is never sent
    blind: when the API answers again it has been created exactly once, or it ends
    with a visible error and no cluster exists; the other cluster is untouched."""
    world: World = make_world()

    async def body() -> float:
        victim = await world.drive(world.service.create_cluster(spec("victim")))
        start = world.clock.monotonic()
        world.sim.faults.outages.append((start, start + 1200))
        delete = asyncio.ensure_future(world.service.delete_cluster(victim))
        read = asyncio.ensure_future(world.service.get_cluster(victim))
        create = asyncio.ensure_future(world.service.create_cluster(spec("later")))
        await world.clock.run_until(lambda: delete.done() and read.done(), limit=1200)
        gave_up = world.clock.monotonic() - start
        errors = exceptions([delete, read])
        assert len(errors) == 2
        assert all(str(e) for e in errors)
        await world.clock.run_until(create.done, limit=3600)
        result = outcome(create)
        later = world.clusters_named("later")
        if isinstance(result, BaseException):
            assert str(result)
            assert later == []
        else:
            assert later == [result]
        assert len([r for r in world.applied_creates() if r.time > start]) == len(later)
        assert world.applied("DELETE") == []
        assert world.sim.cluster_records()[0].deleted_at is None
        return gave_up

    gave_up = run(body, world)
    figure("simulated seconds until the read and delete gave up", round(gave_up, 1))
