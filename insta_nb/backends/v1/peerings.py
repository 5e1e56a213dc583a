"""VPC peering on the Provisioning API v1: paths, JSON both ways, and what the API refuses.

Peerings are keyed by the cluster *data centre* id (reference §2.7, §12). The request
body depends on the data centre's cloud; responses are read loosely: AWS sends
lower-case ``statusCode`` words and GCP upper-case ones, ``peerSubnet`` may be a string
or a ``{network, prefixLength}`` object, and which cloud a peering belongs to is told
by the fields present.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from insta_nb import catalog
from insta_nb.backends.v1.validation import _parse_ipv4_network, _Report, _show
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


# --- validation ---------------------------------------------------------------------------------

_VPC_ID = re.compile(r"\Avpc-(?:[0-9a-f]{8}|[0-9a-f]{17})\Z")
_ACCOUNT_ID = re.compile(r"\A[0-9]{12}\Z")
_PROJECT_ID = re.compile(r"\A[a-z][a-z0-9-]{4,28}[a-z0-9]\Z")
_GCP_NETWORK = re.compile(r"\A[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")
_UUID = re.compile(r"\A[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\Z")
_RESOURCE_GROUP = re.compile(r"\A[A-Za-z0-9_.()-]{0,89}[A-Za-z0-9_()-]\Z")
_VNET = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]\Z")
#: Enough for any real peering; more is a mistake, not a network.
_MAX_SUBNETS = 50


def _check(report: _Report, field: str, value: object, pattern: re.Pattern[str], hint: str) -> None:
    if not isinstance(value, str) or not value.strip():
        report.add(field, f"Required: {hint}.")
    elif pattern.fullmatch(value) is None:
        report.add(field, f"{_show(value)} is not valid: {hint}.")


def _check_subnets(report: _Report, subnets: object, dc_network: str | None) -> None:
    field = "peerSubnets"
    if not isinstance(subnets, tuple | list):
        report.add(field, "Give a list of CIDRs, e.g. ('10.1.0.0/16',).")
        return
    if len(subnets) > _MAX_SUBNETS:
        report.add(field, f"Give at most {_MAX_SUBNETS} subnets.")
        return
    own = None
    if dc_network:
        try:
            own = ipaddress.IPv4Network(dc_network, strict=False)
        except ValueError:
            own = None
    seen: list[ipaddress.IPv4Network] = []
    for index, item in enumerate(subnets):
        network, problem = _parse_ipv4_network(item, "10.1.0.0/16")
        if network is None:
            report.add(field, f"Subnet {index + 1}: {problem}")
        elif network in seen:
            report.add(field, f"Subnet {index + 1}: {network} is given twice.")
        elif own is not None and network.overlaps(own):
            report.add(field, f"Subnet {index + 1}: {network} overlaps the data centre's {own}.")
        else:
            seen.append(network)


def validate_peering(
    spec: VpcPeeringSpec, *, data_centre_network: str | None = None
) -> dict[str, str]:
    """``{API field: message}`` for what the API would refuse; empty when valid. Never raises."""
    report = _Report()
    with report.guard("body"):
        if isinstance(spec, AwsVpcPeeringSpec):
            _check(report, "peerVpcId", spec.peer_vpc_id, _VPC_ID, "vpc- and 8 or 17 hex digits")
            _check(report, "peerAccountId", spec.peer_account_id, _ACCOUNT_ID, "12 digits")
            region = spec.peer_region
            if region is not None and region not in catalog.AWS_PEER_REGIONS:
                report.add("peerRegion", f"{_show(region)} is not an AWS region (e.g. US_WEST_2).")
        elif isinstance(spec, GcpVpcPeeringSpec):
            _check(
                report,
                "peerProjectId",
                spec.peer_project_id,
                _PROJECT_ID,
                "6–30 lower-case letters, digits or '-', starting with a letter",
            )
            _check(
                report,
                "peerVpcNetworkName",
                spec.peer_vpc_network_name,
                _GCP_NETWORK,
                "1–63 lower-case letters, digits or '-', starting with a letter",
            )
        elif isinstance(spec, AzureVpcPeeringSpec):
            _check(report, "peerSubscriptionId", spec.peer_subscription_id, _UUID, "a UUID")
            _check(
                report,
                "peerResourceGroup",
                spec.peer_resource_group,
                _RESOURCE_GROUP,
                "1–90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
            )
            _check(
                report,
                "peerVNetNetworkName",
                spec.peer_vnet_network_name,
                _VNET,
                "2–64 letters, digits, '_', '-' or '.'",
            )
            if spec.peer_ad_object_id is not None:
                _check(report, "peerAdObjectId", spec.peer_ad_object_id, _UUID, "a UUID")
        else:
            report.add("body", "Give an AWS, GCP or Azure peering spec.")
            return report.errors
        if not isinstance(spec.add_network_to_firewall_rules, bool):
            report.add("addNetworkToFirewallRules", "Must be true or false.")
        with report.guard("peerSubnets"):
            _check_subnets(report, spec.peer_subnets, data_centre_network)
    return report.errors


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
