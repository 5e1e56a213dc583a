"""What the VPC peering form asks per cloud, and how its text becomes a peering spec.

Fields are named by their API field (``peerVpcId``…), so a message of the session's
validation or of the API's 400 lands next to the control that holds that value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import ipywidgets as w

from insta_nb.peering import (
    AwsVpcPeeringSpec,
    AzureVpcPeeringSpec,
    GcpVpcPeeringSpec,
    VpcPeeringSpec,
)

__all__ = [
    "ALL_FIELDS",
    "FIELDS_BY_PROVIDER",
    "FieldInfo",
    "build_spec",
    "field_of",
    "peering_cloud",
    "split_subnets",
    "text_control",
]


@dataclass(frozen=True)
class FieldInfo:
    """One text field of the form: its API name, label, example and help."""

    api: str
    label: str
    placeholder: str
    tooltip: str


_SUBNETS = FieldInfo(
    "peerSubnets",
    "Peer subnets",
    "10.1.0.0/16, 10.2.0.0/24",
    "The peer network's CIDRs that should reach the cluster, separated by commas",
)
_AD = FieldInfo(
    "peerAdObjectId",
    "AD object id",
    "optional: only for a VNet of another subscription",
    "The Azure AD object id (a UUID) allowed to peer, when the VNet is elsewhere",
)

#: Text fields per data centre cloud (``peerRegion`` is a dropdown, AWS only).
FIELDS_BY_PROVIDER: dict[str, tuple[FieldInfo, ...]] = {
    "AWS_VPC": (
        FieldInfo("peerVpcId", "Peer VPC id", "vpc-0a1b2c3d", "The VPC to peer with"),
        FieldInfo("peerAccountId", "Peer account id", "123456789012", "The 12-digit AWS account"),
        _SUBNETS,
    ),
    "GCP": (
        FieldInfo("peerProjectId", "Peer project id", "my-project-1", "The GCP project"),
        FieldInfo("peerVpcNetworkName", "Peer VPC network", "default", "The project's VPC network"),
        _SUBNETS,
    ),
    "AZURE": (
        FieldInfo(
            "peerSubscriptionId",
            "Subscription id",
            "00000000-0000-0000-0000-000000000000",
            "The Azure subscription (a UUID) holding the VNet",
        ),
        FieldInfo("peerResourceGroup", "Resource group", "my-group", "The VNet's resource group"),
        FieldInfo("peerVNetNetworkName", "VNet name", "my-vnet", "The VNet to peer with"),
        _AD,
        _SUBNETS,
    ),
}
#: Every text field once, by API name.
ALL_FIELDS: dict[str, FieldInfo] = {
    f.api: f for fields in FIELDS_BY_PROVIDER.values() for f in fields
}
#: Slots besides the text fields: the region dropdown, the firewall checkbox, the rest.
OTHER_SLOTS = ("peerRegion", "addNetworkToFirewallRules", "general")


def peering_cloud(provider: str | None) -> str | None:
    """The form's cloud for a data centre's provider (``AZURE_AZ`` → ``AZURE``)."""
    if provider in ("AZURE", "AZURE_AZ"):
        return "AZURE"
    if provider in ("AWS_VPC", "GCP"):
        return provider
    return None


def field_of(api_field: str) -> str:
    """The form slot showing messages about ``api_field`` (``peerSubnets[1]`` → subnets)."""
    base = re.split(r"[.\[]", api_field, maxsplit=1)[0]
    if base == "peerSubnet":
        return "peerSubnets"
    if base in ALL_FIELDS or base in OTHER_SLOTS:
        return base
    return "general"


def split_subnets(text: str) -> tuple[str, ...]:
    """``"10.1.0.0/16, 10.2.0.0/24"`` → both CIDRs (commas, spaces or new lines)."""
    return tuple(part for part in re.split(r"[\s,;]+", text.strip()) if part)


def build_spec(
    cloud: str, values: Mapping[str, str], *, region: str | None, add_to_firewall: bool
) -> VpcPeeringSpec:
    """The spec the form's values describe (maybe invalid: the session's validation says)."""

    def text(name: str) -> str:
        return values.get(name, "").strip()

    subnets = split_subnets(values.get("peerSubnets", ""))
    if cloud == "GCP":
        return GcpVpcPeeringSpec(
            text("peerProjectId"), text("peerVpcNetworkName"), subnets, add_to_firewall
        )
    if cloud == "AZURE":
        return AzureVpcPeeringSpec(
            text("peerSubscriptionId"),
            text("peerResourceGroup"),
            text("peerVNetNetworkName"),
            subnets,
            text("peerAdObjectId") or None,
            add_to_firewall,
        )
    return AwsVpcPeeringSpec(
        text("peerVpcId"), text("peerAccountId"), subnets, region or None, add_to_firewall
    )


def text_control(info: FieldInfo) -> w.Text:
    """The text box of one field, labelled and explained."""
    return w.Text(
        value="",
        description=info.label,
        placeholder=info.placeholder,
        tooltip=info.tooltip,
        continuous_update=True,
        style={"description_width": "130px"},
        layout=w.Layout(width="400px"),
    )
