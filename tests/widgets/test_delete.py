"""Delete with confirmation: a first click, a key press or a repeated call never deletes."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from insta_nb.models import ClusterStatus
from insta_nb.service import ClusterRow
from insta_nb.widgets import ClusterTable
from insta_nb.widgets.cluster_row import ClusterRowView
from insta_nb.widgets.delete_confirm import ConfirmState

from .conftest import World, close_world, make_world


@pytest.fixture
def table(world: World) -> Iterator[ClusterTable]:
    bridge = world.bridge()
    t = ClusterTable(world.session, bridge=bridge, watch=False, confirm_timeout=10)
    bridge.drain()
    yield t
    t.close()


def listed(
    world: World, table: ClusterTable, name: str, tier: str = "NON_PRODUCTION"
) -> ClusterRowView:
    cluster = world.create(name, tier)
    table.bridge.run(world.session.service.list_clusters)
    table.bridge.drain()
    return table.row_views[cluster]


def deletes(world: World) -> int:
    return world.sent("DELETE")


def test_first_click_only_asks_and_keep_keeps(world: World, table: ClusterTable) -> None:
    row = listed(world, table, "keeper")
    confirm = row.delete
    confirm.delete_button.click()
    table.bridge.drain()
    assert confirm.state is ConfirmState.CONFIRMING
    assert "keeper" in confirm.question.value
    assert confirm.is_open
    assert not confirm.confirm_button.disabled  # NON_PRODUCTION: no name to type
    confirm.delete_button.click()  # clicking Delete again does not confirm
    confirm.cancel_button.click()
    table.bridge.drain()
    assert confirm.state is ConfirmState.IDLE
    assert not confirm.is_open
    assert deletes(world) == 0


def test_confirm_deletes_once_and_the_row_shows_deleting_until_gone(
    world: World, table: ClusterTable
) -> None:
    row = listed(world, table, "doomed")
    cluster = row.cluster_id
    row.delete.delete_button.click()
    row.delete.confirm_button.click()
    row.delete.confirm_button.click()  # a second confirm while the first is in flight
    row.delete._on_confirm_click()
    table.bridge.drain()
    assert deletes(world) == 1
    assert "DELETING" in row.cells.value
    assert row.delete.delete_button.disabled
    world.advance(30)
    table.bridge.run(world.session.service.list_clusters)
    table.bridge.drain()
    assert "⊘ DELETING" in re.sub(r"<[^>]+>", "", table.row_views[cluster].cells.value)
    world.advance(60 * 20)
    table.bridge.run(world.session.service.list_clusters)
    table.bridge.drain()
    assert cluster not in table.row_views


def test_production_needs_the_exact_name_typed(world: World, table: ClusterTable) -> None:
    row = listed(world, table, "prod_db", "PRODUCTION")
    confirm = row.delete
    confirm.delete_button.click()
    assert confirm.typed_name.layout.display is None
    assert confirm.confirm_button.disabled
    confirm.confirm_button.click()
    confirm._on_confirm_click()
    confirm.typed_name.value = "prod_d"
    assert confirm.confirm_button.disabled
    confirm._on_confirm_click()
    confirm.typed_name.value = "PROD_DB"
    confirm._on_confirm_click()
    table.bridge.drain()
    assert deletes(world) == 0
    confirm.typed_name.value = "prod_db"
    assert not confirm.confirm_button.disabled
    confirm.confirm_button.click()
    table.bridge.drain()
    assert deletes(world) == 1


def test_an_unanswered_confirmation_reverts_after_the_timeout(
    world: World, table: ClusterTable
) -> None:
    row = listed(world, table, "patient")
    confirm = row.delete
    confirm.delete_button.click()
    world.timers.advance(9.9)
    assert confirm.state is ConfirmState.CONFIRMING
    world.timers.advance(0.2)
    assert confirm.state is ConfirmState.IDLE
    assert not confirm.is_open
    confirm._on_confirm_click()  # too late: nothing to confirm any more
    table.bridge.drain()
    assert deletes(world) == 0
    assert not confirm.delete_button.disabled


def test_a_failed_delete_is_shown_in_the_row_and_can_be_retried(
    world: World, table: ClusterTable
) -> None:
    # A row for a cluster the API does not know: its DELETE answers 404.
    ghost = "0b5e4c3a-1111-4222-8333-444455556666"
    table.show_rows(
        [
            ClusterRow(
                id=ghost, name="ghost", status=ClusterStatus.RUNNING, sla_tier="NON_PRODUCTION"
            )
        ]
    )
    row = table.row_views[ghost]
    row.delete.delete_button.click()
    row.delete.confirm_button.click()
    table.bridge.drain()
    assert world.sent("DELETE") == 1
    assert row.error_html.layout.display is None
    assert "✖" in row.error_html.value
    assert not row.delete.delete_button.disabled
    assert row.delete.delete_button.description == "Delete"
    row.delete.delete_button.click()  # the user may try again: it asks again first
    assert row.delete.is_open


def test_a_read_only_key_cannot_even_start_a_delete() -> None:
    world = make_world(read_only=True)
    try:
        bridge = world.bridge()
        table = ClusterTable(world.session, bridge=bridge, watch=False)
        table.show_rows([ClusterRow(id="ro-1", name="ro", status=ClusterStatus.RUNNING, version=1)])
        confirm = table.row_views["ro-1"].delete
        assert confirm.delete_button.disabled
        assert "read-only" in confirm.delete_button.tooltip
        confirm.delete_button.click()
        confirm._on_delete()
        assert not confirm.is_open
        bridge.drain()
        assert world.sent("DELETE") == 0
        table.close()
    finally:
        close_world(world)
