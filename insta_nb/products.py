"""Typed create requests of the Cluster Management API v2, one per product.

The v1 :class:`~insta_nb.models.ClusterSpec` describes any bundle in one shape; v2 has
one endpoint and one body per product, with fields only that product knows. Each
product here is a frozen dataclass of those fields, sharing a base for what every v2
cluster has (name, version, SLA tier, data centres). The JSON mapping and the API's
rules live in the v2 backend, not here; these are plain values, stdlib only.

    >>> spec = KafkaClusterSpec(
    ...     name="kafka1", version="3.5.1",
    ...     data_centres=(KafkaDataCentre(name="AWS_VPC_US_EAST_1", region="US_EAST_1",
    ...         network="10.1.0.0/16", node_size="KFK-DEV-t4g.small-5", number_of_nodes=3),))
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CassandraClusterSpec",
    "CassandraDataCentre",
    "KafkaClusterSpec",
    "KafkaDataCentre",
    "OpenSearchClusterSpec",
    "OpenSearchDataCentre",
    "OpenSearchNodes",
    "PostgresqlClusterSpec",
    "PostgresqlDataCentre",
    "Product",
    "ProductClusterSpec",
    "ProductDataCentre",
    "RedisClusterSpec",
    "RedisDataCentre",
    "ZookeeperNodes",
]


class Product(enum.Enum):
    """A product v2 creates, by its path segment (``/applications/{app}/``)."""

    CASSANDRA = "cassandra"
    KAFKA = "kafka"
    REDIS = "redis"
    POSTGRESQL = "postgresql"
    OPENSEARCH = "opensearch"

    @property
    def application(self) -> str:
        """The product as the v2 cluster list names it (``application``)."""
        return _APPLICATIONS[self]


_APPLICATIONS = {
    Product.CASSANDRA: "APACHE_CASSANDRA",
    Product.KAFKA: "KAFKA",
    Product.REDIS: "REDIS",
    Product.POSTGRESQL: "POSTGRESQL",
    Product.OPENSEARCH: "OPENSEARCH",
}


# --- data centres -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProductDataCentre:
    """What every v2 data centre has: a name, a place and a private network."""

    #: Unique within the cluster, e.g. ``"AWS_VPC_US_EAST_1"``.
    name: str
    region: str
    #: A private CIDR, e.g. ``"10.0.0.0/16"``.
    network: str
    cloud_provider: str = "AWS_VPC"

    @property
    def node_count(self) -> int:
        """Nodes the data centre will have, as far as the spec says."""
        return 0


@dataclass(frozen=True, kw_only=True)
class CassandraDataCentre(ProductDataCentre):
    """A Cassandra data centre: ``replication_factor`` is also the rack count."""

    node_size: str
    number_of_nodes: int
    replication_factor: int = 3
    client_to_cluster_encryption: bool = False
    continuous_backup: bool = False
    private_ip_broadcast_for_discovery: bool = False

    @property
    def node_count(self) -> int:
        return self.number_of_nodes


@dataclass(frozen=True, kw_only=True)
class KafkaDataCentre(ProductDataCentre):
    """A Kafka data centre (the cluster's replication factor is its rack count)."""

    node_size: str
    number_of_nodes: int

    @property
    def node_count(self) -> int:
        return self.number_of_nodes


@dataclass(frozen=True, kw_only=True)
class RedisDataCentre(ProductDataCentre):
    """A Redis data centre: masters, and optionally replicas."""

    node_size: str
    master_nodes: int
    replica_nodes: int | None = None
    #: Replicas per master (0–5); ``None`` leaves it to the API.
    replication_factor: int | None = None

    @property
    def node_count(self) -> int:
        return self.master_nodes + (self.replica_nodes or 0)


@dataclass(frozen=True, kw_only=True)
class PostgresqlDataCentre(ProductDataCentre):
    """A PostgreSQL data centre, with its one intra-data-centre replication mode."""

    node_size: str
    number_of_nodes: int
    client_to_cluster_encryption: bool = True
    #: ``"SYNCHRONOUS"`` or ``"ASYNCHRONOUS"``.
    replication_mode: str = "SYNCHRONOUS"

    @property
    def node_count(self) -> int:
        return self.number_of_nodes


@dataclass(frozen=True, kw_only=True)
class OpenSearchDataCentre(ProductDataCentre):
    """An OpenSearch data centre: racks only; node sizes are per role on the cluster."""

    number_of_racks: int = 3


# --- clusters -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProductClusterSpec:
    """What every v2 create has. Use a product's subclass, e.g. :class:`KafkaClusterSpec`."""

    #: The cluster's name (3–48 characters).
    name: str
    #: The product's version, ``x.y.z`` (sent as e.g. ``kafkaVersion``).
    version: str
    data_centres: tuple[ProductDataCentre, ...]
    sla_tier: str = "NON_PRODUCTION"
    private_network_cluster: bool = False
    #: Fields this toolkit does not model, sent as given (e.g. ``twoFactorDelete``).
    extra: Mapping[str, Any] = field(default_factory=dict)

    #: Which product (and endpoint) this spec is for; set by each subclass.
    product: Product = field(init=False, default=Product.CASSANDRA)

    @property
    def cluster_name(self) -> str:
        """The name, under the attribute every create spec shares (v1's ``cluster_name``)."""
        return self.name

    @property
    def first_data_centre(self) -> ProductDataCentre | None:
        return self.data_centres[0] if self.data_centres else None

    @property
    def node_count(self) -> int:
        return sum(dc.node_count for dc in self.data_centres)

    @property
    def node_size(self) -> str | None:
        # OpenSearch data centres have no size of their own (it is per node role).
        size = getattr(self.first_data_centre, "node_size", None)
        return size if isinstance(size, str) else None


@dataclass(frozen=True, kw_only=True)
class CassandraClusterSpec(ProductClusterSpec):
    """``POST /cluster-management/v2/resources/applications/cassandra/clusters/v2``."""

    data_centres: tuple[CassandraDataCentre, ...]
    pci_compliance_mode: bool = False
    password_and_user_auth: bool = True
    lucene_enabled: bool = False
    product: Product = field(init=False, default=Product.CASSANDRA)


@dataclass(frozen=True)
class ZookeeperNodes:
    """Kafka's optional dedicated ZooKeeper (3 or 5 nodes)."""

    node_size: str
    node_count: int = 3


@dataclass(frozen=True, kw_only=True)
class KafkaClusterSpec(ProductClusterSpec):
    """``POST /cluster-management/v2/resources/applications/kafka/clusters/v2``."""

    data_centres: tuple[KafkaDataCentre, ...]
    pci_compliance_mode: bool = False
    allow_delete_topics: bool = True
    auto_create_topics: bool = True
    client_to_cluster_encryption: bool = False
    default_number_of_partitions: int = 3
    #: Also the rack count: ``number_of_nodes`` must be a multiple of it.
    default_replication_factor: int = 3
    dedicated_zookeeper: ZookeeperNodes | None = None
    product: Product = field(init=False, default=Product.KAFKA)


@dataclass(frozen=True, kw_only=True)
class RedisClusterSpec(ProductClusterSpec):
    """``POST /cluster-management/v2/resources/applications/redis/clusters/v2``."""

    data_centres: tuple[RedisDataCentre, ...]
    pci_compliance_mode: bool = False
    client_to_node_encryption: bool = False
    password_and_user_auth: bool = True
    product: Product = field(init=False, default=Product.REDIS)


@dataclass(frozen=True, kw_only=True)
class PostgresqlClusterSpec(ProductClusterSpec):
    """``POST /cluster-management/v2/resources/applications/postgresql/clusters/v2``."""

    data_centres: tuple[PostgresqlDataCentre, ...]
    synchronous_mode_strict: bool = False
    product: Product = field(init=False, default=Product.POSTGRESQL)


@dataclass(frozen=True)
class OpenSearchNodes:
    """A group of OpenSearch nodes of one role (data, ingest) and size."""

    node_size: str
    node_count: int


@dataclass(frozen=True, kw_only=True)
class OpenSearchClusterSpec(ProductClusterSpec):
    """``POST /cluster-management/v2/resources/applications/opensearch/clusters/v2``."""

    data_centres: tuple[OpenSearchDataCentre, ...]
    #: Size of the (exactly one) dedicated cluster-manager group.
    cluster_manager_node_size: str
    dedicated_manager: bool = True
    data_nodes: tuple[OpenSearchNodes, ...] = ()
    pci_compliance_mode: bool = False
    #: ``{"nodeSize": ..., "version": "opensearch-dashboards:2.7.0"}`` entries, as sent.
    dashboards: tuple[Mapping[str, str], ...] = ()
    product: Product = field(init=False, default=Product.OPENSEARCH)

    @property
    def node_count(self) -> int:
        # Three managers when dedicated (one per rack), plus the data nodes.
        managers = 3 if self.dedicated_manager else 0
        return managers + sum(n.node_count for n in self.data_nodes)

    @property
    def node_size(self) -> str | None:
        return self.data_nodes[0].node_size if self.data_nodes else self.cluster_manager_node_size
