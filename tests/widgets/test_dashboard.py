"""dashboard(): the three views in one call, and a plain notice on the simulator."""

from __future__ import annotations

import pytest

from insta_nb.widgets import ClusterTable, CreateForm, Dashboard, QueueView, dashboard
from insta_nb.widgets.dashboard import SIMULATOR_NOTICE

from .conftest import World


async def _nothing() -> None:
    return None


def test_dashboard_composes_the_views_and_closes_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("insta_nb.session.connect", lambda: world.session)
    board = dashboard(bridge=world.bridge())
    assert isinstance(board, Dashboard)
    assert isinstance(board.table, ClusterTable)
    assert isinstance(board.form, CreateForm)
    assert isinstance(board.queue, QueueView)
    assert board.table.bridge is board.form.bridge is board.queue.bridge
    assert SIMULATOR_NOTICE in board.notice.value
    assert board.notice.layout.display != "none"
    assert board.tabs.titles == ("Clusters", "Create", "Request queue")
    board.bridge.drain()
    assert len(world.session.service.watches) == 1
    board.close()
    world.on_engine(_nothing)
    assert not world.session.service.watches
    assert board.form.comm is None


def test_a_cluster_created_in_the_form_appears_in_the_table(world: World) -> None:
    board = Dashboard(world.session, bridge=world.bridge(), watch=False)
    board.bridge.drain()
    board.form.name.value = "from_the_form"
    board.form.submit.click()
    board.bridge.drain()
    cluster = board.form.created_id
    assert cluster in board.table.row_views
    assert "GENESIS" in board.table.row_views[cluster].cells.value
    board.close()
