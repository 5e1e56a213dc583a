"""The dashboard on a v2 session: the same table, queue view and delete confirmation,
with the create form offering v2's products (create → row → RUNNING → delete)."""

from __future__ import annotations

import re

import ipywidgets as w

from insta_nb.models import ClusterStatus
from insta_nb.products import Product
from insta_nb.widgets import CreateForm, Dashboard
from insta_nb.widgets._tree import walk
from insta_nb.widgets.delete_confirm import ConfirmState
from insta_nb.widgets.product_form import ProductForm

from .conftest import World
from .v2_world import v2_world  # noqa: F401  (a fixture)


def text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def refresh(board: Dashboard, world: World, cluster_id: str | None = None) -> None:
    board.bridge.run(world.session.service.list_clusters)
    board.bridge.drain()
    if cluster_id is not None:
        board.bridge.run(lambda: world.session.service.get_cluster(cluster_id))
        board.bridge.drain()


def test_v1_sessions_keep_the_bundle_form(world: World) -> None:
    board = Dashboard(world.session, bridge=world.bridge(), watch=False)
    assert isinstance(board.form, CreateForm)
    board.close()


def test_a_kafka_cluster_created_in_the_form_runs_and_is_deleted_through_the_row(
    v2_world: World,  # noqa: F811
) -> None:
    world = v2_world
    board = Dashboard(world.session, bridge=world.bridge(), watch=False)
    board.bridge.drain()
    form = board.form
    assert isinstance(form, ProductForm)
    form.product.value = Product.KAFKA
    form.controls.control("name").value = "events"
    form.submit.click()
    board.bridge.drain()
    cluster = form.created_id
    assert cluster is not None
    assert cluster in board.table.row_views
    row = board.table.row_views[cluster]
    assert "events" in text(row.cells.value)
    board.queue.refresh()
    board.bridge.drain()
    assert "sent 0 " not in board.queue.snapshot_text()  # the queue view counts v2 requests

    world.advance(3600)
    refresh(board, world, cluster)
    assert "RUNNING" in text(row.cells.value)
    assert world.session.rows()[0].status is ClusterStatus.RUNNING

    row.delete.delete_button.click()
    assert row.delete.state is ConfirmState.CONFIRMING
    row.delete.confirm_button.click()
    row.delete.confirm_button.click()  # a second confirm sends nothing more
    board.bridge.drain()
    assert world.sent("DELETE", f"/applications/kafka/clusters/v2/{cluster}") == 1
    world.advance(3600)
    refresh(board, world)
    assert cluster not in board.table.row_views
    board.close()


def test_every_control_of_every_product_says_what_it_does(v2_world: World) -> None:  # noqa: F811
    board = Dashboard(v2_world.session, bridge=v2_world.bridge(), watch=False)
    board.bridge.drain()
    form = board.form
    assert isinstance(form, ProductForm)
    kinds = (w.Button, w.Dropdown, w.Text, w.IntText, w.Checkbox)
    for product in Product:
        form.product.value = product
        controls = [x for x in walk(board) if isinstance(x, kinds)]
        silent = [x for x in controls if not (x.description or "").strip() and not x.tooltip]
        assert silent == [], product
    board.close()
