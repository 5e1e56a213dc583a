"""AWS VPC peers [C SPEC, OP; facts §8], kept in the account's one peering book.

``POST`` takes ``{cdcId, peerAwsAccountId, peerVpcId, peerSubnets, peerRegion}`` and
answers 202 with the peer plus ``id``, ``dataCentreVpcId`` and ``statusCode``;
``GET``/``PUT`` (``peerSubnets`` only)/``DELETE`` answer 200/202/204, or 404 in the
list shape. ``peerRegion`` may be left out, as the operator does and TF2 allows; it
then defaults to the data centre's region.

The peering is the same record v1's ``/vpc-peering/{cdcId}`` serves (one store), with
the same lifecycle and the same checks (:func:`~insta_nb.simulator.peering_api.check_peering`:
account id, VPC id, subnets not overlapping the data centre), the same peer side
(``Simulator.peerings``) and the same precondition: the data centre must be PROVISIONED
or RUNNING, else 409 [I: v1 clients wait for that; v2's rule is not established].
v1's ``initiating-request`` has no v2 value: it reads ``pending-acceptance`` here [I].
Once a deletion finishes the peer is 404 (OP reads ``deleted`` or a 404 as gone).
"""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from insta_nb.models import ClusterStatus
from insta_nb.simulator.lifecycle import DataCentreRec
from insta_nb.simulator.networks import firewall_network_error
from insta_nb.simulator.peering import PeeringRec
from insta_nb.simulator.peering_api import check_peering
from insta_nb.simulator.problems import Problems
from insta_nb.simulator.responses import json_response
from insta_nb.simulator.v2.context import V2Context
from insta_nb.simulator.v2.errors import conflict, invalid, not_found, read_body
from insta_nb.simulator.v2.reader import Fields

__all__ = ["VpcPeerRoutes"]

S = ClusterStatus
_READY = frozenset({S.PROVISIONED, S.RUNNING})
_V1_ONLY = {"initiating-request": "pending-acceptance"}
_FINISHED = frozenset({"rejected", "expired", "failed", "deleting"})
#: v1 spells the account id ``peerAccountId``; problems are reported in v2's spelling.
_V1_NAMES = {"peerAccountId": "peerAwsAccountId"}
_MAX_SUBNETS = 50


def _own_vpc(dc: DataCentreRec) -> dict[str, str]:
    """The cluster side of a peering, derived from the data centre id as v1 derives it."""
    tag = dc.id.replace("-", "")
    return {"vpcId": f"vpc-{tag[:17]}", "pcx": f"pcx-{tag[-8:]}"}


