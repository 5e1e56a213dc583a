"""What reaches the browser first: the dashboard's table, its count, then the rest.

The browser creates widget models one after another in the order the kernel sends them,
so a model sent early delays everything after it (docs/benchmarks.md, Browser figures).
"""

from __future__ import annotations

from ipywidgets.widgets.widget import _instances

from insta_nb.widgets import Dashboard
from insta_nb.widgets.cluster_row import ClusterRowView
from insta_nb.widgets.create_form import CreateForm
from insta_nb.widgets.dashboard import FORM_AFTER_LIST, FORM_AT_THE_LATEST
from insta_nb.widgets.queue_view import QueueView

from .conftest import World


def _rows_alive() -> int:
    return sum(1 for widget in list(_instances.values()) if isinstance(widget, ClusterRowView))


def test_the_hidden_tabs_are_built_after_the_tables_list_or_when_opened(world: World) -> None:
    world.create("first")
    board = Dashboard(world.session, bridge=world.bridge(), watch=False)
    create_tab, queue_tab = board.tabs.children[1:]
    assert create_tab.children == ()
    assert queue_tab.children == ()
    board.bridge.run(world.session.service.list_clusters)
    board.bridge.drain()
    assert board.table.controls.count.value == "1 cluster"
    assert create_tab.children == ()  # the table's rows go first
    world.timers.advance(FORM_AFTER_LIST)
    assert [type(c) for c in create_tab.children] == [CreateForm]
    assert queue_tab.children == ()  # a live view nobody looks at yet
    board.tabs.selected_index = 2
    assert [type(c) for c in queue_tab.children] == [QueueView]
    assert board.form is create_tab.children[0]
    assert board.queue is queue_tab.children[0]
    board.close()


def test_without_a_list_the_create_tab_is_built_after_a_few_seconds(world: World) -> None:
    board = Dashboard(world.session, bridge=world.bridge(), watch=False)
    create_tab = board.tabs.children[1]
    world.timers.advance(FORM_AT_THE_LATEST - 0.1)
    assert create_tab.children == ()
    world.timers.advance(0.1)
    assert [type(c) for c in create_tab.children] == [CreateForm]
    board.close()


def test_the_count_is_sent_before_new_rows_are_built(world: World) -> None:
    for i in range(3):
        world.create(f"c{i}")
    board = Dashboard(world.session, bridge=world.bridge(), watch=False)
    board.bridge.drain()
    assert board.table.controls.count.value == "3 clusters"
    rows_when_counted: list[int] = []
    board.table.controls.count.observe(lambda _: rows_when_counted.append(_rows_alive()), "value")
    before = _rows_alive()
    world.create("c3")  # the inventory grows: the table draws a fourth row
    board.bridge.drain()
    assert board.table.controls.count.value == "4 clusters"
    assert rows_when_counted == [before]  # the fourth row did not exist yet
    assert _rows_alive() == before + 1
    board.close()
