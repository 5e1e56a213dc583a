"""What plug-ins of a row's details get: a place to draw, the table's pause, their own
delete wording, and errors that never re-enable a delete still on its way."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import ipywidgets as w
import pytest

from insta_nb.models import ClusterStatus
from insta_nb.peering import AwsVpcPeeringSpec
from insta_nb.service import ClusterRow
from insta_nb.widgets import ClusterTable
from insta_nb.widgets.delete_confirm import ConfirmState
from insta_nb.widgets.peering_panel import PeeringPanel, peering_panel
from insta_nb.widgets.row_extensions import RowAction, RowContext

from .conftest import World
from .row_support import running_cluster

AWS = AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.1.0.0/16",))


@pytest.fixture
def table(world: World) -> Iterator[ClusterTable]:
    bridge = world.bridge()
    t = ClusterTable(world.session, bridge=bridge, watch=False, confirm_timeout=10)
    bridge.drain()
    yield t
    t.close()


def row(cluster_id: str = "c-1", name: str = "plugged") -> ClusterRow:
    return ClusterRow(
        id=cluster_id, name=name, status=ClusterStatus.RUNNING, sla_tier="NON_PRODUCTION", version=1
    )


def text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_an_action_draws_what_it_returns_in_the_details_and_can_remove_it(
    table: ClusterTable,
) -> None:
    contexts: list[RowContext] = []

    def note(ctx: RowContext) -> w.Widget:
        contexts.append(ctx)
        return w.HTML(f"A note about {ctx.row.name}")

    table.add_row_action(RowAction("Note", run=note, tooltip="Write a note"))
    table.show_rows([row()])
    view = table.row_views["c-1"]
    view.details_toggle.value = True
    details = view.details
    assert details is not None
    assert details.action_box.children == ()
    details.action_bar.children[0].click()
    first = details.action_widget
    assert isinstance(first, w.HTML)
    assert first.value == "A note about plugged"
    assert details.action_box.children == (first,)
    details.action_bar.children[0].click()  # again: the new widget replaces the old one
    second = details.action_widget
    assert second is not first
    assert first.comm is None  # the replaced widget is closed
    contexts[-1].show(None)  # the action removes what it drew
    assert details.action_box.children == ()
    assert second is not None
    assert second.comm is None
    details.action_bar.children[0].click()
    third = details.action_widget
    view.details_toggle.value = False
    assert third is not None
    assert third.comm is None  # closed with the details


def test_report_error_leaves_a_delete_on_its_way_alone(world: World, table: ClusterTable) -> None:
    cluster_id = world.create("busy")
    table.bridge.run(world.session.service.list_clusters)
    table.bridge.drain()
    view = table.row_views[cluster_id]
    view.delete.delete_button.click()
    view.delete.confirm_button.click()  # the delete is queued, not answered yet
    assert view.delete.state is ConfirmState.DELETING
    table.report_error(cluster_id, "Resize refused: quota")  # e.g. a plug-in's failure
    assert "Resize refused: quota" in view.error_html.value
    assert view.delete.state is ConfirmState.DELETING
    assert view.delete.delete_button.disabled  # no second delete can be started
    assert view.delete.delete_button.description == "Deleting…"
    table.bridge.drain()
    assert world.sent("DELETE") == 1
    assert view.delete.delete_button.disabled


def test_the_peering_panel_pauses_with_the_table_and_lists_again_on_resume(
    world: World,
) -> None:
    cluster_id = running_cluster(world, "paused_peer")
    world.session.sync.create_vpc_peering(cluster_id, AWS)
    bridge = world.bridge()
    table = ClusterTable(world.session, bridge=bridge, watch=False)
    table.add_row_panel(peering_panel())
    bridge.drain()
    view = table.row_views[cluster_id]
    view.details_toggle.value = True
    bridge.drain()
    assert view.details is not None
    panel = next(c for c in view.details.children if isinstance(c, PeeringPanel))
    lists = world.sent("GET", "vpc-peering")
    table.pause_toggle.value = True
    assert panel.paused
    assert panel.status.text == "Paused with the table."
    world.timers.advance(3600)  # an hour paused: the panel asks nothing
    bridge.drain()
    assert world.sent("GET", "vpc-peering") == lists
    table.pause_toggle.value = False  # resumed: it lists at once, then on its period
    bridge.drain()
    assert world.sent("GET", "vpc-peering") == lists + 1
    assert panel.status.text == ""
    table.interval_choice.value = 300.0  # the user's period applies to the panel too
    bridge.drain()
    world.timers.advance(299)
    bridge.drain()
    assert world.sent("GET", "vpc-peering") == lists + 1
    world.timers.advance(300 * 6)  # every peering is still pending: at most 300 s
    bridge.drain()
    assert world.sent("GET", "vpc-peering") > lists + 1
    assert table.refresh_state.period == 300.0
    with pytest.raises(Exception, match="read-only"):
        table.refresh_state.paused = True  # type: ignore[misc]  # plug-ins only read it
    table.close()


def test_a_peerings_delete_question_speaks_of_the_peering(world: World) -> None:
    cluster_id = running_cluster(world, "worded", "PRODUCTION")
    world.session.sync.create_vpc_peering(cluster_id, AWS)
    bridge = world.bridge()
    table = ClusterTable(world.session, bridge=bridge, watch=False)
    table.add_row_panel(peering_panel())
    bridge.drain()
    view = table.row_views[cluster_id]
    view.details_toggle.value = True
    bridge.drain()
    assert view.details is not None
    panel = next(c for c in view.details.children if isinstance(c, PeeringPanel))
    confirm = panel.list_box.children[0].delete
    confirm.delete_button.click()
    question = text(confirm.question.value)
    assert "Delete the VPC peering to vpc-0a1b2c3d? This cannot be undone." in question
    assert "Type the peer network's name to confirm." in question
    assert "cluster" not in question
    assert confirm.typed_name.placeholder == "type the peer network's name"
    view.delete.delete_button.click()  # the cluster's own question keeps its words
    assert "Delete cluster worded? This cannot be undone." in text(view.delete.question.value)
    assert "Type its name to confirm." in text(view.delete.question.value)
    table.close()
