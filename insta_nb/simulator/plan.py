"""What a valid create request asks for, normalised: the output of validation.

Both create formats (extended and legacy) and the add-data-centre request become these
frozen values, so that the cluster store has one input whatever the wire format was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "BundlePlan",
    "ClusterPlan",
    "DataCentrePlan",
    "FirewallPlan",
    "NodePlan",
]


@dataclass(frozen=True)
class BundlePlan:
    """One bundle of a cluster."""

    name: str
    #: The catalogue version (``3.11.4``), whatever form the request used.
    version: str
    #: The version as the request wrote it (``apache-cassandra-3.11.4.ic2``).
    requested_version: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NodePlan:
    """One node to build: where it goes and how big it is."""

    rack: str
    size: str


@dataclass(frozen=True)
class DataCentrePlan:
    """One cluster data centre."""

    region: str
    #: Create-side provider name: ``AWS_VPC``, ``AZURE_AZ`` or ``GCP``.
    provider: str
    network: str
    node_size: str
    nodes: tuple[NodePlan, ...]
    #: ``None`` when the request gave no rack allocation (Redis).
    rack_allocation: tuple[int, int] | None = None
    #: The logical name (``cdcName``); ``None`` lets the store pick the default.
    name: str | None = None
    client_encryption: bool = False
    password_authentication: bool = False
    user_authorization: bool = False
    use_private_broadcast_rpc_address: bool = False
    private_ip_only: bool = False
    encryption_key_id: str | None = None


@dataclass(frozen=True)
class FirewallPlan:
    """A firewall rule to add: a target and the rule types opened to it."""

    kind: Literal["network", "securityGroupId"]
    target: str
    rule_types: tuple[str, ...]


@dataclass(frozen=True)
class ClusterPlan:
    """A cluster to create."""

    name: str
    bundles: tuple[BundlePlan, ...]
    data_centres: tuple[DataCentrePlan, ...]
    #: The ``provider`` object as terraform-description echoes it (``clusterProvider``).
    provider: Mapping[str, Any] = field(default_factory=dict)
    sla_tier: str = "NON_PRODUCTION"
    pci: bool = False
    private_network: bool = False
    firewall_rules: tuple[FirewallPlan, ...] = ()
    two_factor_delete: bool = False

    @property
    def main_bundle(self) -> BundlePlan:
        """The base bundle (the first one)."""
        return self.bundles[0]
