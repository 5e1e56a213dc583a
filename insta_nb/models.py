"""Typed values the toolkit passes around: requests we build and what the API tells us.

Frozen dataclasses, stdlib only. The JSON mapping of the v1 wire format lives in
:mod:`insta_nb.wire_v1`, not here, so that another API version can reuse these
types. Every parsed response keeps the body it came from in ``raw``: nothing the
API sent is lost, even fields this version of the toolkit does not know.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "BundleSpec",
    "ClusterDetails",
    "ClusterSpec",
    "ClusterStatus",
    "ClusterSummary",
    "DataCentre",
    "EncryptionKey",
    "FirewallRule",
    "FirewallRuleSpec",
    "LegacyClusterSpec",
    "LegacyRack",
    "Node",
    "ProviderSpec",
    "RackAllocation",
    "ResizeSpec",
    "RuleStatus",
]


class ClusterStatus(enum.StrEnum):
    """Status of a cluster, data centre, node or firewall rule (one enum in the API)."""

    GENESIS = "GENESIS"
    PROVISIONING = "PROVISIONING"
    PROVISIONED = "PROVISIONED"
    JOINING = "JOINING"
    RESTORING = "RESTORING"
    DEFERRED = "DEFERRED"
    RUNNING = "RUNNING"
    DELETING = "DELETING"
    DELETED = "DELETED"
    DEGRADED = "DEGRADED"
    FAILED = "FAILED"
    #: A value this toolkit does not know yet; the raw text stays in the model's ``raw``.
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, value: object) -> ClusterStatus:
        """Map any API value to a member, ``UNKNOWN`` for anything unrecognised."""
        if isinstance(value, str):
            try:
                return cls(value.upper())
            except ValueError:
                return cls.UNKNOWN
        return cls.UNKNOWN

    @property
    def is_terminal(self) -> bool:
        """No further change is expected without a user action."""
        return self in {ClusterStatus.RUNNING, ClusterStatus.DELETED, ClusterStatus.FAILED}

    @property
    def is_transitional(self) -> bool:
        """The cluster is on its way somewhere: poll it more often."""
        return self in {
            ClusterStatus.GENESIS,
            ClusterStatus.PROVISIONING,
            ClusterStatus.PROVISIONED,
            ClusterStatus.JOINING,
            ClusterStatus.RESTORING,
            ClusterStatus.DELETING,
        }


# --- requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleSpec:
    """One entry of ``bundles`` in a create request."""

    bundle: str
    version: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderSpec:
    """The ``provider`` object of an extended create request."""

    name: str
    account_name: str | None = None
    custom_virtual_network_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    resource_group: str | None = None
    disk_encryption_key: str | None = None


@dataclass(frozen=True)
class RackAllocation:
    """How nodes are spread: ``number_of_racks`` × ``nodes_per_rack``."""

    number_of_racks: int
    nodes_per_rack: int

    @property
    def node_count(self) -> int:
        return self.number_of_racks * self.nodes_per_rack


@dataclass(frozen=True)
class FirewallRuleSpec:
    """A firewall rule to add or remove: one of ``network`` or ``security_group_id``."""

    rule_types: tuple[str, ...]
    network: str | None = None
    security_group_id: str | None = None


@dataclass(frozen=True)
class ClusterSpec:
    """An extended-format create request (``POST /provisioning/v1/extended/``)."""

    cluster_name: str
    bundles: tuple[BundleSpec, ...]
    provider: ProviderSpec
    data_centre: str
    node_size: str | None = None
    sla_tier: str = "NON_PRODUCTION"
    cluster_network: str | None = None
    private_network_cluster: bool = False
    pci_compliant_cluster: bool = False
    rack_allocation: RackAllocation | None = None
    data_centre_custom_name: str | None = None
    firewall_rules: tuple[FirewallRuleSpec, ...] = ()
    #: Fields this toolkit does not model, sent as given (e.g. ``twoFactorDelete``).
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def primary_bundle(self) -> BundleSpec:
        return self.bundles[0]


@dataclass(frozen=True)
class ResizeSpec:
    """Resize one data centre's nodes to ``node_size`` (``POST …/{cdcId}/resize``).

    Attributes:
        node_size: The new size; only sizes of the data centre's bundle and provider,
            in the same family as today's size and without a smaller disk, are accepted.
        concurrent_resizes: Nodes replaced at once, from 1 to the largest rack's size.
        notify_support_contacts: Let the account's support contacts know.
        node_purpose: Which nodes, where a bundle has several kinds (``OPENSEARCH_DATA``,
            ``KAFKA_BROKER``); ``None`` for single-purpose bundles.
    """

    node_size: str
    concurrent_resizes: int = 1
    notify_support_contacts: bool = False
    node_purpose: str | None = None


@dataclass(frozen=True)
class LegacyRack:
    """One entry of the legacy ``region.rackAllocation`` array."""

    name: str
    node_count: int


@dataclass(frozen=True)
class LegacyClusterSpec:
    """A legacy-format create request (``POST /provisioning/v1/``)."""

    cluster_name: str
    provider: str
    version: str
    size: str
    data_centre: str
    racks: tuple[LegacyRack, ...] = ()
    account: str | None = None
    authn_authz: bool = False
    client_encryption: bool = False
    use_private_broadcast_rpc_address: bool = False
    default_network: str = ""
    disk_encryption_key: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


# --- responses --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterSummary:
    """One item of the cluster list (``GET /provisioning/v1``)."""

    id: str
    name: str
    status: ClusterStatus
    node_count: int = 0
    running_node_count: int = 0
    version: str | None = None
    sla_tier: str | None = None
    pci_compliance: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Node:
    """A node inside a data centre."""

    id: str
    size: str | None
    rack: str | None
    status: ClusterStatus
    public_address: str | None = None
    private_address: str | None = None
    spark_master: bool = False
    spark_jobserver: bool = False
    zeppelin: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class DataCentre:
    """A cluster data centre (CDC) in a status response."""

    id: str
    region: str | None
    provider: str | None
    status: ClusterStatus
    name: str | None = None
    network: str | None = None
    node_count: int = 0
    nodes: tuple[Node, ...] = ()
    bundles: tuple[str, ...] = ()
    encryption_key_id: str | None = None
    resize_target_node_size: str | None = None
    private_ip_only: bool | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def running_node_count(self) -> int:
        return sum(1 for n in self.nodes if n.status is ClusterStatus.RUNNING)

    @property
    def resizing(self) -> bool:
        """A resize is under way (the API shows its target size meanwhile)."""
        return bool(self.resize_target_node_size)

    @property
    def resized_node_count(self) -> int:
        """Nodes already back in service at the resize's target size (0 when idle)."""
        target = self.resize_target_node_size
        if not target:
            return 0
        return sum(1 for n in self.nodes if n.size == target and n.status is ClusterStatus.RUNNING)


