"""The VPC peering endpoints (``/provisioning/v1/vpc-peering/{cdcId}[/{peeringId}]``).

As real clients call them (reference §2.7, §12): the create answers 202 with exactly
``{"id": ...}``, the list and the status GET answer 202, the delete 202. The body a
data centre takes depends on its cloud; typing is loose as the Terraform provider
sends it (``"false"`` for a boolean, both subnet keys with ``""`` or ``null`` for the
unused one, ``peerSubnet`` as a string or a ``{network, prefixLength}`` object).

A peering needs its data centre PROVISIONED or RUNNING (Terraform waits for that);
what the real API answers before is not known, so this answers 409 with a message
that says what to wait for. A peering to a network the data centre already peers
with (and that has not failed or gone) is refused with 409 as well.
``addNetworkToFirewallRules`` opens each peer subnet to the bundle's main rule type
(``CASSANDRA`` for Cassandra) at once.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Network
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from insta_nb import catalog
from insta_nb.models import ClusterStatus
from insta_nb.simulator.coerce import as_bool
from insta_nb.simulator.core import SimulatorCore
from insta_nb.simulator.lifecycle import ClusterRec, DataCentreRec
from insta_nb.simulator.networks import firewall_network_error
from insta_nb.simulator.peering import PeeringBook, render_peering
from insta_nb.simulator.plan import FirewallPlan
from insta_nb.simulator.problems import Problems, show
from insta_nb.simulator.responses import error, invalid, json_response, read_json

__all__ = ["PeeringApi", "check_peering"]

S = ClusterStatus
_READY = frozenset({S.PROVISIONED, S.RUNNING})
_GONE_STATUSES = frozenset({"rejected", "expired", "FAILED", "deleting", "DELETING"})

_VPC = re.compile(r"\Avpc-(?:[0-9a-f]{8}|[0-9a-f]{17})\Z")
_ACCOUNT = re.compile(r"\A[0-9]{12}\Z")
_PROJECT = re.compile(r"\A[a-z][a-z0-9-]{4,28}[a-z0-9]\Z")
_GCP_NET = re.compile(r"\A[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")
_UUID = re.compile(r"\A[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\Z")
_GROUP = re.compile(r"\A[A-Za-z0-9_.()-]{0,89}[A-Za-z0-9_()-]\Z")
_VNET = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]\Z")
_MAX_SUBNETS = 50
#: The firewall rule type that opens a bundle's main port, for addNetworkToFirewallRules.
_RULE_TYPE = {"APACHE_CASSANDRA": "CASSANDRA"}

#: Required text fields by provider: (field, pattern, what it must be).
_REQUIRED: dict[str, tuple[tuple[str, re.Pattern[str], str], ...]] = {
    "AWS_VPC": (
        ("peerVpcId", _VPC, "a VPC id (vpc- and 8 or 17 hex digits)"),
        ("peerAccountId", _ACCOUNT, "a 12-digit AWS account id"),
    ),
    "GCP": (
        ("peerProjectId", _PROJECT, "a GCP project id"),
        ("peerVpcNetworkName", _GCP_NET, "a GCP network name"),
    ),
    "AZURE_AZ": (
        ("peerSubscriptionId", _UUID, "an Azure subscription id (a UUID)"),
        ("peerResourceGroup", _GROUP, "an Azure resource group name"),
        ("peerVNetNetworkName", _VNET, "an Azure VNet name"),
    ),
}


def _absent(value: object) -> bool:
    return value is None or value == "" or value == []


def _cidr_text(value: object) -> object:
    """``{network, prefixLength}`` as ``network/prefix``; anything else unchanged."""
    if isinstance(value, dict) and "network" in value:
        return f"{value.get('network')}/{value.get('prefixLength')}"
    return value


def _subnets(body: dict[str, Any], own: IPv4Network | None, problems: Problems) -> list[str]:
    one, many = body.get("peerSubnet"), body.get("peerSubnets")
    if not _absent(one) and not _absent(many):
        both = "give peerSubnets or the deprecated peerSubnet, not both"
        problems.add("peerSubnets", both)
        problems.add("peerSubnet", both)
        return []
    field, items = ("peerSubnets", many) if not _absent(many) else ("peerSubnet", [one])
    if _absent(many) and _absent(one):
        return []
    if not isinstance(items, list) or len(items) > _MAX_SUBNETS:
        problems.add(field, f"must be a list of at most {_MAX_SUBNETS} CIDRs")
        return []
    out: list[str] = []
    for item in map(_cidr_text, items):
        problem = firewall_network_error(item)
        if problem is not None:
            problems.add(field, problem)
            continue
        network = IPv4Network(str(item))
        if str(network) in out:
            problems.add(field, f"{network} is given twice")
        elif own is not None and network.overlaps(own):
            problems.add(field, f"{network} overlaps the data centre's network {own}")
        else:
            out.append(str(network))
    return out


def check_peering(body: object, provider: str, dc_network: str | None) -> dict[str, Any] | Problems:
    """The fields a peering stores (as the API echoes them), or every problem by field."""
    problems = Problems()
    if not isinstance(body, dict):
        problems.add("body", "must be a JSON object")
        return problems
    kind = "AZURE_AZ" if provider in ("AZURE", "AZURE_AZ") else provider
    fields: dict[str, Any] = {}
    for name, pattern, what in _REQUIRED.get(kind, ()):
        value = body.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and name == "peerAccountId":
            value = str(value)  # a number is still an account id
        if _absent(value):
            problems.add(name, f"is required: {what}")
        elif not isinstance(value, str) or pattern.fullmatch(value) is None:
            problems.add(name, f"{show(value)} is not {what}")
        else:
            fields[name] = value
    if kind == "AWS_VPC":
        region = body.get("peerRegion")
        if not _absent(region) and region not in catalog.AWS_PEER_REGIONS:
            problems.add("peerRegion", f"{show(region)} is not an AWS region, e.g. US_WEST_2")
        fields["peerRegion"] = None if _absent(region) else region
    if kind == "AZURE_AZ":
        ad = body.get("peerAdObjectId")
        if not _absent(ad) and (not isinstance(ad, str) or _UUID.fullmatch(ad) is None):
            problems.add("peerAdObjectId", f"{show(ad)} is not a UUID")
        fields["peerAdObjectId"] = None if _absent(ad) else ad
    add = body.get("addNetworkToFirewallRules")
    if not _absent(add) and as_bool(add) is None:
        problems.add("addNetworkToFirewallRules", "must be true or false")
    own = IPv4Network(dc_network, strict=False) if dc_network else None
    fields["peerSubnets"] = _subnets(body, own, problems)
    if problems:
        return problems
    fields["addNetworkToFirewallRules"] = bool(as_bool(add))
    return fields


class PeeringApi:
    """The peering routes over one :class:`SimulatorCore` and its :class:`PeeringBook`."""

    def __init__(self, core: SimulatorCore, book: PeeringBook) -> None:
        self.core = core
        self.book = book

    def _data_centre(
        self, request: Request, now: float
    ) -> tuple[ClusterRec, DataCentreRec] | Response:
        found = self.core.store.data_centre(str(request.path_params["cdc_id"]), now)
        if found is None or found[0].status(now) is S.DELETED:
            return error(404, "Cluster data centre not found.")
        return found

    async def list(self, request: Request) -> Response:
        now = self.core.now()
        found = self._data_centre(request, now)
        if isinstance(found, Response):
            return found
        items = []
        for rec in self.book.of(found[1].id, now):
            status = self.book.status(rec, now)
            if status is not None:
                items.append(render_peering(rec, status))
        return json_response(202, items)

    async def get(self, request: Request) -> Response:
        now = self.core.now()
        found = self._data_centre(request, now)
        if isinstance(found, Response):
            return found
        rec = self.book.get(found[1].id, str(request.path_params["peering_id"]), now)
        status = self.book.status(rec, now) if rec is not None else None
        if rec is None or status is None:
            return error(404, "VPC peering not found.")
        return json_response(202, render_peering(rec, status))

    async def create(self, request: Request) -> Response:
        now = self.core.now()
        found = self._data_centre(request, now)
        if isinstance(found, Response):
            return found
        cluster, dc = found
        if cluster.deleted_at is not None:
            return error(409, "The cluster is being deleted.")
        body = await read_json(request)
        if isinstance(body, Response):
            return body
        fields = check_peering(body, dc.plan.provider, dc.plan.network)
        if isinstance(fields, Problems):
            return invalid(fields)
        if dc.status(now) not in _READY and cluster.status(now) is not S.RUNNING:
            return error(
                409,
                f"The cluster data centre is {dc.status(now).value}: VPC peering can be set "
                "up once it is PROVISIONED or RUNNING.",
            )
        if self._duplicate(dc.id, fields, now):
            return error(409, "A VPC peering to this network already exists.")
        if "peerRegion" in fields and fields["peerRegion"] is None:
            fields["peerRegion"] = dc.plan.region  # the reference: defaults to the CDC's
        rec = self.book.add(dc.id, dc.plan.provider, fields, self._own(dc), now)
        if fields["addNetworkToFirewallRules"]:
            kind = _RULE_TYPE.get(cluster.plan.main_bundle.name, cluster.plan.main_bundle.name)
            for subnet in fields["peerSubnets"]:
                self.core.store.add_rule(cluster, FirewallPlan("network", subnet, (kind,)), now)
        return json_response(202, {"id": rec.id})

    async def delete(self, request: Request) -> Response:
        now = self.core.now()
        found = self._data_centre(request, now)
        if isinstance(found, Response):
            return found
        rec = self.book.get(found[1].id, str(request.path_params["peering_id"]), now)
        if rec is None:
            return error(404, "VPC peering not found.")
        self.book.delete(rec, now)  # a second delete while it is deleting is harmless
        return json_response(202, {"message": "VPC peering has been marked for deletion."})

    def _duplicate(self, cdc_id: str, fields: dict[str, Any], now: float) -> bool:
        keys = [k for k in fields if k in {n for p in _REQUIRED.values() for n, _, _ in p}]
        for rec in self.book.of(cdc_id, now):
            status = self.book.status(rec, now)
            live = status is not None and status[0] not in _GONE_STATUSES
            if live and all(rec.fields.get(k) == fields[k] for k in keys):
                return True
        return False

    def _own(self, dc: DataCentreRec) -> dict[str, Any]:
        """The cluster side of the peering, derived from the data centre's id."""
        tag = dc.id.replace("-", "")
        if dc.plan.provider == "AWS_VPC":
            return {"vpcId": f"vpc-{tag[:17]}", "pcx": f"pcx-{tag[-8:]}"}
        if dc.plan.provider == "GCP":
            return {"projectId": f"instaclustr-{tag[:8]}", "vpcNetworkName": f"vpc-{tag[:12]}"}
        return {
            "subscriptionId": dc.id,
            "resourceGroup": f"instaclustr-{tag[:8]}",
            "vNet": f"vnet-{tag[:12]}",
        }
