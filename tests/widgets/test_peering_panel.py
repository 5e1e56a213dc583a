"""The VPC peering section of a row's details: status, the add form, delete with confirmation."""

from __future__ import annotations

import html
import json
import re

from insta_nb.models import ClusterStatus, DataCentre
from insta_nb.peering import AwsVpcPeeringSpec, PeeringStatus, VpcPeering
from insta_nb.session import ClusterRow
from insta_nb.widgets import ClusterTable
from insta_nb.widgets.delete_confirm import ConfirmState
from insta_nb.widgets.peering_form import PeeringForm
from insta_nb.widgets.peering_line import PeeringLine
from insta_nb.widgets.peering_panel import PeeringPanel, peering_panel
from insta_nb.widgets.row_extensions import RowContext

from .conftest import World, close_world, make_world
from .row_support import Context, running_cluster

AWS = AwsVpcPeeringSpec("vpc-0a1b2c3d", "123456789012", ("10.1.0.0/16",))


def text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def panel_for(world: World, name: str, tier: str = "NON_PRODUCTION") -> PeeringPanel:
    cluster_id = running_cluster(world, name, tier)
    bridge = world.bridge()
    panel = PeeringPanel(Context(world, bridge, cluster_id)(), refresh_period=5)
    bridge.drain()
    return panel


def fill(form: PeeringForm, **values: str) -> None:
    for field, value in values.items():
        form.fields[field].value = value


def test_the_panel_lists_each_peering_with_its_status_and_follows_it(world: World) -> None:
    cluster_id = running_cluster(world, "peered")
    peering_id = world.session.sync.create_vpc_peering(cluster_id, AWS)
    bridge = world.bridge()
    panel = PeeringPanel(Context(world, bridge, cluster_id)(), refresh_period=5)
    bridge.drain()
    assert "vpc-0a1b2c3d (123456789012)" in panel.snapshot_text()
    assert "initiating-request" in panel.snapshot_text()
    world.advance(10)
    world.timers.advance(5)  # the panel lists again by itself while open
    bridge.drain()
    line = text(panel.list_box.children[0].info.value)
    assert "pending-acceptance: waiting for the peer account to accept" in line
    assert "10.1.0.0/16" in line
    assert world.sim.peerings.accept(peering_id)
    world.advance(60)
    world.timers.advance(5)
    bridge.drain()
    assert "✓ active" in text(panel.list_box.children[0].info.value)
    lists = world.sent("GET", "vpc-peering")
    panel.close()
    world.timers.advance(600)
    bridge.drain()
    assert world.sent("GET", "vpc-peering") == lists  # closed: no more listing


def test_bad_cidr_and_account_id_are_refused_next_to_their_fields_and_nothing_is_sent(
    world: World,
) -> None:
    panel = panel_for(world, "strict")
    panel.add_button.click()
    form = panel.form
    assert form is not None
    # An AWS data centre: the AWS fields, none of GCP's or Azure's.
    shown = {name for name, line in form._rows.items() if line.layout.display != "none"}
    assert shown == {"peerVpcId", "peerAccountId", "peerSubnets", "peerRegion"}
    fill(form, peerVpcId="vpc-0a1b2c3d", peerAccountId="12345", peerSubnets="10.1.0.0/33")
    assert "12 digits" in form.messages["peerAccountId"].text
    assert "Subnet 1" in form.messages["peerSubnets"].text
    assert form.messages["peerVpcId"].text == ""
    assert form.submit.disabled
    assert form.submit.tooltip == "Fix 2 problem(s) first"
    fill(form, peerAccountId="123456789012", peerSubnets="10.224.3.0/24")  # the cluster's own
    assert "overlaps" in form.messages["peerSubnets"].text
    form.submit.click()
    form._on_submit()
    panel.ctx.bridge.drain()
    assert world.sent("POST", "vpc-peering") == 0
    panel.close()


