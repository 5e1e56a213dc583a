"""Every view renders without a kernel (text + HTML), escapes API text, and holds no key."""

from __future__ import annotations

import json
from typing import Any

import pytest

from insta_nb.models import ClusterStatus
from insta_nb.service import ClusterRow
from insta_nb.widgets import ClusterTable, CreateForm, Dashboard, QueueView
from insta_nb.widgets._tree import walk

from .conftest import World

VIEW_MIME = "application/vnd.jupyter.widget-view+json"


def build(world: World, kind: str) -> Any:
    bridge = world.bridge()
    views = {
        "form": lambda: CreateForm(world.session, bridge=bridge),
        "table": lambda: ClusterTable(world.session, bridge=bridge, watch=False),
        "queue": lambda: QueueView(world.session, bridge=bridge),
        "dashboard": lambda: Dashboard(world.session, bridge=bridge, watch=False),
    }
    view = views[kind]()
    bridge.drain()
    return view


@pytest.mark.parametrize("kind", ["form", "table", "queue", "dashboard"])
def test_mimebundle_has_the_widget_text_and_html(world: World, kind: str) -> None:
    world.create("shown")
    world.list()
    view = build(world, kind)
    bundle = view._repr_mimebundle_()
    assert VIEW_MIME in bundle
    assert bundle[VIEW_MIME]["model_id"] == view.model_id
    assert bundle["text/plain"].strip()
    assert bundle["text/html"].lstrip().startswith("<div")
    assert "simulator" in bundle["text/plain"].lower()
    if kind in ("table", "dashboard"):
        assert "shown" in bundle["text/plain"]
        assert "shown" in bundle["text/html"]
    view.close()


@pytest.mark.parametrize("kind", ["form", "table", "queue", "dashboard"])
def test_no_widget_state_holds_the_api_key(world: World, kind: str) -> None:
    key = world.sim.credentials.api_key
    world.create("secretive")
    world.list()
    view = build(world, kind)
    states = [json.dumps(w.get_state(), default=str) for w in walk(view)]
    assert len(states) > 10
    assert not [s for s in states if key in s]
    bundle = view._repr_mimebundle_()
    assert key not in bundle["text/plain"]
    assert key not in bundle["text/html"]
    assert key not in repr(view)
    view.close()


def test_api_text_is_escaped_in_every_rendering(world: World) -> None:
    table = build(world, "table")
    evil = "<img src=x onerror=alert(1)>"
    table.show_rows(
        [
            ClusterRow(
                id="x1",
                name=evil,
                status=ClusterStatus.RUNNING,
                region="<b>r</b>",
                error="<script>bad()</script>",
                version=1,
            )
        ]
    )
    row = table.row_views["x1"]
    for html in (table.snapshot_html(), row.cells.value, row.error_html.value):
        assert "<img" not in html
        assert "<script" not in html
    assert "&lt;img" in table.snapshot_html()
    assert evil in table.snapshot_text()  # plain text is shown as is
    table.close()


def test_a_closed_view_is_not_displayed_again(world: World) -> None:
    view = build(world, "queue")
    view.close()
    assert view.comm is None
