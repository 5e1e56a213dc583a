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
    Checked: once the engine catches up, no watch is left running."""
    with world.engine_busy():
        table = ClusterTable(world.session)
        table.close()
    table.bridge.drain()
    assert world.watches() == 0


def test_closing_a_dashboard_before_its_watch_started_leaves_no_watch(
    world: WidgetWorld,
) -> None:
    """Injected: a dashboard built and closed while the engine is busy.
    Checked: no watch left running."""
    with world.engine_busy():
        board = Dashboard(world.session)
        board.close()
    board.bridge.drain()
    assert world.watches() == 0


def test_a_create_submitted_then_closed_at_once_is_not_sent(world: WidgetWorld) -> None:
    """Injected: Submit clicked and the form closed in the same breath, while the engine's
    loop is busy (the create has not reached the queue yet).
    Checked: the create is cancelled like any queued job of a closed widget: nothing
    reaches the simulator."""
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