def test_a_good_form_previews_the_body_and_creates_one_peering_that_appears(world: World) -> None:
    panel = panel_for(world, "linked")
    panel.add_button.click()
    form = panel.form
    assert form is not None
    fill(form, peerVpcId="vpc-0a1b2c3d", peerAccountId="123456789012", peerSubnets="10.1.0.0/16")
    form.region.value = "US_EAST_1"
    assert form.problems == {}
    body = json.loads(text(form.preview.value))
    assert body["peerVpcId"] == "vpc-0a1b2c3d"
    assert body["peerSubnets"] == ["10.1.0.0/16"]
    assert body["peerRegion"] == "US_EAST_1"
    assert not form.submit.disabled
    form.submit.click()
    form.submit.click()  # a double click sends one request
    panel.ctx.bridge.drain()
    assert world.sent("POST", "vpc-peering") == 1
    assert form.created_id is not None
    assert panel.form is None  # sent: the form closed, no stray click can send it again
    assert panel.outcome.text == f"Peering {form.created_id} requested; its status shows above."
    assert form.created_id in {p.id for p in panel.peerings or ()}
    assert "vpc-0a1b2c3d" in panel.snapshot_text()
    # The API's own refusal (a second peering to the same VPC) shows on the form.
    panel.add_button.click()
    form = panel.form
    assert form is not None
    fill(form, peerVpcId="vpc-0a1b2c3d", peerAccountId="123456789012", peerSubnets="10.1.0.0/16")
    form.submit.click()
    panel.ctx.bridge.drain()
    assert world.sent("POST", "vpc-peering") == 2
    assert "already exists" in form.outcome_text
    assert form.outcome.tone == "error"
    panel.close()


def test_deleting_a_peering_needs_confirmation_and_production_the_typed_name(
    world: World,
) -> None:
    cluster_id = running_cluster(world, "prod_peered", "PRODUCTION")
    world.session.sync.create_vpc_peering(cluster_id, AWS)
    bridge = world.bridge()
    panel = PeeringPanel(Context(world, bridge, cluster_id)(), refresh_period=5)
    bridge.drain()
    line = panel.list_box.children[0]
    confirm = line.delete
    confirm.delete_button.click()
    assert confirm.state is ConfirmState.CONFIRMING
    assert "Delete the VPC peering to <b>vpc-0a1b2c3d</b>?" in confirm.question.value
    assert confirm.confirm_button.disabled  # PRODUCTION: the peer's name must be typed
    confirm._on_confirm_click()
    confirm.typed_name.value = "vpc-0a1b2c3"
    confirm._on_confirm_click()
    bridge.drain()
    assert world.sent("DELETE", "vpc-peering") == 0
    world.timers.advance(11)  # unanswered: the question closes by itself
    assert not confirm.is_open
    confirm.delete_button.click()
    confirm.typed_name.value = "vpc-0a1b2c3d"
    confirm.confirm_button.click()
    confirm.confirm_button.click()
    bridge.drain()
    assert world.sent("DELETE", "vpc-peering") == 1
    assert "deleting" in panel.snapshot_text()
    world.advance(60)
    world.timers.advance(5)
    bridge.drain()
    assert panel.snapshot_text() == "VPC peerings: none"
    panel.close()


def test_a_failed_list_shows_in_the_panel_and_it_keeps_trying(world: World) -> None:
    panel = panel_for(world, "vanishing")
    world.session.sync.delete_cluster(panel.ctx.cluster_id)
    world.advance(3600)  # the cluster and its data centre are gone
    world.timers.advance(30)  # no peering whose status may change: a slower refresh
    panel.ctx.bridge.drain()
    assert panel.status.tone == "error"
    assert panel.status.text.startswith("Could not list the VPC peerings: ")
    world.timers.advance(5 * 6)  # and it tries again later, without raising
    panel.ctx.bridge.drain()
    panel.close()


def test_the_panel_plugs_into_a_table_row_and_closes_with_the_details(world: World) -> None:
    cluster_id = running_cluster(world, "tabled")
    bridge = world.bridge()
    table = ClusterTable(world.session, bridge=bridge, watch=False)
    table.add_row_panel(peering_panel())
    bridge.drain()
    view = table.row_views[cluster_id]
    view.details_toggle.value = True
    bridge.drain()
    assert view.details is not None
    panels = [c for c in view.details.children if isinstance(c, PeeringPanel)]
    assert len(panels) == 1
    assert panels[0].snapshot_text() == "VPC peerings: none"
    view.details_toggle.value = False
    assert panels[0]._closed
    table.close()


