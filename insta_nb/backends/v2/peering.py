"""AWS VPC peers on the Cluster Management API v2 (facts §8): paths, body, parsing, rules.

A v2 peer is a resource of its own, named by its id; the data centre is a field of the
body (``cdcId``), not part of the path. v2 as documented peers AWS data centres only,
and has no ``addNetworkToFirewallRules``: a GCP or Azure spec, or that flag, is refused
by validation. The checks of the peer's own fields are the same as on v1 (the same
AWS ids), reported under v2's field names (``peerAwsAccountId``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from insta_nb.backends.v1.peerings import validate_peering as _validate_v1
from insta_nb.backends.v2.wire import check_path_id
from insta_nb.errors import UnexpectedResponseError
from insta_nb.peering import AwsVpcPeeringSpec, PeeringStatus, VpcPeering, VpcPeeringSpec

__all__ = [
    "VPC_PEERS_LIST_PATH",
    "VPC_PEERS_PATH",
    "parse_peer",
    "parse_peers",
    "peer_path",
    "peer_to_json",
    "validate_peer",
]

VPC_PEERS_PATH = "/cluster-management/v2/resources/providers/aws/vpc-peers/v2"
VPC_PEERS_LIST_PATH = "/cluster-management/v2/data-sources/providers/aws/vpc-peers/v2"

#: v1's field names → v2's, for the messages of the shared checks.
_RENAMED = {"peerAccountId": "peerAwsAccountId", "body": "spec"}


def peer_path(peering_id: str) -> str:
    """One peer (GET, PUT, DELETE)."""
    return f"{VPC_PEERS_PATH}/{check_path_id(peering_id, 'vpcPeerId')}"


def peer_to_json(spec: AwsVpcPeeringSpec, data_centre_id: str | None) -> dict[str, Any]:
    """``AwsVpcPeerV2``; an unset ``peerRegion`` is left out, as the operator does."""
    body: dict[str, Any] = {}
    if data_centre_id is not None:
        body["cdcId"] = data_centre_id
    body |= {
        "peerAwsAccountId": spec.peer_account_id,
        "peerVpcId": spec.peer_vpc_id,
        "peerSubnets": list(spec.peer_subnets),
    }
    if spec.peer_region:
        body["peerRegion"] = spec.peer_region
    return body


def validate_peer(
    spec: VpcPeeringSpec, *, data_centre_network: str | None = None
) -> dict[str, str]:
    """``{v2 field: message}`` for what v2 would refuse; empty when valid."""
    if not isinstance(spec, AwsVpcPeeringSpec):
        return {"spec": "v2 peers AWS data centres only: give an AwsVpcPeeringSpec."}
    out = {
        _RENAMED.get(k, k): v
        for k, v in _validate_v1(spec, data_centre_network=data_centre_network).items()
    }
    if spec.add_network_to_firewall_rules is not False:
        out["addNetworkToFirewallRules"] = (
            "v2 peers have no such option: add a firewall rule for the subnets instead."
        )
    if not spec.peer_subnets and "peerSubnets" not in out:
        out["peerSubnets"] = "Give at least one subnet of the peer VPC."
    return out


# --- responses ------------------------------------------------------------------------------


def _unexpected(what: str, body: Any) -> UnexpectedResponseError:
    return UnexpectedResponseError(f"unexpected response: {what}", status=0, body=body)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _copy(body: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return copy.deepcopy(dict(body))
    except RecursionError:  # JSON nested deeper than Python can copy
        raise _unexpected("the VPC peer is nested too deeply", None) from None


def parse_peer(body: Any) -> VpcPeering:
    """One peer: ``{id, cdcId, peerAwsAccountId, peerVpcId, peerSubnets, peerRegion,
    dataCentreVpcId, statusCode}``."""
    if not isinstance(body, Mapping):
        raise _unexpected("the VPC peer is not a JSON object", body)
    found = _text(body.get("id"))
    if found is None:
        raise _unexpected("the VPC peer has no id", body)
    subnets = body.get("peerSubnets")
    code = _text(body.get("statusCode"))
    return VpcPeering(
        id=found,
        data_centre_id=_text(body.get("cdcId")) or "",
        status=PeeringStatus.parse(code),
        provider="AWS_VPC",
        status_code=code,
        peer_subnets=tuple(s for s in subnets if isinstance(s, str))
        if isinstance(subnets, list)
        else (),
        peer_vpc_id=_text(body.get("peerVpcId")),
        peer_account_id=_text(body.get("peerAwsAccountId")),
        peer_region=_text(body.get("peerRegion")),
        vpc_id=_text(body.get("dataCentreVpcId")),
        raw=_copy(body),
    )


def parse_peers(body: Any, data_centre_id: str) -> list[VpcPeering]:
    """The account's peers (``[{accountId, peeringRequests: [...]}]``) of one data centre."""
    accounts = [body] if isinstance(body, Mapping) else body
    if not isinstance(accounts, list):
        raise _unexpected("the VPC peer list is not a JSON array", body)
    out: list[VpcPeering] = []
    for account in accounts:
        if not isinstance(account, Mapping):
            raise _unexpected("a VPC peer list item is not a JSON object", body)
        requests = account.get("peeringRequests")
        if requests is None:
            continue
        if not isinstance(requests, list):
            raise _unexpected("peeringRequests is not a JSON array", body)
        out.extend(p for p in map(parse_peer, requests) if p.data_centre_id == data_centre_id)
    return out
