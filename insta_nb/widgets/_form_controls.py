"""The controls of the create form and how they are laid out (no behaviour here).

:class:`FormControls` is a mixin of :class:`~insta_nb.widgets.CreateForm`: it builds
every input with its ``description`` and ``tooltip``, one message area per slot, the
JSON preview and the Submit button; ``create_form`` wires them up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from insta_nb import catalog
from insta_nb.widgets._form_fields import SLOT_NAMES
from insta_nb.widgets._table_style import style_widget
from insta_nb.widgets.snapshot import esc

if TYPE_CHECKING:
    from insta_nb.session import Session

__all__ = ["Addon", "FormControls", "set_options"]

DESC = {"description_width": "140px"}


class Addon:
    """An add-on bundle: a checkbox and its version."""

    def __init__(self, name: str) -> None:
        info = catalog.BUNDLES[name]
        self.name = name
        self.enabled = w.Checkbox(
            value=False,
            description=f"Add {name}",
            tooltip=f"Add the {name} bundle to this cluster",
            indent=False,
            layout=w.Layout(width="230px"),
        )
        self.version = w.Dropdown(
            options=list(info.versions),
            value=info.versions[-1],
            description="version",
            tooltip=f"{name} version",
            style={"description_width": "auto"},
            layout=w.Layout(width="220px"),
        )
        self.box = w.HBox([self.enabled, self.version])


class FormControls:
    """Builds the form's widgets as attributes (mixed into :class:`CreateForm`)."""

    session: Session

    def _build_controls(self) -> None:
        #: One message area per slot, shown next to its controls.
        self.messages = {slot: message_widget() for slot in SLOT_NAMES}
        self.name = w.Text(
            value="",
            description="Cluster name",
            placeholder="e.g. orders_cassandra",
            tooltip="Letters, digits, '_' and '-', at most 32 characters",
            continuous_update=True,
            style=DESC,
            layout=wide(),
        )
        self.force = w.Checkbox(
            value=False,
            description="Create even though that name exists",
            tooltip="The API allows two clusters with one name; tick to insist",
            indent=False,
            layout=w.Layout(display="none"),
        )
        self.bundle = w.Dropdown(
            options=list(catalog.base_bundles()),
            value="APACHE_CASSANDRA",
            description="Bundle",
            tooltip="The main software of the cluster",
            style=DESC,
            layout=wide(),
        )
        self.version = w.Dropdown(
            description="Version", tooltip="Bundle version", style=DESC, layout=wide()
        )
        self.addon_box = w.VBox([], layout=w.Layout(margin="0 0 0 144px"))
        self.options_box = w.VBox([], layout=w.Layout(margin="0 0 0 144px"))
        self.redis_masters = w.IntText(
            value=3,
            description="Master nodes",
            tooltip="Redis master nodes (masterNodes option, 3 or more)",
            style=DESC,
            layout=w.Layout(width="260px"),
        )
        self.redis_replicas = w.IntText(
            value=0,
            description="Replica nodes",
            tooltip="Redis replica nodes (replicaNodes option)",
            style=DESC,
            layout=w.Layout(width="260px"),
        )
        self.provider = w.Dropdown(
            options=list(catalog.PROVIDERS),
            value="AWS_VPC",
            description="Provider",
            tooltip="Cloud provider",
            style=DESC,
            layout=wide(),
        )
        self.region = w.Dropdown(
            description="Region", tooltip="Data centre region", style=DESC, layout=wide()
        )
        self.size = w.Dropdown(
            description="Node size",
            tooltip="Node size offered for this bundle on this provider",
            style=DESC,
            layout=wide(),
        )
        self.racks = w.IntText(
            value=3,
            description="Racks",
            tooltip=f"Number of racks ({catalog.RACKS_MIN}–{catalog.RACKS_MAX})",
            style=DESC,
            layout=w.Layout(width="220px"),
        )
        self.nodes_per_rack = w.IntText(
            value=1,
            description="Nodes per rack",
            tooltip=(
                f"Nodes in each rack ({catalog.NODES_PER_RACK_MIN}–{catalog.NODES_PER_RACK_MAX})"
            ),
            style={"description_width": "110px"},
            layout=w.Layout(width="190px"),
        )
        self.racks_box = w.HBox([self.racks, self.nodes_per_rack])
        self.network = w.Text(
            value=catalog.DEFAULT_CLUSTER_NETWORK,
            description="Cluster network",
            placeholder=catalog.DEFAULT_CLUSTER_NETWORK,
            tooltip="Private IPv4 range for the cluster, /12 to /22",
            continuous_update=True,
            style=DESC,
            layout=wide(),
        )
        self.sla = w.Dropdown(
            options=list(catalog.SLA_TIERS),
            value="NON_PRODUCTION",
            description="SLA tier",
            tooltip="NON_PRODUCTION: no SLA (development, tests); PRODUCTION: SLA-backed",
            style=DESC,
            layout=wide(),
        )
        self.private = w.Checkbox(
            value=False,
            description="Private network cluster",
            tooltip="Nodes get private addresses only",
            indent=False,
        )
        self.pci = w.Checkbox(
            value=False,
            description="PCI compliant",
            tooltip="Only on AWS_VPC, and not with SPARK or ZEPPELIN",
            indent=False,
        )
        self.key = w.Dropdown(
            options=[("(none: provider-managed keys)", "")],
            value="",
            description="Disk encryption key",
            tooltip="An AWS KMS key registered with the account (AWS_VPC only)",
            style=DESC,
            layout=wide(),
        )
        self.key_reload = w.Button(
            description="",
            icon="refresh",
            tooltip="Reload the account's encryption keys",
            layout=w.Layout(width="36px"),
        )
        self.key_box = w.HBox([self.key, self.key_reload])
        self.rule_cidr = w.Text(
            value="",
            description="Allow network",
            placeholder="203.0.113.7/32",
            tooltip="An IPv4 network (CIDR) allowed to reach the cluster",
            continuous_update=True,
            style=DESC,
            layout=w.Layout(width="330px"),
        )
        self.rule_add = w.Button(
            description="Add rule",
            icon="plus",
            tooltip="Add this network to the cluster's firewall rules",
            disabled=True,
            layout=w.Layout(width="auto"),
        )
        # Its tooltip names the address echo it asks: MyAddress (_myaddress.py) sets it.
        self.rule_mine = w.Button(
            description="My address", icon="map-marker", layout=w.Layout(width="auto")
        )
        self.rule_types = w.HTML()
        self.rules_box = w.VBox([], layout=w.Layout(margin="0 0 0 144px"))
        self.submit = w.Button(
            description="Create cluster",
            icon="plus-circle",
            button_style="primary",
            tooltip="Send the create request",
            disabled=True,
            # Never squeezed by a long outcome next to it ("Crea…").
            layout=w.Layout(width="auto", min_width="150px", flex="0 0 auto"),
        )
        self.outcome = w.HTML(layout=w.Layout(margin="0 0 0 8px", flex="1 1 240px"))
        self.preview = w.HTML()
        self.preview_box = w.Accordion(
            [self.preview], titles=("Request body: POST /provisioning/v1/extended/",)
        )
        # Closed at first: open, it is taller than the form and pushed Create below the
        # fold wherever it wrapped under the fields.
        self.preview_box.selected_index = None

    def _layout(self) -> list[w.Widget]:
        m = self.messages
        title = "Create a cluster" + (" — embedded simulator" if self.session.is_simulated else "")

        def field(*controls: w.Widget, slot: str) -> w.HBox:
            return w.HBox([*controls, m[slot]], layout=w.Layout(align_items="center"))

        fields = w.VBox(
            [
                field(self.name, slot="name"),
                self.force,
                field(self.bundle, slot="bundle"),
                self.version,
                field(self.addon_box, slot="addons"),
                field(self.options_box, slot="options"),
                field(self.provider, slot="provider"),
                field(self.region, slot="region"),
                field(self.size, slot="size"),
                field(self.racks_box, slot="racks"),
                field(self.network, slot="network"),
                field(self.sla, slot="sla"),
                field(indented(self.private), slot="private"),
                field(indented(self.pci), slot="pci"),
                field(self.key_box, slot="key"),
                field(self.rule_cidr, self.rule_add, self.rule_mine, slot="rules"),
                w.HBox([self.rule_types], layout=w.Layout(margin="0 0 0 144px")),
                self.rules_box,
                m["general"],
                w.HBox(
                    [self.submit, self.outcome],
                    layout=w.Layout(align_items="center", flex_flow="row wrap"),
                ),
            ],
            layout=w.Layout(flex="1 1 560px"),
        )
        return [
            style_widget(),
            w.HTML(f"<b>{esc(title)}</b>"),
            w.HBox(
                [fields, w.Box([self.preview_box], layout=w.Layout(flex="1 1 360px"))],
                layout=w.Layout(flex_flow="row wrap", align_items="flex-start"),
            ),
        ]


def wide() -> w.Layout:
    # A fresh Layout each time: a Layout is a widget model and is closed with its owner.
    return w.Layout(width="400px")


def indented(control: w.Widget) -> w.HBox:
    return w.HBox([control], layout=w.Layout(margin="0 0 0 144px"))


def message_widget() -> w.HTML:
    return w.HTML(value="", layout=w.Layout(margin="0 0 0 8px", max_width="420px"))


def set_options(dropdown: w.Dropdown, options: list[str], prefer: str | None = None) -> None:
    """Replace a dropdown's choices, keeping its value when it is still offered."""
    current = dropdown.value
    if list(dropdown.options) != options:
        dropdown.options = options
    if current in options:
        dropdown.value = current
    elif prefer in options:
        dropdown.value = prefer
    elif options:
        dropdown.value = options[0]