@dataclass(frozen=True)
class ClusterDetails:
    """A cluster status response (``GET /provisioning/v1/{id}``)."""

    id: str
    name: str | None
    status: ClusterStatus
    version: str | None = None
    sla_tier: str | None = None
    pci_compliance: str | None = None
    data_centres: tuple[DataCentre, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def nodes(self) -> tuple[Node, ...]:
        return tuple(n for dc in self.data_centres for n in dc.nodes)

    @property
    def node_count(self) -> int:
        return len(self.nodes) or sum(dc.node_count for dc in self.data_centres)

    @property
    def running_node_count(self) -> int:
        return sum(1 for n in self.nodes if n.status is ClusterStatus.RUNNING)

    @property
    def resize_progress(self) -> tuple[int, int] | None:
        """``(nodes done, nodes)`` over the data centres being resized; ``None`` if none is."""
        resizing = [dc for dc in self.data_centres if dc.resizing]
        if not resizing:
            return None
        return (
            sum(dc.resized_node_count for dc in resizing),
            sum(len(dc.nodes) or dc.node_count for dc in resizing),
        )


@dataclass(frozen=True)
class RuleStatus:
    """One rule type inside a firewall rule, with its own status."""

    type: str
    status: ClusterStatus = ClusterStatus.UNKNOWN
    deferred_reason: str | None = None


@dataclass(frozen=True)
class FirewallRule:
    """A firewall rule as the API reports it."""

    rules: tuple[RuleStatus, ...]
    network: str | None = None
    security_group_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def target(self) -> str:
        return self.network or self.security_group_id or ""


@dataclass(frozen=True)
class EncryptionKey:
    """An AWS KMS key registered with the account, usable as ``diskEncryptionKey``."""

    id: str
    alias: str
    arn: str | None = None
    provider: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
