"""VPC peering on the Provisioning API v1: paths and JSON both ways.

Peerings are keyed by the cluster *data centre* id (reference §2.7, §12). The request
body depends on the data centre's cloud; responses are read loosely: AWS sends
lower-case ``statusCode`` words and GCP upper-case ones, ``peerSubnet`` may be a string
or a ``{network, prefixLength}`` object, and which cloud a peering belongs to is told
by the fields present. What the API refuses is in :mod:`.peering_validation` (re-exported
here as ``validate_peering``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from insta_nb.backends.v1.peering_validation import validate_peering
from insta_nb.backends.v1.validation import _show
from insta_nb.backends.v1.wire import check_path_id
from insta_nb.errors import UnexpectedResponseError, ValidationError
from insta_nb.peering import (
    AwsVpcPeeringSpec,
    AzureVpcPeeringSpec,
    GcpVpcPeeringSpec,
    PeeringStatus,
    VpcPeering,
    VpcPeeringSpec,
)

__all__ = [
    "parse_peering",
    "parse_peerings",
    "peering_from_json",
    "peering_path",
    "peering_to_json",
    "peerings_path",
    "validate_peering",
]

_ROOT = "/provisioning/v1/vpc-peering"


def peerings_path(data_centre_id: str) -> str:
    """``/provisioning/v1/vpc-peering/{cdcId}`` after checking the id."""
    return f"{_ROOT}/{check_path_id(data_centre_id, 'clusterDataCentreId')}"


def peering_path(data_centre_id: str, peering_id: str) -> str:
    """``/provisioning/v1/vpc-peering/{cdcId}/{peeringId}`` after checking both ids."""
    return f"{peerings_path(data_centre_id)}/{check_path_id(peering_id, 'vpcPeeringId')}"


# --- requests ---------------------------------------------------------------------------------


def peering_to_json(spec: VpcPeeringSpec) -> dict[str, Any]:
    """The create body. Only ``peerSubnets`` is sent (``peerSubnet`` is deprecated).

    Raises:
        ValidationError: ``spec`` is none of the three peering specs.
    """
    body: dict[str, Any]
    if not isinstance(spec, AwsVpcPeeringSpec | GcpVpcPeeringSpec | AzureVpcPeeringSpec):
        raise ValidationError({"body": "Give an AWS, GCP or Azure peering spec."})
    if isinstance(spec, AwsVpcPeeringSpec):
        body = {"peerVpcId": spec.peer_vpc_id, "peerAccountId": spec.peer_account_id}
        if spec.peer_region:
            body["peerRegion"] = spec.peer_region
    elif isinstance(spec, GcpVpcPeeringSpec):
        body = {
            "peerProjectId": spec.peer_project_id,
            "peerVpcNetworkName": spec.peer_vpc_network_name,
        }
    else:
        body = {
            "peerSubscriptionId": spec.peer_subscription_id,
            "peerResourceGroup": spec.peer_resource_group,
            "peerVNetNetworkName": spec.peer_vnet_network_name,
        }
        if spec.peer_ad_object_id:
            body["peerAdObjectId"] = spec.peer_ad_object_id
    subnets = spec.peer_subnets
    # A preview shows what would be sent, even of a spec that validation refuses.
    body["peerSubnets"] = list(subnets) if isinstance(subnets, tuple | list) else subnets
    body["addNetworkToFirewallRules"] = spec.add_network_to_firewall_rules
    return body


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return None


def _subnet(value: Any) -> str | None:
    """A CIDR string from the string or the ``{network, prefixLength}`` form."""
    if isinstance(value, Mapping):
        network, prefix = _text(value.get("network")), _text(value.get("prefixLength"))
        return f"{network}/{prefix}" if network and prefix else network
    return _text(value) or None


def _subnets(value: Any) -> tuple[str, ...]:
    if isinstance(value, Mapping):  # OPSPEC's {"cidrs": [...]} form
        value = value.get("cidrs")
    items = value if isinstance(value, list) else []
    return tuple(s for s in map(_subnet, items) if s)


def _absent(value: Any) -> bool:
    return value is None or value == "" or value == []


def _request_subnets(body: Mapping[str, Any]) -> tuple[str, ...]:
    many, one = body.get("peerSubnets"), body.get("peerSubnet")
    items: Any
    if not _absent(many) and not _absent(one):
        both = "Give peerSubnets or the deprecated peerSubnet, not both."
        raise ValidationError({"peerSubnets": both, "peerSubnet": both})
    if _absent(many):
        if _absent(one):
            return ()
        field, items = "peerSubnet", [one]
    else:
        field, items = "peerSubnets", many
    if not isinstance(items, list):
        raise ValidationError({field: "Expected a list of CIDRs."})
    out = []
    for item in items:
        text = _subnet(item)
        if text is None or not isinstance(item, str | Mapping):
            raise ValidationError({field: f"Expected CIDR strings, got {_show(item)}."})
        out.append(text)
    return tuple(out)


def _request_flag(value: Any) -> bool:
    if _absent(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValidationError({"addNetworkToFirewallRules": "Must be true or false."})


def peering_from_json(body: Any, provider: str) -> VpcPeeringSpec:
    """A spec from a create body written for ``provider``'s data centre (loose typing).

    As the API does, ``peerSubnet`` (one CIDR) counts when ``peerSubnets`` is empty, and
    ``""`` and ``null`` mean absent; ``"true"``/``"false"`` are booleans.

    Raises:
        ValidationError: The body is not shaped like a peering request.
    """
    if not isinstance(body, Mapping):
        raise ValidationError({"body": "Expected a JSON object."})
    subnets = _request_subnets(body)
    add = _request_flag(body.get("addNetworkToFirewallRules"))

    def text(name: str) -> str:
        value = body.get(name)
        if _absent(value):
            return ""
        # An account id is all digits, so a client may send it as a JSON number.
        number_ok = name == "peerAccountId" and isinstance(value, int)
        if isinstance(value, bool) or not (isinstance(value, str) or number_ok):
            raise ValidationError({name: f"Expected text, got {_show(value)}."})
        return str(value)

    if provider == "GCP":
        return GcpVpcPeeringSpec(text("peerProjectId"), text("peerVpcNetworkName"), subnets, add)
    if provider in ("AZURE", "AZURE_AZ"):
        return AzureVpcPeeringSpec(
            text("peerSubscriptionId"),
            text("peerResourceGroup"),
            text("peerVNetNetworkName"),
            subnets,
            text("peerAdObjectId") or None,
            add,
        )
    return AwsVpcPeeringSpec(
        text("peerVpcId"), text("peerAccountId"), subnets, text("peerRegion") or None, add
    )


# --- responses ------------------------------------------------------------------------------------


def _unexpected(what: str, body: Any) -> UnexpectedResponseError:
    return UnexpectedResponseError(f"unexpected response: {what}", status=0, body=body)


def _provider(item: Mapping[str, Any]) -> str | None:
    if "peerVpcId" in item or "aws_vpc_connection_id" in item or "peerAccountId" in item:
        return "AWS_VPC"
    if "peerProjectId" in item or "peerVpcNetworkName" in item:
        return "GCP"
    if "peerSubscriptionId" in item or "peerVNet" in item or "peerVNetNetworkName" in item:
        return "AZURE"
    return None


def parse_peering(body: Any, *, data_centre_id: str) -> VpcPeering:
    """One peering (``GET …/vpc-peering/{cdcId}/{peeringId}``, or a list item)."""
    if not isinstance(body, Mapping):
        raise _unexpected("the VPC peering is not a JSON object", body)
    peering_id = _text(body.get("id"))
    if not peering_id:
        raise _unexpected("the VPC peering has no id", body)
    status_code = _text(body.get("statusCode"))
    subnets = _subnets(body.get("peerSubnets")) or tuple(
        s for s in (_subnet(body.get("peerSubnet")),) if s
    )
    return VpcPeering(
        id=peering_id,
        data_centre_id=_text(body.get("clusterDataCentre")) or data_centre_id,
        status=PeeringStatus.parse(status_code),
        provider=_provider(body),
        status_code=status_code,
        failure_reason=_text(body.get("failureReason")) or None,
        peer_subnets=subnets,
        peer_vpc_id=_text(body.get("peerVpcId")),
        peer_account_id=_text(body.get("peerAccountId")),
        peer_region=_text(body.get("peerRegion")),
        vpc_id=_text(body.get("vpcId")),
        connection_id=_text(body.get("aws_vpc_connection_id")),
        peer_project_id=_text(body.get("peerProjectId")),
        peer_vpc_network_name=_text(body.get("peerVpcNetworkName")),
        peer_subscription_id=_text(body.get("peerSubscriptionId")),
        peer_resource_group=_text(body.get("peerResourceGroup")),
        peer_vnet_network_name=_text(body.get("peerVNetNetworkName"))
        or _text(body.get("peerVNet")),
        peer_ad_object_id=_text(body.get("peerAdObjectId")),
        raw=copy.deepcopy(dict(body)),
    )


def parse_peerings(body: Any, *, data_centre_id: str) -> list[VpcPeering]:
    """Items of ``GET …/vpc-peering/{cdcId}`` (a JSON array; ``null`` is empty)."""
    if body is None:
        return []
    if not isinstance(body, list):
        raise _unexpected("the VPC peering list is not a JSON array", body)
    return [parse_peering(item, data_centre_id=data_centre_id) for item in body]