def test_the_form_asks_the_fields_of_the_data_centres_cloud(world: World) -> None:
    bridge = world.bridge()
    form = PeeringForm(world.session, bridge, "c-1")
    assert form.problems == {"data_centre_id": "Loading the data centres…"}
    assert form.submit.disabled
    gcp = DataCentre("dc-gcp", "us-east1", "GCP", ClusterStatus.RUNNING, network="10.0.0.0/16")
    azure = DataCentre("dc-az", "EAST_US", "AZURE_AZ", ClusterStatus.RUNNING)
    form.set_data_centres([gcp, azure])

    def shown() -> set[str]:
        return {name for name, line in form._rows.items() if line.layout.display != "none"}

    assert shown() == {"peerProjectId", "peerVpcNetworkName", "peerSubnets"}
    fill(
        form, peerProjectId="my-project-1", peerVpcNetworkName="default", peerSubnets="10.0.1.0/24"
    )
    assert "overlaps" in form.messages["peerSubnets"].text  # the data centre's own network
    fill(form, peerSubnets="10.9.0.0/16")
    assert form.problems == {}
    assert set(json.loads(text(form.preview.value))) == {
        "peerProjectId", "peerVpcNetworkName", "peerSubnets", "addNetworkToFirewallRules",
    }  # fmt: skip
    form.data_centre.value = "dc-az"
    assert shown() == {
        "peerSubscriptionId", "peerResourceGroup", "peerVNetNetworkName", "peerAdObjectId",
        "peerSubnets",
    }  # fmt: skip
    assert "UUID" in form.messages["peerSubscriptionId"].text
    assert form.messages["peerAdObjectId"].text == ""  # optional
    assert form.submit.disabled
    form.close()
    assert world.sim.log == []


def test_a_read_only_key_can_neither_add_nor_delete_and_says_why() -> None:
    world = make_world(read_only=True)
    try:
        bridge = world.bridge()
        form = PeeringForm(world.session, bridge, "c-1")
        aws = DataCentre("dc-1", "US_WEST_2", "AWS_VPC", ClusterStatus.RUNNING)
        form.set_data_centres([aws])
        fill(form, peerVpcId="vpc-0a1b2c3d", peerAccountId="123456789012")
        assert form.problems == {}
        assert form.submit.disabled
        assert "read-only" in form.submit.tooltip
        form._on_submit()
        row = ClusterRow("c-1", "ro", ClusterStatus.RUNNING, sla_tier="NON_PRODUCTION")
        ctx = RowContext(row, world.session, bridge, "widget:test", lambda _: None)
        peering = VpcPeering("p-1", "dc-1", PeeringStatus.ACTIVE, peer_vpc_id="vpc-0a1b2c3d")
        line = PeeringLine(peering, ctx, lambda: None)
        assert line.delete.delete_button.disabled
        assert "read-only" in line.delete.delete_button.tooltip
        line.delete.delete_button.click()
        assert not line.delete.is_open
        bridge.drain()
        form.close()
        line.close()
        assert world.sim.log == []
    finally:
        close_world(world)


def test_a_data_centre_not_ready_gets_a_hint_and_the_apis_refusal_on_the_form(
    world: World,
) -> None:
    cluster_id = world.create("young")
    world.list()
    world.on_engine(lambda: world.session.service.get_cluster(cluster_id))
    bridge = world.bridge()
    panel = PeeringPanel(Context(world, bridge, cluster_id)(), refresh_period=5)
    bridge.drain()
    panel.add_button.click()
    form = panel.form
    assert form is not None
    hint = form.messages["data_centre_id"]
    assert (hint.tone, hint.text) == (
        "muted",
        "It is GENESIS: peering is possible once PROVISIONED or RUNNING.",
    )
    fill(form, peerVpcId="vpc-0a1b2c3d", peerAccountId="123456789012", peerSubnets="10.1.0.0/16")
    form.submit.click()
    bridge.drain()
    assert world.sent("POST", "vpc-peering") == 1
    assert form.outcome.tone == "error"
    assert form.outcome_text.startswith("Not added: The cluster data centre is GENESIS")
    assert not form.submit.disabled  # it may be tried again once the data centre is ready
    panel.close()
