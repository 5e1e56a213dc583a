"""The Resize action: only valid sizes, a confirmation naming old → new, one request, progress."""

from __future__ import annotations

import re

import ipywidgets as w

from insta_nb.peering import AwsVpcPeeringSpec
from insta_nb.widgets import ClusterTable
from insta_nb.widgets._tree import walk
from insta_nb.widgets.peering_panel import PeeringPanel
from insta_nb.widgets.resize_dialog import ResizeDialog
from insta_nb.widgets.resize_panel import ResizeFeature, ResizePanel, ResizePicker
from insta_nb.widgets.row_features import add_row_features

from .conftest import World
from .row_support import RUNNING_AFTER, Context, running_cluster
from .test_accessibility import CONTROLS


def text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def resizes(world: World) -> int:
    return world.sent("POST", "/resize")


def opened(world: World, name: str) -> tuple[ResizePanel, ResizePicker, Context]:
    cluster_id = running_cluster(world, name)
    ctx = Context(world, world.bridge(), cluster_id)
    feature = ResizeFeature(confirm_timeout=10)
    panel = feature.panel().build(ctx())
    assert isinstance(panel, ResizePanel)
    picker = feature.action().run(ctx())
    assert isinstance(picker, ResizePicker)
    ctx.show(picker)  # what a row's details do with the widget an action returns
    ctx.bridge.drain()
    return panel, picker, ctx


def test_the_picker_offers_only_the_sizes_the_data_centre_may_take(world: World) -> None:
    panel, picker, ctx = opened(world, "picky")
    dialog = picker.dialog
    valid = world.session.sync.resize_sizes(ctx.cluster_id)
    assert valid == ["t3.medium-v2"]
    assert list(dialog.size.options) == valid  # not the provider's whole list of sizes
    assert "Now t3.small-v2." in dialog.messages["newNodeSize"].text
    assert dialog.concurrent.max == 1  # three racks of one node
    assert not dialog.review.disabled
    picker.close()
    panel.close()


def test_resize_asks_naming_cluster_data_centre_and_sizes_and_sends_once(world: World) -> None:
    panel, picker, ctx = opened(world, "grower")
    dialog = picker.dialog
    dialog.review.click()
    question = text(dialog.question.value)
    assert "Resize cluster grower, data centre AWS_VPC_US_WEST_2" in question
    assert "t3.small-v2 → t3.medium-v2" in question
    assert dialog.is_asking
    dialog.keep_button.click()
    assert not dialog.is_asking
    dialog.review.click()
    world.timers.advance(10.5)  # unanswered: the question closes by itself
    assert not dialog.is_asking
    dialog.confirm()  # too late: nothing to confirm
    ctx.bridge.drain()
    assert resizes(world) == 0
    dialog.review.click()
    dialog.confirm_button.click()
    dialog.confirm_button.click()  # a second confirm while the first is on its way
    ctx.bridge.drain()
    assert resizes(world) == 1
    details = world.session.sync.get_cluster(ctx.cluster_id)
    assert details.data_centres[0].resize_target_node_size == "t3.medium-v2"
    assert ctx.shown is None  # accepted: the picker removed itself from the details
    assert picker.comm is None
    panel.close()


def test_progress_moves_to_done_as_the_rolling_resize_runs(world: World) -> None:
    panel, picker, ctx = opened(world, "rolling")
    dialog = picker.dialog
    dialog.review.click()
    dialog.confirm_button.click()
    ctx.bridge.drain()
    panel.update(ctx())
    assert panel.progress_text().startswith(
        "◔ Resizing AWS_VPC_US_WEST_2 t3.small-v2 → t3.medium-v2"
    )
    seen = []
    for _ in range(4):
        world.advance(300)  # one node a batch, 300 s each
        world.on_engine(lambda: world.session.service.get_cluster(ctx.cluster_id))
        panel.update(ctx())
        seen.append([(p.done, p.total, p.finished) for p in panel.progress])
    assert seen[0] == [(1, 3, False)]
    assert seen[1] == [(2, 3, False)]
    assert seen[-1] == [(3, 3, True)]
    assert "✓ Resized AWS_VPC_US_WEST_2 t3.small-v2 → t3.medium-v2: 3/3 nodes" in text(
        panel.progress_html.value
    )
    assert resizes(world) == 1
    panel.close()


