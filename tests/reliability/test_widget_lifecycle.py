"""Widgets closed while their work is still on its way to the engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from insta_nb.widgets import ClusterTable, CreateForm, Dashboard

from .widget_world import WidgetWorld, make_widget_world


@pytest.fixture
def world() -> Iterator[WidgetWorld]:
    w = make_widget_world()
    yield w
    w.close()


def test_closing_a_table_whose_watch_is_running_stops_it(world: WidgetWorld) -> None:
    """Injected: nothing; a table is shown, its watch starts, then the table is closed.
    Checked: the service has no watch left (polling stops)."""
    table = ClusterTable(world.session)
    table.bridge.drain()
    assert world.watches() == 1
    table.close()
    assert world.watches() == 0


def test_closing_a_table_before_its_watch_started_leaves_no_watch(world: WidgetWorld) -> None:
    """Injected: the engine's loop is busy for a moment while a table is shown and closed
    (a table closed right after it was built, e.g. by a re-run cell or a script).
    Checked: once the engine catches up, no watch is left running.
    Bug (fixed in 63e613b): close() closed the table's own Bridge, dropping the delivery
    of watch()'s stop handle; the watch then ran (and polled) for ever.
    Fix: decide on the engine thread, when the watch starts, whether the table is closed."""
    with world.engine_busy():
        table = ClusterTable(world.session)
        table.close()
    table.bridge.drain()
    assert world.watches() == 0


def test_closing_a_dashboard_before_its_watch_started_leaves_no_watch(
    world: WidgetWorld,
) -> None:
    """Injected: a dashboard built and closed while the engine is busy.
    Checked: no watch left running.
    Bug (fixed in 63e613b): the same leak, through the dashboard's table."""
    with world.engine_busy():
        board = Dashboard(world.session)
        board.close()
    board.bridge.drain()
    assert world.watches() == 0


def test_a_create_submitted_then_closed_at_once_is_not_sent(world: WidgetWorld) -> None:
    """Injected: Submit clicked and the form closed in the same breath, while the engine's
    loop is busy (the create has not reached the queue yet).
    Checked: the create is cancelled like any queued job of a closed widget: nothing
    reaches the simulator.
    Bug (fixed in 63e613b): cancel_owner() cancelled only jobs already queued; a Submit
    still on its way to the engine was queued after the close, and sent.
    Fix: the form's job checks, on the engine thread, that the form is still open."""
    form = CreateForm(world.session, load_keys=False)
    form.bridge.drain()
    form.name.value = "closed_at_once"
    assert not form.submit.disabled
    with world.engine_busy():
        form.submit.click()
        form.close()
    form.bridge.drain()
    world.on_engine(world.session.service.list_clusters)
    assert [r for r in world.sim.log if r.method == "POST"] == []
