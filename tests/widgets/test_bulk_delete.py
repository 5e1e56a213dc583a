"""Delete selected: one confirmation naming every cluster, the same typed-name rule as one
delete, nothing sent on cancel, each failure on its own row, each delete in the queue."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from insta_nb.models import ClusterStatus
from insta_nb.service import ClusterRow
from insta_nb.widgets import ClusterTable

from .conftest import World


@pytest.fixture
def table(world: World) -> Iterator[ClusterTable]:
    bridge = world.bridge()
    t = ClusterTable(world.session, bridge=bridge, watch=False, confirm_timeout=10)
    bridge.drain()
    yield t
    t.close()


def listed(world: World, table: ClusterTable, tiers: dict[str, str]) -> dict[str, str]:
    """Create clusters (name → tier), list them; returns name → id."""
    ids = {name: world.create(name, tier) for name, tier in tiers.items()}
    table.bridge.run(world.session.service.list_clusters)
    table.bridge.drain()
    return ids


def pick(table: ClusterTable, *cluster_ids: str) -> None:
    for cluster_id in cluster_ids:
        table.row_views[cluster_id].pick.value = True


def deletes(world: World) -> list[str]:
    return [r.path.rstrip("/").rsplit("/", 1)[1] for r in world.sim.log if r.method == "DELETE"]


def text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_confirmation_lists_every_selected_name(world: World, table: ClusterTable) -> None:
    ids = listed(
        world, table, {"b_dev": "NON_PRODUCTION", "a_prod": "PRODUCTION", "c": "NON_PRODUCTION"}
    )
    assert table.delete_selected.disabled  # nothing selected yet
    pick(table, ids["b_dev"], ids["a_prod"])
    assert table.delete_selected.description == "Delete selected (2)"
    assert not table.delete_selected.disabled
    table.delete_selected.click()
    bulk = table.bulk
    assert bulk.is_open
    assert bulk.names == ["a_prod", "b_dev"]
    question = text(bulk.question.value)
    assert "Delete these 2 clusters? This cannot be undone." in question
    assert "a_prod" in question
    assert "b_dev" in question
    assert "c" not in bulk.names
    assert list(bulk.typed) == [ids["a_prod"]]  # only the PRODUCTION one is typed
    assert deletes(world) == []


def test_a_missing_typed_production_name_blocks_the_confirm(
    world: World, table: ClusterTable
) -> None:
    ids = listed(
        world,
        table,
        {"prod_one": "PRODUCTION", "prod_two": "PRODUCTION", "dev": "NON_PRODUCTION"},
    )
    pick(table, *ids.values())
    table.delete_selected.click()
    bulk = table.bulk
    assert bulk.confirm_button.disabled
    assert bulk.missing() == ["prod_one", "prod_two"]
    bulk.typed[ids["prod_one"]].value = "prod_one"
    bulk.typed[ids["prod_two"]].value = "PROD_TWO"  # not exactly the name
    assert bulk.confirm_button.disabled
    assert "prod_two" in bulk.confirm_button.tooltip
    bulk.confirm_button.click()
    bulk._on_confirm_click()  # even called directly, it deletes nothing
    table.bridge.drain()
    assert deletes(world) == []
    bulk.typed[ids["prod_two"]].value = "prod_two"
    assert not bulk.confirm_button.disabled
    bulk.confirm_button.click()
    bulk.confirm_button.click()  # a second confirm does nothing
    table.bridge.drain()
    assert sorted(deletes(world)) == sorted(ids.values())
    assert not bulk.is_open
    assert table.selected == []
    assert table.delete_selected.description == "Delete selected (0)"
    # Through the session's normal delete: the queue's operations list each of them.
    ops = [op for op in world.session.operations() if op.action == "delete"]
    assert sorted(op.cluster_id or "" for op in ops) == sorted(ids.values())


def test_cancel_or_timeout_sends_nothing(world: World, table: ClusterTable) -> None:
    ids = listed(world, table, {"keep_a": "NON_PRODUCTION", "keep_b": "NON_PRODUCTION"})
    pick(table, *ids.values())
    table.delete_selected.click()
    assert not table.bulk.confirm_button.disabled  # no PRODUCTION name to type
    table.bulk.cancel_button.click()
    assert not table.bulk.is_open
    table.bulk._on_confirm_click()
    table.delete_selected.click()
    world.timers.advance(10.1)  # the question closes by itself
    assert not table.bulk.is_open
    table.bulk._on_confirm_click()
    table.bridge.drain()
    assert deletes(world) == []
    assert table.selected == sorted(ids.values())  # the selection stays for another try


def test_a_failed_delete_shows_its_api_error_on_its_row(world: World, table: ClusterTable) -> None:
    ids = listed(world, table, {"real": "NON_PRODUCTION"})
    # A cluster the inventory knows but the API does not: its DELETE answers 404.
    ghost = ClusterRow(
        id="0b5e4c3a-1111-4222-8333-444455556666",
        name="ghost",
        status=ClusterStatus.RUNNING,
        sla_tier="NON_PRODUCTION",
        version=1,
    )

    async def remember() -> None:
        world.session.service.inventory.put(ghost)

    world.on_engine(remember)
    table.show_rows(world.session.rows())
    pick(table, ids["real"], ghost.id)
    table.delete_selected.click()
    table.bulk.confirm_button.click()
    table.bridge.drain()
    assert sorted(deletes(world)) == sorted([ids["real"], ghost.id])
    ghost_row = table.row_views[ghost.id]
    assert ghost_row.error_html.layout.display is None
    assert "✖" in ghost_row.error_html.value
    assert "not found" in ghost_row.error_html.value.lower() or "404" in ghost_row.error_html.value
    assert ghost_row.delete.delete_button.description == "Delete"  # it can be tried again
    real_row = table.row_views[ids["real"]]
    assert real_row._error_html is None or not real_row.error_html.value