def test_the_apis_refusal_shows_on_the_picker_in_its_words(world: World) -> None:
    cluster_id = world.create("early")
    world.advance(151)  # PROVISIONED, not RUNNING: the API refuses a resize
    world.list()
    world.on_engine(lambda: world.session.service.get_cluster(cluster_id))
    ctx = Context(world, world.bridge(), cluster_id)
    dialog = ResizeDialog(ctx(), lambda *_: None, timeout=10)
    ctx.bridge.drain()
    dialog.review.click()
    dialog.confirm_button.click()
    ctx.bridge.drain()
    assert resizes(world) == 1
    assert dialog.outcome.tone == "error"
    assert dialog.outcome_text.startswith("Not resized: ")
    assert "not currently in a state to support a resize" in dialog.outcome_text
    assert not dialog.review.disabled  # it can be tried again later
    dialog.close()


def test_resize_opens_its_picker_in_the_row_details_and_the_row_shows_the_progress(
    world: World,
) -> None:
    cluster_id = running_cluster(world, "tabled")
    bridge = world.bridge()
    table = ClusterTable(world.session, bridge=bridge, watch=False, confirm_timeout=10)
    add_row_features(table)
    bridge.drain()
    view = table.row_views[cluster_id]
    assert "resizing" not in view.cells.value
    view.details_toggle.value = True
    bridge.drain()
    details = view.details
    assert details is not None
    button = next(b for b in details.action_bar.children if b.description == "Resize")
    assert not button.disabled
    button.click()
    bridge.drain()
    picker = details.action_widget
    assert isinstance(picker, ResizePicker)
    assert details.action_box.children == (picker,)  # drawn under the action bar
    assert list(picker.dialog.size.options) == ["t3.medium-v2"]
    assert resizes(world) == 0
    picker.dialog.review.click()
    picker.dialog.confirm_button.click()
    bridge.drain()
    assert resizes(world) == 1
    # Accepted: the picker is gone and the Resize section shows the progress at once.
    assert details.action_box.children == ()
    assert picker.comm is None
    section = next(c for c in details.children if isinstance(c, ResizePanel))
    assert section.progress_text().startswith("◔ Resizing AWS_VPC_US_WEST_2")
    # The row's own line says how far the resize is, details open or not.
    view.details_toggle.value = False
    for done in (1, 2):
        world.advance(300)  # one node a batch, 300 s each
        world.on_engine(lambda: world.session.service.get_cluster(cluster_id))
        bridge.drain()
        assert f"resizing {done}/3 nodes" in text(view.cells.value)
        assert f"RUNNING · resizing {done}/3 nodes" in table.snapshot_text()
    world.advance(300)
    world.on_engine(lambda: world.session.service.get_cluster(cluster_id))
    bridge.drain()
    assert "resizing" not in view.cells.value  # done: the status alone again
    table.close()


def test_a_picker_opened_before_the_details_came_asks_again_with_them(world: World) -> None:
    cluster_id = world.create("late")
    world.advance(RUNNING_AFTER)
    world.list()
    ctx = Context(world, world.bridge(), cluster_id)
    assert ctx().row.details is None  # a list brings no data centres
    feature = ResizeFeature(confirm_timeout=10)
    action = feature.action()
    picker = action.run(ctx())
    assert isinstance(picker, ResizePicker)
    ctx.show(picker)
    assert "not known yet" in picker.dialog.messages["data_centre_id"].text
    assert picker.dialog.review.disabled
    world.on_engine(lambda: world.session.service.get_cluster(cluster_id))
    assert action.update is not None
    action.update(picker, ctx())  # the row changed while the picker is shown
    ctx.bridge.drain()
    assert list(picker.dialog.size.options) == ["t3.medium-v2"]
    picker.close_button.click()  # closing the picker sends nothing
    assert ctx.shown is None
    assert picker.comm is None
    assert resizes(world) == 0


def test_every_control_of_the_peering_form_and_the_picker_says_what_it_does(
    world: World,
) -> None:
    cluster_id = running_cluster(world, "labelled")
    world.session.sync.create_vpc_peering(
        cluster_id, AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.1.0.0/16",))
    )
    bridge = world.bridge()
    table = ClusterTable(world.session, bridge=bridge, watch=False, confirm_timeout=10)
    add_row_features(table)
    bridge.drain()
    view = table.row_views[cluster_id]
    view.details_toggle.value = True
    bridge.drain()
    details = view.details
    assert details is not None
    next(b for b in details.action_bar.children if b.description == "Resize").click()
    peering = next(c for c in details.children if isinstance(c, PeeringPanel))
    peering.add_button.click()
    bridge.drain()
    peering.list_box.children[0].delete.delete_button.click()  # its question's controls too
    controls = [x for x in walk(details) if isinstance(x, (*CONTROLS, w.BoundedIntText))]
    assert len(controls) > 20
    silent = [x for x in controls if not (x.description or "").strip() and not x.tooltip]
    assert silent == []
    table.close()
