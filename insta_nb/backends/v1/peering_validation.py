"""What the API refuses in a VPC peering request, by its field names (reference §2.7, §12).

Shapes of ids and names follow each cloud's own rules (an AWS VPC id is ``vpc-`` and 8
or 17 hex digits, an account id 12 digits, a GCP project id 6–30 lower-case
characters, an Azure subscription a UUID); subnets are IPv4 CIDRs without host bits,
each once, and none overlapping the data centre's own network when that is known.
"""

from __future__ import annotations

import ipaddress
import re

from insta_nb import catalog
from insta_nb.backends.v1.validation import _parse_ipv4_network, _Report, _show
from insta_nb.peering import (
    AwsVpcPeeringSpec,
    AzureVpcPeeringSpec,
    GcpVpcPeeringSpec,
    VpcPeeringSpec,
)

__all__ = ["validate_peering"]

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
