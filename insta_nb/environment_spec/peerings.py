"""The ``[[peerings]]`` tables of an environment file, read into :mod:`insta_nb.peering` specs.

Each table is one peering of the cluster's data centre. ``provider`` says which cloud
(``AWS``, ``GCP`` or ``AZURE``; the API's ``AWS_VPC`` and ``AZURE_AZ`` are taken too);
without it, the cloud is told by the keys present (``peer_vpc_id``: AWS,
``peer_project_id``: GCP, ``peer_subscription_id``: Azure). The other keys are the
fields of :class:`~insta_nb.peering.AwsVpcPeeringSpec`, :class:`~insta_nb.peering.GcpVpcPeeringSpec`
or :class:`~insta_nb.peering.AzureVpcPeeringSpec`.
"""

from __future__ import annotations

import ipaddress

from insta_nb.environment_spec.reader import Reader
from insta_nb.peering import (
    AwsVpcPeeringSpec,
    AzureVpcPeeringSpec,
    GcpVpcPeeringSpec,
    VpcPeeringSpec,
)

__all__ = ["PeeringReader", "VpcPeeringSpec"]

_CLOUDS = {
    "AWS": "AWS",
    "AWS_VPC": "AWS",
    "GCP": "GCP",
    "AZURE": "AZURE",
    "AZURE_AZ": "AZURE",
}
_KEYS = {
    "AWS": (
        "peer_vpc_id",
        "peer_account_id",
        "peer_subnets",
        "peer_region",
        "add_network_to_firewall_rules",
    ),
    "GCP": (
        "peer_project_id",
        "peer_vpc_network_name",
        "peer_subnets",
        "add_network_to_firewall_rules",
    ),
    "AZURE": (
        "peer_subscription_id",
        "peer_resource_group",
        "peer_vnet_network_name",
        "peer_subnets",
        "peer_ad_object_id",
        "add_network_to_firewall_rules",
    ),
}
#: A key only one cloud has tells the cloud when ``provider`` is left out.
_TELLS = {"peer_vpc_id": "AWS", "peer_project_id": "GCP", "peer_subscription_id": "AZURE"}


class PeeringReader:
    """Reads one ``[[peerings]]`` table."""

    def __init__(self, table: Reader) -> None:
        self._t = table

    def read(self) -> VpcPeeringSpec | None:
        t = self._t
        cloud = self._cloud()
        if cloud is None:
            return None
        t.refuse_unknown(("provider", *_KEYS[cloud]))
        subnets = t.strings("peer_subnets")
        for i, subnet in enumerate(subnets or ()):
            try:
                ipaddress.IPv4Network(subnet, strict=True)
            except ValueError:
                t.problems.setdefault(
                    f"{t.key('peer_subnets')}[{i}]", "Not an IPv4 CIDR such as 10.1.0.0/16."
                )
        add = t.boolean("add_network_to_firewall_rules") or False
        nets = tuple(subnets or ())
        if cloud == "AWS":
            vpc, account = (
                t.string("peer_vpc_id", required=True),
                t.string("peer_account_id", required=True),
            )
            region = t.string("peer_region")
            if vpc is None or account is None or not t.ok_all():
                return None
            return AwsVpcPeeringSpec(vpc, account, nets, region, add)
        if cloud == "GCP":
            project = t.string("peer_project_id", required=True)
            network = t.string("peer_vpc_network_name", required=True)
            if project is None or network is None or not t.ok_all():
                return None
            return GcpVpcPeeringSpec(project, network, nets, add)
        subscription = t.string("peer_subscription_id", required=True)
        group = t.string("peer_resource_group", required=True)
        vnet = t.string("peer_vnet_network_name", required=True)
        ad_object = t.string("peer_ad_object_id")
        if subscription is None or group is None or vnet is None or not t.ok_all():
            return None
        return AzureVpcPeeringSpec(subscription, group, vnet, nets, ad_object, add)

    def _cloud(self) -> str | None:
        t = self._t
        if t.has("provider"):
            name = t.string("provider")
            if name is None:
                return None
            cloud = _CLOUDS.get(name.upper())
            if cloud is None:
                t.fail("provider", "Choose AWS, GCP or AZURE.")
            return cloud
        told = {cloud for key, cloud in _TELLS.items() if key in t.data}
        if len(told) == 1:
            return told.pop()
        t.fail("provider", 'Say which cloud: provider = "AWS", "GCP" or "AZURE".')
        return None
