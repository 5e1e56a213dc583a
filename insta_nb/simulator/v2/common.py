"""Checks every v2 product shares: name, version, SLA tier, flags, where a data centre is.

Rules [C SPEC unless marked]: ``name`` 3–48 characters of ``[a-zA-Z0-9_-]`` starting
with a letter or digit; ``slaTier`` PRODUCTION or NON_PRODUCTION, PRODUCTION refused
with developer (``-DEV-``) node sizes; a data centre's ``cloudProvider`` is one of
AWS_VPC, GCP, AZURE, AZURE_AZ, ONPREMISES, its ``network`` a private CIDR, /12–/22
(Cassandra /12–/26: SPEC says /12–/22 and TF2 2026 /16–/26, and the union refuses
neither client), data centre names unique and networks not overlapping [I].
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from ipaddress import IPv4Network
from typing import Any

from insta_nb import catalog
from insta_nb.simulator.networks import firewall_network_error
from insta_nb.simulator.problems import Problems, show
from insta_nb.simulator.v2.plan import NodeGroup, V2DataCentre
from insta_nb.simulator.v2.reader import NAME_PATTERN, NODE_SIZE_PATTERN, Fields

__all__ = [
    "CLOUD_PROVIDERS",
    "MAX_NODES",
    "Location",
    "cluster_basics",
    "location",
    "node_size",
    "whole_cluster_rules",
]

CLOUD_PROVIDERS = ("AWS_VPC", "GCP", "AZURE", "AZURE_AZ", "ONPREMISES")
SLA_TIERS = ("PRODUCTION", "NON_PRODUCTION")
#: Node counts per group are bounded so that no body can make the simulator build
#: millions of nodes; real clusters of this toolkit's users are far smaller.
MAX_NODES = 100
#: Catalogue provider for each v2 cloud provider (the catalogue knows Azure as AZURE_AZ).
_CATALOGUE = {"AWS_VPC": "AWS_VPC", "GCP": "GCP", "AZURE": "AZURE_AZ", "AZURE_AZ": "AZURE_AZ"}
_REGION = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")
_PRIVATE = (
    IPv4Network("10.0.0.0/8"),
    IPv4Network("172.16.0.0/12"),
    IPv4Network("192.168.0.0/16"),
)


class Location:
    """Where a data centre is: provider, region and network (``None`` when invalid)."""

    def __init__(
        self, name: str | None, provider: str | None, region: str | None, network: str | None
    ) -> None:
        self.name = name
        self.provider = provider
        self.region = region
        self.network = network

    def data_centre(
        self,
        racks: int,
        groups: tuple[NodeGroup, ...],
        echo: dict[str, Any],
        *,
        client_encryption: bool = False,
        password_auth: bool = False,
    ) -> V2DataCentre | None:
        """The data centre at this location (``None`` when a part is invalid)."""
        if self.name is None or self.provider is None or self.region is None:
            return None
        if self.network is None:
            return None
        return V2DataCentre(
            self.name,
            self.provider,
            self.region,
            self.network,
            racks,
            groups,
            echo,
            client_encryption=client_encryption,
            password_auth=password_auth,
        )


def cluster_basics(
    f: Fields, version_field: str, versions: tuple[str, ...], *, lenient: bool = False
) -> tuple[str | None, str | None, str, bool]:
    """``name``, the version, ``slaTier`` and ``privateNetworkCluster``.

    ``lenient`` (OpenSearch): SPEC does not require ``slaTier`` nor
    ``privateNetworkCluster``, so they default to NON_PRODUCTION and false [C SPEC].
    """
    name = f.text(
        "name",
        pattern=NAME_PATTERN,
        rule="must be 3–48 letters, digits, '_' or '-', starting with a letter or digit",
    )
    version = f.choice(version_field, versions, ", ".join(versions))
    sla = f.choice("slaTier", SLA_TIERS, " or ".join(SLA_TIERS), required=not lenient)
    if sla is None and lenient and "slaTier" not in f.problems:
        sla = f.echo["slaTier"] = "NON_PRODUCTION"
    private = f.flag("privateNetworkCluster", required=not lenient)
    f.text("description", required=False)
    return name, version, sla or "NON_PRODUCTION", private


def _network(value: object, prefix_max: int) -> str | None:
    """Why a data centre network is refused, or ``None``."""
    error = firewall_network_error(value)
    if error is not None:
        return error
    net = IPv4Network(str(value))
    if not 12 <= net.prefixlen <= prefix_max:
        return f"prefix length must be between /12 and /{prefix_max}, not /{net.prefixlen}"
    if not any(net.subnet_of(space) for space in _PRIVATE):
        return "must be in private address space (10/8, 172.16/12 or 192.168/16)"
    return None


def location(d: Fields, *, prefix_max: int = 22) -> Location:
    """A data centre's ``name``, ``cloudProvider``, ``region`` and ``network``."""
    name = d.text("name")
    provider = d.choice("cloudProvider", CLOUD_PROVIDERS, ", ".join(CLOUD_PROVIDERS))
    region = d.text("region", pattern=_REGION, rule="is not a region name, e.g. US_EAST_1")
    known = catalog.regions(_CATALOGUE.get(provider or "", ""))
    if region is not None and known and region not in known:
        d.problem("region", f"{show(region)} is not a region of {provider}")
        region = None
    network = d.check("network", lambda v: _network(v, prefix_max))
    return Location(name, provider, region, network if isinstance(network, str) else None)


def node_size(d: Fields, key: str = "nodeSize", *, required: bool = True) -> str | None:
    """A node size, checked for shape only."""
    return d.text(key, required=required, pattern=NODE_SIZE_PATTERN, rule="is not a node size")


def catalogue_provider(provider: str) -> str:
    """The catalogue's name for a v2 cloud provider (for rack names)."""
    return _CATALOGUE.get(provider, provider)


def whole_cluster_rules(
    f: Fields, sla: str, data_centres: Iterable[V2DataCentre], problems: Problems
) -> None:
    """Rules across data centres: unique names, separate networks, no PRODUCTION on DEV."""
    dcs = list(data_centres)
    names = [dc.name for dc in dcs]
    if len(names) != len(set(names)):
        problems.add(f.name("dataCentres"), "data centre names must be unique within the cluster")
    nets = [IPv4Network(dc.network) for dc in dcs]
    if any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :]):
        problems.add(f.name("dataCentres"), "data centre networks must not overlap")
    sizes = [g.size for dc in dcs for g in dc.groups]
    if sla == "PRODUCTION" and any("-DEV-" in size for size in sizes):
        problems.add(
            f.name("slaTier"), "PRODUCTION is not available with developer (-DEV-) node sizes"
        )
