"""The "Add VPC peering" form of one cluster: the fields of the data centre's cloud.

Every change re-runs :meth:`Session.validate_vpc_peering` (the backend's validation,
the data centre's own network included) and shows each message next to the field it
names; the preview shows the exact body :meth:`Session.preview_vpc_peering` says will be
sent. Add stays disabled while anything is invalid or a request is in flight, so a
double click sends one request. The API's own refusal appears next to the field it
names, or under the form.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import ipywidgets as w

from insta_nb import catalog, errors
from insta_nb.models import ClusterStatus, DataCentre
from insta_nb.peering import VpcPeeringSpec
from insta_nb.widgets._bridge import Bridge
from insta_nb.widgets._form_html import draw_submit, preview_html
from insta_nb.widgets._messages import MessageArea, error_text, owned_call
from insta_nb.widgets._peering_fields import (
    ALL_FIELDS,
    FIELDS_BY_PROVIDER,
    OTHER_SLOTS,
    build_spec,
    field_of,
    peering_cloud,
    text_control,
)
from insta_nb.widgets._tree import close_tree

if TYPE_CHECKING:
    from insta_nb.session import Session

__all__ = ["PeeringForm"]

_DESC = {"description_width": "130px"}
_ids = itertools.count(1)
#: Data centre states in which the API sets a peering up.
_READY = frozenset({ClusterStatus.PROVISIONED, ClusterStatus.RUNNING})


class PeeringForm(w.VBox):
    """Asks one data centre of ``cluster_id`` for a VPC peering.

    Args:
        session: Where to send it.
        bridge: The table's bridge (results come back on the widgets' thread).
        cluster_id: The cluster whose data centre peers.
        on_created: Called with the new peering's id (the panel lists again).
    """

    def __init__(
        self,
        session: Session,
        bridge: Bridge,
        cluster_id: str,
        on_created: Callable[[str], None] | None = None,
    ) -> None:
        self.session = session
        self.bridge = bridge
        self.cluster_id = cluster_id
        self.owner = f"widget:peering-form:{next(_ids)}"
        self._on_created = on_created
        self._dcs: dict[str, DataCentre] = {}
        self._problems: dict[str, str] = {}
        self._api_errors: dict[str, str] = {}
        self._in_flight = False
        self._closed = False
        self.outcome_text = ""
        self.created_id: str | None = None
        self.messages: dict[str, MessageArea] = {
            slot: MessageArea() for slot in (*ALL_FIELDS, *OTHER_SLOTS, "data_centre_id")
        }
        self.data_centre = w.Dropdown(
            options=[], description="Data centre", tooltip="The data centre that peers",
            style=_DESC, layout=w.Layout(width="400px"),
        )  # fmt: skip
        self.fields = {info.api: text_control(info) for info in ALL_FIELDS.values()}
        regions = [(r, r) for r in catalog.AWS_PEER_REGIONS]
        self.region = w.Dropdown(
            options=[("(the data centre's region)", ""), *regions],
            value="", description="Peer region", tooltip="The peer VPC's AWS region",
            style=_DESC, layout=w.Layout(width="400px"),
        )  # fmt: skip
        self.add_to_firewall = w.Checkbox(
            value=False, description="Also allow the peer subnets in the cluster's firewall",
            tooltip="addNetworkToFirewallRules", indent=False, layout=w.Layout(width="auto"),
        )  # fmt: skip
        self.submit = w.Button(
            description="Add VPC peering", icon="plus", button_style="primary",
            tooltip="Send the peering request", disabled=True, layout=w.Layout(width="auto"),
        )  # fmt: skip
        self.outcome = MessageArea()
        self.preview = w.HTML()
        self.preview_box = w.Accordion([self.preview], titles=("Request body",))
        self.preview_box.selected_index = 0  # open, as the create form's: what is sent
        self._rows = {
            name: self._line(control, name)
            for name, control in (*self.fields.items(), ("peerRegion", self.region))
        }
        super().__init__(
            [
                self._line(self.data_centre, "data_centre_id"),
                *self._rows.values(),
                self._line(self.add_to_firewall, "addNetworkToFirewallRules", indent=True),
                self.messages["general"],
                w.HBox([self.submit, self.outcome], layout=w.Layout(align_items="center")),
                self.preview_box,
            ]
        )
        self.add_class("insta-nb-peering-form")
        for name, control in (*self.fields.items(), ("peerRegion", self.region)):
            control.observe(lambda _, n=name: self._changed(n), names="value")
        self.add_to_firewall.observe(lambda _: self._changed("addNetworkToFirewallRules"), "value")
        self.data_centre.observe(lambda _: self._on_data_centre(), names="value")
        self.submit.on_click(self._on_submit)
        self._on_data_centre()

    def _line(self, control: w.Widget, slot: str, *, indent: bool = False) -> w.HBox:
        margin = "0 0 0 134px" if indent else "0"
        return w.HBox(
            [control, self.messages[slot]], layout=w.Layout(align_items="center", margin=margin)
        )

    # --- data centres -----------------------------------------------------------------------

    def set_data_centres(self, data_centres: Sequence[DataCentre]) -> None:
        """Offer these data centres (the row's details); the choice is kept if still there."""
        found = {dc.id: dc for dc in data_centres}
        if found == self._dcs:
            return
        self._dcs = found
        options = [
            (" · ".join(x for x in (dc.name or dc.id, dc.provider, dc.region) if x), dc.id)
            for dc in data_centres
        ]
        current = self.data_centre.value
        self.data_centre.options = options
        if options:
            self.data_centre.value = current if current in found else options[0][1]
        self._on_data_centre()

    @property
    def data_centre_chosen(self) -> DataCentre | None:
        """The data centre the request goes to (``None`` until the details are known)."""
        value = self.data_centre.value
        return self._dcs.get(value) if isinstance(value, str) else None

    @property
    def cloud(self) -> str | None:
        """``AWS_VPC``, ``GCP`` or ``AZURE``: which fields the form asks."""
        dc = self.data_centre_chosen
        return peering_cloud(dc.provider) if dc else None

    def _on_data_centre(self) -> None:
        cloud = self.cloud
        shown = {f.api for f in FIELDS_BY_PROVIDER.get(cloud or "", ())}
        if cloud == "AWS_VPC":
            shown.add("peerRegion")
        for name, row in self._rows.items():
            row.layout.display = None if name in shown else "none"
        self.revalidate()

    # --- the spec ---------------------------------------------------------------------------

    def spec(self) -> VpcPeeringSpec | None:
        """The spec the form describes now (maybe invalid); ``None`` with no data centre."""
        cloud = self.cloud
        if cloud is None:
            return None
        return build_spec(
            cloud,
            {name: str(control.value) for name, control in self.fields.items()},
            region=str(self.region.value or "") or None,
            add_to_firewall=bool(self.add_to_firewall.value),
        )

    @property
    def problems(self) -> dict[str, str]:
        """Messages by API field name: the validation's and the API's last answer."""
        return {**self._problems, **self._api_errors}

    def _changed(self, slot: str) -> None:
        # The API's message about a field stays until that field changes.
        self._api_errors = {f: m for f, m in self._api_errors.items() if field_of(f) != slot}
        self.revalidate()

    def revalidate(self) -> None:
        """Re-check the spec; redraw the messages, the preview and the Add button."""
        if self._closed:
            return
        dc, body = self.data_centre_chosen, ""
        try:
            spec = self.spec()
            if dc is None:
                known = "Loading the data centres…" if not self._dcs else "Choose a data centre."
                self._problems = {"data_centre_id": known}
            elif spec is None:
                self._problems = {"data_centre_id": f"No VPC peering on {dc.provider} here."}
            else:
                self._problems = self.session.validate_vpc_peering(
                    spec, data_centre_network=dc.network
                )
                body = json.dumps(self.session.preview_vpc_peering(spec), indent=2)
        except Exception as exc:  # bad input must never break the form
            self._problems = {"general": f"Cannot build the request: {type(exc).__name__}"}
        # The path is v1's; another API's backend sends its own (the body comes from it).
        target = f": POST /provisioning/v1/vpc-peering/{dc.id if dc else '{cdcId}'}"
        self.preview_box.set_title(0, "Request body" + (target if self.session.api == "v1" else ""))
        self.preview.value = preview_html(body)
        self._draw_messages()
        self._draw_submit()

    def _draw_messages(self) -> None:
        by_slot: dict[str, list[tuple[str, str]]] = {slot: [] for slot in self.messages}
        for field, message in self._problems.items():
            by_slot[self._slot(field)].append((message, "warn"))
        for field, message in self._api_errors.items():
            by_slot[self._slot(field)].append((f"API: {message}", "error"))
        dc = self.data_centre_chosen
        if dc is not None and dc.status not in _READY and not by_slot["data_centre_id"]:
            # A hint, not a refusal: the API says no itself, and that shows here too.
            hint = f"It is {dc.status.value}: peering is possible once PROVISIONED or RUNNING."
            by_slot["data_centre_id"].append((hint, "muted"))
        for slot, items in by_slot.items():
            tones = {t for _, t in items}
            tone = "error" if "error" in tones else "warn" if "warn" in tones else "muted"
            self.messages[slot].say(" · ".join(dict.fromkeys(m for m, _ in items)), tone)

    def _slot(self, field: str) -> str:
        if field in ("data_centre_id", "clusterDataCentreId", "provider"):
            return "data_centre_id"
        return field_of(field)

    def _draw_submit(self) -> None:
        draw_submit(
            self.submit,
            read_only=self.session.read_only,
            in_flight=self._in_flight,
            problems=len(self._problems),
            doing="adding a peering",
            what="peering",
        )

    # --- sending ------------------------------------------------------------------------------

    @property
    def in_flight(self) -> bool:
        """Whether a request sent from this form has not answered yet."""
        return self._in_flight

    def _on_submit(self, _: object = None) -> None:
        if self._in_flight or self._closed:
            return  # a second click while the first is on its way does nothing
        self._api_errors = {}
        self.revalidate()
        spec, dc = self.spec(), self.data_centre_chosen
        if self._problems or self.session.read_only or spec is None or dc is None:
            return
        self._in_flight = True
        self._draw_submit()
        self._show_outcome("busy", f"Sending the peering request for data centre {dc.id}…")
        session, cluster_id, dc_id = self.session, self.cluster_id, dc.id

        async def create() -> str:
            if self._closed:  # closed on its way to the engine: never queue it
                raise errors.JobCancelledError("the form was closed before the request was sent")
            return await session.create_vpc_peering(cluster_id, spec, data_centre_id=dc_id)

        self.bridge.run(
            owned_call(session, self.owner, create),
            on_result=self._created,
            on_error=self._failed,
            what="add VPC peering",
        )

    def _created(self, peering_id: str) -> None:
        self._in_flight = False
        self.created_id = peering_id
        self._show_outcome("ok", f"Peering {peering_id} requested; its status shows above.")
        self.revalidate()
        if self._on_created is not None:
            self._on_created(peering_id)

    def _failed(self, exc: BaseException) -> None:
        self._in_flight = False
        fields = getattr(exc, "field_errors", None) or {}
        self._api_errors = {str(f): str(m) for f, m in fields.items()}
        if isinstance(exc, errors.ValidationError):
            # Refused before sending: those are the toolkit's messages, not the API's.
            self._api_errors = {}
            self._problems.update({str(f): str(m) for f, m in fields.items()})
            self._draw_messages()
            self._show_outcome("error", f"Not sent: {error_text(exc)}")
            self._draw_submit()
            return
        self._show_outcome("error", f"Not added: {error_text(exc)}")
        self.revalidate()

    def _show_outcome(self, tone: str, text: str) -> None:
        self.outcome_text = text
        self.outcome.say(text, tone)

    def close(self) -> None:
        """Cancel this form's queued requests and close every widget."""
        if self._closed:
            return
        self._closed = True
        self.session.cancel_queued(self.owner)
        for child in self.children:
            close_tree(child)
        super().close()