class VpcPeerRoutes:
    """``/resources/providers/aws/vpc-peers/v2`` and the account's peer list."""

    def __init__(self, ctx: V2Context) -> None:
        self.ctx = ctx
        self.book = ctx.core.peerings

    def _status(self, rec: PeeringRec, now: float) -> str | None:
        status = self.book.status(rec, now)
        return None if status is None else _V1_ONLY.get(status[0], status[0])

    def _render(self, rec: PeeringRec, code: str) -> dict[str, Any]:
        fields = rec.fields
        return {
            "id": rec.id,
            "cdcId": rec.cdc_id,
            "peerAwsAccountId": fields.get("peerAccountId"),
            "peerVpcId": fields.get("peerVpcId"),
            "peerSubnets": list(fields.get("peerSubnets") or []),
            "peerRegion": fields.get("peerRegion"),
            "dataCentreVpcId": rec.own.get("vpcId"),
            "statusCode": code,
        }

    def _peer(self, request: Request, now: float) -> tuple[PeeringRec, str] | Response:
        rec = self.book.find(str(request.path_params["peer_id"]))
        code = self._status(rec, now) if rec is not None and rec.is_aws else None
        # A peering goes with its cluster, as v1 serves it only under a live data centre.
        owner = self.ctx.store.data_centre(rec.cdc_id, now) if rec is not None else None
        if owner is None or owner[0].status(now) is S.DELETED:
            code = None
        if rec is None or code is None:
            return not_found("VPC peer", "vpcPeerId")
        return rec, code

    async def create(self, request: Request) -> Response:
        """``POST``: 202 with the peer; 404 naming ``cdcId`` when it matches nothing."""
        body = await read_body(request)
        if isinstance(body, Response):
            return body
        problems = Problems()
        f = Fields(body, "", problems)
        if not isinstance(body, dict):
            return invalid(problems)
        cdc_id = f.text("cdcId")
        now = self.ctx.now()
        found = self.ctx.store.data_centre(cdc_id, now) if cdc_id is not None else None
        if found is not None and found[0].status(now) is S.DELETED:
            found = None
        if found is not None and found[1].plan.provider != "AWS_VPC":
            problems.add("cdcId", f"the data centre is on {found[1].plan.provider}, not AWS_VPC")
        v1_body = dict(body, peerAccountId=body.get("peerAwsAccountId"))
        v1_body.pop("peerSubnet", None)  # the v1-only spelling is not v2's
        network = found[1].plan.network if found is not None else None
        checked = check_peering(v1_body, "AWS_VPC", network)
        if isinstance(checked, Problems):
            for field, message in checked.fields.items():
                problems.add(_V1_NAMES.get(field, field), message)
        elif not checked["peerSubnets"]:
            problems.add("peerSubnets", "is required: a list of CIDRs")
        if problems or isinstance(checked, Problems):
            return invalid(problems)
        if found is None:
            return not_found("Cluster data centre", "cdcId")
        cluster, dc = found
        if cluster.deleted_at is not None:
            return conflict("The cluster is being deleted.")
        if dc.status(now) not in _READY and cluster.status(now) is not S.RUNNING:
            return conflict(
                f"The cluster data centre is {dc.status(now).value}: VPC peering can be set "
                "up once it is PROVISIONED or RUNNING."
            )
        if self._duplicate(dc.id, checked, now):
            return conflict("A VPC peering to this VPC already exists.")
        if checked["peerRegion"] is None:
            checked["peerRegion"] = dc.plan.region
        rec = self.book.add(dc.id, "AWS_VPC", checked, _own_vpc(dc), now)
        return json_response(202, self._render(rec, self._status(rec, now) or "deleted"))

    def _duplicate(self, cdc_id: str, fields: dict[str, Any], now: float) -> bool:
        for rec in self.book.of(cdc_id, now):
            same = all(rec.fields.get(k) == fields[k] for k in ("peerVpcId", "peerAccountId"))
            if same and self._status(rec, now) not in _FINISHED:
                return True
        return False

    async def get(self, request: Request) -> Response:
        """``GET …/{vpcPeerId}``."""
        now = self.ctx.now()
        found = self._peer(request, now)
        if isinstance(found, Response):
            return found
        return json_response(200, self._render(*found))

    async def update(self, request: Request) -> Response:
        """``PUT …/{vpcPeerId}`` with ``{"peerSubnets": [...]}``: 202."""
        now = self.ctx.now()
        found = self._peer(request, now)
        if isinstance(found, Response):
            return found
        rec, code = found
        body = await read_body(request)
        if isinstance(body, Response):
            return body
        problems = Problems()
        f = Fields(body, "", problems)
        subnets = None if problems else f.check("peerSubnets", self._subnets_problem)
        if problems or not isinstance(subnets, list):
            return invalid(problems)
        owner = self.ctx.store.data_centre(rec.cdc_id, now)
        own = IPv4Network(owner[1].plan.network) if owner is not None else None
        clash = [s for s in subnets if own is not None and IPv4Network(str(s)).overlaps(own)]
        if clash:
            problems.add("peerSubnets", f"{clash[0]} overlaps the data centre's network {own}")
            return invalid(problems)
        if code in _FINISHED:
            return conflict(f"The VPC peer is {code}.")
        rec.fields["peerSubnets"] = [str(s) for s in subnets]
        return json_response(202, self._render(rec, code))

    @staticmethod
    def _subnets_problem(value: object) -> str | None:
        if not isinstance(value, list) or not 1 <= len(value) <= _MAX_SUBNETS:
            return f"must be a list of 1 to {_MAX_SUBNETS} CIDRs"
        for index, item in enumerate(value):
            problem = firewall_network_error(item)
            if problem is not None:
                return f"[{index}] {problem}"
        if len(set(value)) != len(value):
            return "a subnet is given twice"
        return None

    async def delete(self, request: Request) -> Response:
        """``DELETE …/{vpcPeerId}``: 204, again while deleting; 404 once gone."""
        now = self.ctx.now()
        found = self._peer(request, now)
        if isinstance(found, Response):
            return found
        self.book.delete(found[0], now)
        return Response(status_code=204)

    async def list_peers(self, request: Request) -> Response:
        """``GET /data-sources/providers/aws/vpc-peers/v2``: one account object."""
        now = self.ctx.now()
        peers = []
        for cluster, _ in self.ctx.store.listed(now):
            for dc in cluster.data_centres:
                for rec in self.book.of(dc.id, now):
                    code = self._status(rec, now)
                    if rec.is_aws and code is not None:
                        peers.append(self._render(rec, code))
        return json_response(
            200, [{"accountId": self.ctx.registry.account_id, "peeringRequests": peers}]
        )
