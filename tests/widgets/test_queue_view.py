"""The queue view: queued requests by class, position and ETA, and Cancel per request."""

from __future__ import annotations

import concurrent.futures

import pytest

from insta_nb import errors
from insta_nb.engine import JobKind
from insta_nb.widgets import QueueView
from insta_nb.widgets.queue_view import KIND_TITLES

from .conftest import close_world, make_world


async def _nothing() -> None:
    return None


def test_queued_jobs_are_listed_by_class_and_cancel_drops_one() -> None:
    # A slow pace (2 s between requests) keeps requests queued while we look.
    world = make_world(interval=2.0)
    try:
        service = world.session.service
        thread = world.runner.thread
        first = thread.schedule(lambda: service.list_clusters())
        world.on_engine(_nothing)
        concurrent.futures.wait([first], timeout=10)  # now the next send must wait 2 s
        reads = [
            thread.schedule(lambda i=i: service.list_firewall_rules(f"cluster-{i}", owner="cell:x"))
            for i in range(3)
        ]
        world.on_engine(_nothing)  # the three are in the queue now
        bridge = world.bridge()
        view = QueueView(world.session, bridge=bridge)
        bridge.drain()
        snap = view.snapshot
        assert snap is not None
        assert len(snap.queued) == 3
        assert set(view.job_rows) == {j.id for j in snap.queued}
        section = view._sections[JobKind.READ]
        assert KIND_TITLES[JobKind.READ] in section.value
        assert "(3 queued)" in section.value
        rows = [view.job_rows[j.id] for j in snap.queued]
        assert [r.position.value for r in rows] == ["#1", "#2", "#3"]
        assert rows[0].eta.value.startswith(("in ≈", "sends next"))
        assert rows[0].owner.value == "cell:x"
        assert "firewall rules of" in rows[0].what.value
        assert all(r.cancel.tooltip for r in rows)
        assert "sent <b>1</b>" in view.stats.value

        drawn = {id(r) for r in rows}
        rows[2].cancel.click()  # the last one: the first may be on its way by now
        assert rows[2].cancel.disabled
        world.on_engine(_nothing)
        with pytest.raises(errors.JobCancelledError):
            reads[2].result(timeout=10)
        view.refresh()
        bridge.drain()
        cancelled = snap.queued[2].id
        assert cancelled not in view.job_rows
        assert len(view.job_rows) == 2
        assert {id(r) for r in view.job_rows.values()} <= drawn  # rows are reused, not rebuilt

        for row in list(view.job_rows.values()):
            row.cancel.click()
        world.on_engine(_nothing)
        concurrent.futures.wait(reads, timeout=10)
        view.refresh()
        bridge.drain()
        assert view.job_rows == {}
        assert view.empty_html.layout.display is None
        text = view.snapshot_text()
        assert "Nothing queued." in text
        view.close()
    finally:
        close_world(world)


def test_redraws_are_throttled_to_a_few_per_second() -> None:
    world = make_world()
    try:
        bridge = world.bridge()
        view = QueueView(world.session, bridge=bridge)
        bridge.drain()
        start = view.redraws
        for _ in range(20):
            world.list()  # each request makes several engine events
        bridge.drain()
        # The first event redrew at once; the rest wait for the timer (0.25 s later).
        assert view.redraws - start <= 1
        world.timers.advance(0.25)
        bridge.drain()
        assert view.redraws - start <= 2
        view.close()
        world.timers.advance(10)
        assert view.redraws - start <= 2
    finally:
        close_world(world)
