"""What the Provisioning API v1 accepts, as data: providers, regions, racks, bundles,
versions and node sizes, plus the numeric limits of a create request.

Stdlib only. Shared by the client-side validation, the create form and the simulator
(which implements its own validation rules on top of this data). Values come from
``shared/api/instaclustr-provisioning-v1.md`` §5; the lists are samples of the real
catalogue, large enough to teach with and to accept every real fixture body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "AWS_PEER_REGIONS",
    "BOOLEAN_OPTIONS",
    "BUNDLES",
    "CHOICE_OPTIONS",
    "CLUSTER_NAME_MAX",
    "CLUSTER_NAME_PATTERN",
    "DEFAULT_CLUSTER_NETWORK",
    "FIREWALL_RULE_KINDS",
    "INTEGER_OPTIONS",
    "NETWORK_PREFIX_MAX",
    "NETWORK_PREFIX_MIN",
    "NODES_PER_RACK_MAX",
    "NODES_PER_RACK_MIN",
    "NODE_PURPOSES",
    "NODE_PURPOSES_BY_BUNDLE",
    "NO_PCI_WITH",
    "PROVIDERS",
    "RACKS_MAX",
    "RACKS_MIN",
    "RESIZE_FAMILIES",
    "RULE_TYPES",
    "SLA_TIERS",
    "BundleInfo",
    "addons_for",
    "base_bundles",
    "node_sizes",
    "normalise_version",
    "racks",
    "regions",
]

#: Provider names accepted in ``provider.name`` of an extended create.
PROVIDERS: tuple[str, ...] = ("AWS_VPC", "AZURE_AZ", "GCP")
SLA_TIERS: tuple[str, ...] = ("NON_PRODUCTION", "PRODUCTION")
#: Bundles a PCI-compliant cluster may not include (reference §5.8: from Instaclustr's
#: public docs page; not seen in any client's code or tests).
NO_PCI_WITH: tuple[str, ...] = ("SPARK", "ZEPPELIN")

#: Letters, digits, ``_`` and ``-`` (the real API accepted "cassandra-spark-zeppelin"
#: from the Terraform provider's fixture), starting with a letter or digit. Anchored
#: with ``\A``/``\Z``, never ``$``, which also matches before a final newline: the
#: pattern is the whole rule whether a caller uses ``match`` or ``fullmatch``.
CLUSTER_NAME_PATTERN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_-]*\Z")
CLUSTER_NAME_MAX = 32

DEFAULT_CLUSTER_NETWORK = "10.224.0.0/12"
NETWORK_PREFIX_MIN = 12
NETWORK_PREFIX_MAX = 22

#: The reference disagrees (OPSPEC 2–5 racks, 1–100 nodes; TF docs max 10 nodes; TF
#: acceptance tests use 1 rack for PostgreSQL). We take the permissive union.
RACKS_MIN, RACKS_MAX = 1, 5
NODES_PER_RACK_MIN, NODES_PER_RACK_MAX = 1, 10

_REGIONS: dict[str, tuple[str, ...]] = {
    "AWS_VPC": (
        "US_EAST_1",
        "US_EAST_2",
        "US_WEST_1",
        "US_WEST_2",
        "CA_CENTRAL_1",
        "EU_WEST_1",
        "EU_WEST_2",
        "EU_CENTRAL_1",
        "AP_SOUTHEAST_1",
        "AP_SOUTHEAST_2",
        "AP_NORTHEAST_1",
        "SA_EAST_1",
    ),
    "GCP": ("us-east1", "us-central1", "us-west1", "europe-west1", "asia-southeast1"),
    "AZURE_AZ": ("CENTRAL_US", "EAST_US", "WEST_US_2", "NORTH_EUROPE", "WEST_EUROPE"),
}


def regions(provider: str) -> tuple[str, ...]:
    """Regions offered by ``provider`` (empty for an unknown provider)."""
    return _REGIONS.get(provider, ())


def racks(provider: str, region: str) -> tuple[str, ...]:
    """Availability zones used as rack names, e.g. ``us-west-2a``."""
    if region not in regions(provider):
        return ()
    if provider == "AWS_VPC":
        base = region.lower().replace("_", "-")
        return (f"{base}a", f"{base}b", f"{base}c")
    if provider == "GCP":
        return (f"{region}-b", f"{region}-c", f"{region}-d")
    base = region.lower().replace("_", "")
    return (f"{base}-1", f"{base}-2", f"{base}-3")


@dataclass(frozen=True)
class BundleInfo:
    """One bundle: its versions, node sizes per provider and what it may be added to."""

    name: str
    versions: tuple[str, ...]
    #: ``None`` for a base bundle; else the base bundles this add-on goes with.
    addon_of: tuple[str, ...] | None = None
    sizes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Version prefixes the API also accepts (``apache-cassandra-3.11.4``).
    version_prefixes: tuple[str, ...] = ()
    supports_rack_allocation: bool = True
    #: Sizes are given in bundle options (``masterNodeSize``) instead of ``nodeSize``.
    sizes_in_options: bool = False


_CASSANDRA_AWS = (
    "t3.small",
    "t3-small",
    "t3.small-v2",
    "t3.medium-v2",
    "m5l-250-v2",
    "m5l-400-v2",
    "m5xl-400-v2",
    "m5xl-800-v2",
    "m5xl-1600-v2",
    "resizeable-small(r5-l)-v2",
    "resizeable-small(r5-xl)-v2",
    "resizeable-large(r5-xl)-v2",
    "resizeable-small(r5-l)",
    "resizeable-small(r5-xl)",
    "resizeable-small(r4-xl)",
    "CAS-DEV-t4g.small-5",
    "CAS-DEV-t4g.medium-30",
    "CAS-PRD-m6g.large-120",
    "t2.small",
)

BUNDLES: dict[str, BundleInfo] = {
    b.name: b
    for b in (
        BundleInfo(
            "APACHE_CASSANDRA",
            ("2.2.18", "3.0.19", "3.11.4", "3.11.8", "4.0", "4.0.1", "4.1.3"),
            sizes=(
                ("AWS_VPC", _CASSANDRA_AWS),
                ("GCP", ("n1-standard-2", "n1-standard-4")),
                ("AZURE_AZ", ("Standard_DS2_v2-256", "Standard_DS12_v2-512")),
            ),
            version_prefixes=("apache-cassandra-",),
        ),
        BundleInfo(
            "SPARK",
            ("2.1.3", "2.3.2"),
            addon_of=("APACHE_CASSANDRA",),
            version_prefixes=("apache-spark:",),
        ),
        BundleInfo(
            "ZEPPELIN",
            ("0.8.0-spark-2.3.2", "0.7.1-spark-2.1.1"),
            addon_of=("APACHE_CASSANDRA",),
            version_prefixes=("apache-zeppelin:",),
        ),
        BundleInfo(
            "KAFKA",
            ("2.8.2", "3.0.2", "3.1.2"),
            sizes=(
                (
                    "AWS_VPC",
                    (
                        "KFK-DEV-t4g.small-5",
                        "KFK-DEV-t4g.medium-80",
                        "KFK-PRD-r6g.large-250",
                        "t3.medium-80-r",
                    ),
                ),
                ("GCP", ("n1-standard-2-80",)),
                ("AZURE_AZ", ("Standard_DS2_v2-80",)),
            ),
        ),
        BundleInfo("KAFKA_REST_PROXY", ("5.0.0",), addon_of=("KAFKA",)),
        BundleInfo("KAFKA_SCHEMA_REGISTRY", ("5.0.0", "5.0.4"), addon_of=("KAFKA",)),
        BundleInfo(
            "OPENSEARCH",
            ("1.3.7", "2.2.1"),
            sizes=(
                (
                    "AWS_VPC",
                    (
                        "SRH-DEV-t4g.small-5",
                        "SRH-DEV-t4g.small-30",
                        "SRH-PRD-m6g.large-120",
                        "SRH-PRD-m6g.large-400",
                        "SRH-DM-t3.small-v2",
                    ),
                ),
                ("GCP", ("n1-standard-2-80",)),
                ("AZURE_AZ", ("Standard_DS2_v2-80",)),
            ),
            sizes_in_options=True,
        ),
        BundleInfo(
            "REDIS",
            ("6.2.7",),
            sizes=(
                ("AWS_VPC", ("t3.small-20-r", "r5.large-100-r", "r6g.large-100-r")),
                ("GCP", ("n1-standard-2-20-r",)),
                ("AZURE_AZ", ("Standard_DS2_v2-20-r",)),
            ),
            supports_rack_allocation=False,
        ),
        BundleInfo(
            "POSTGRESQL",
            ("13.9", "14.6", "15.1"),
            sizes=(
                ("AWS_VPC", ("PGS-DEV-t3.small-5", "PGS-DEV-t4g.small-5", "PGS-DEV-t4g.medium-30")),
                ("GCP", ("n1-standard-2-30",)),
                ("AZURE_AZ", ("Standard_DS2_v2-30",)),
            ),
        ),
        BundleInfo(
            "PGBOUNCER", ("1.17.0",), addon_of=("POSTGRESQL",), version_prefixes=("pgbouncer:",)
        ),
    )
}

#: Firewall rule types (the common subset the Terraform docs list, plus the rest of the
#: bundles above): what a form offers.
RULE_TYPES: tuple[str, ...] = (
    "CASSANDRA",
    "SPARK",
    "SPARK_JOBSERVER",
    "KAFKA",
    "KAFKA_REST_PROXY",
    "KAFKA_SCHEMA_REGISTRY",
    "OPENSEARCH",
    "REDIS",
    "POSTGRESQL",
    "PGBOUNCER",
)

#: Every rule type the API accepts: OPSPEC ``FirewallRuleKind`` (reference §5.5).
FIREWALL_RULE_KINDS: tuple[str, ...] = (
    *RULE_TYPES,
    "CASSANDRA_CQL",
    "KAFKA_NO_ENCRYPTION",
    "KAFKA_ENCRYPTION",
    "KAFKA_MTLS",
    "KAFKA_PRIVATE_SASL_PLAINTEXT_LISTENER",
    "KAFKA_PUBLIC_SASL_PLAINTEXT_LISTENER",
    "KAFKA_PRIVATE_PLAINTEXT_LISTENER",
    "KAFKA_PUBLIC_PLAINTEXT_LISTENER",
    "KAFKA_PRIVATE_SSL_LISTENER",
    "KAFKA_PUBLIC_SSL_LISTENER",
    "ELASTICSEARCH",
    "SEARCH_DASHBOARDS",
    "OPENSEARCH_DASHBOARDS",
    "KAFKA_CONNECT",
    "APACHE_ZOOKEEPER",
    "SECURE_APACHE_ZOOKEEPER",
    "KARAPACE_SCHEMA_REGISTRY",
    "KARAPACE_REST_PROXY",
    "CADENCE",
    "CADENCE_GRPC",
    "CADENCE_WEB",
    "MONGODB",
    "COUCHBASE",
    "COUCHBASE_MEMCACHED_SSL",
    "SHOTOVER_PROXY",
    "DEBEZIUM_CONNECTOR_CASSANDRA_SCHEMA",
    "DEBEZIUM_CONNECTOR_CASSANDRA_KAFKA",
)

# Bundle options with a known type (reference §5.5). Keys not listed are free: the API
# tolerates unknown option keys (the Terraform fixtures send snake_case ones).

#: Options that are true or false; the API also takes ``"true"``/``"false"`` in any case.
BOOLEAN_OPTIONS: dict[str, tuple[str, ...]] = {
    "APACHE_CASSANDRA": (
        "authnAuthz",
        "clientEncryption",
        "usePrivateBroadcastRPCAddress",
        "luceneEnabled",
        "continuousBackupEnabled",
    ),
    "SPARK": ("clientEncryption", "passwordAuthentication"),
    "KAFKA": ("clientEncryption", "autoCreateTopics", "deleteTopics", "dedicatedZookeeper"),
    "OPENSEARCH": (
        "clientEncryption",
        "dedicatedMasterNodes",
        "indexManagementPlugin",
        "anomalyDetectionPlugin",
        "sqlPlugin",
        "asynchronousSearchPlugin",
        "knnPlugin",
        "reportsPlugin",
        "icuPlugin",
        "alertingPlugin",
        "notificationsPlugin",
        "securityPlugin",
    ),
    "REDIS": ("clientEncryption", "passwordAuth"),
    "POSTGRESQL": ("clientEncryption", "synchronousModeStrict"),
}
#: Whole-number options and their (lowest, highest); numbers may come as strings.
INTEGER_OPTIONS: dict[str, dict[str, tuple[int, int]]] = {
    "KAFKA": {"numberPartitions": (1, 10_000), "zookeeperNodeCount": (3, 5)},
    "REDIS": {"masterNodes": (3, 50), "replicaNodes": (0, 50)},
    "POSTGRESQL": {"postgresqlNodeCount": (1, 5)},
}
#: Options that take one of a few exact values.
CHOICE_OPTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "POSTGRESQL": {"replicationMode": ("SYNCHRONOUS", "ASYNCHRONOUS")},
    "PGBOUNCER": {"poolMode": ("TRANSACTION", "SESSION")},
}


def base_bundles() -> tuple[str, ...]:
    """Bundles that can be the first (main) bundle of a cluster."""
    return tuple(name for name, b in BUNDLES.items() if b.addon_of is None)


def addons_for(base: str) -> tuple[str, ...]:
    """Add-on bundles that may accompany ``base``."""
    return tuple(name for name, b in BUNDLES.items() if b.addon_of and base in b.addon_of)


def node_sizes(bundle: str, provider: str) -> tuple[str, ...]:
    """Node sizes of ``bundle`` on ``provider`` (empty when either is unknown)."""
    info = BUNDLES.get(bundle)
    if info is None:
        return ()
    return dict(info.sizes).get(provider, ())


def normalise_version(bundle: str, version: str) -> str | None:
    """The catalogue version that ``version`` names, accepting prefixed and ``.icN`` forms.

    ``apache-cassandra-3.11.4.ic2`` → ``3.11.4``; returns ``None`` when unknown.
    """
    info = BUNDLES.get(bundle)
    if info is None:
        return None
    text = version.strip()
    for prefix in info.version_prefixes:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    text = re.sub(r"\.ic\d+$", "", text)
    return text if text in info.versions else None


# --- resize and VPC peering (reference §2.5, §2.7, §12, §13) ---------------------------

#: ``nodePurpose`` values of a resize request (OPSPEC ``ResizeDataCentreRequest``).
NODE_PURPOSES: tuple[str, ...] = (
    "ELASTICSEARCH_DATA_AND_INGEST",
    "ELASTICSEARCH_MASTER",
    "ELASTICSEARCH_KIBANA",
    "ELASTICSEARCH_COORDINATOR",
    "OPENSEARCH_DASHBOARDS",
    "OPENSEARCH_COORDINATOR",
    "OPENSEARCH_MASTER",
    "OPENSEARCH_INGEST",
    "OPENSEARCH_DATA",
    "OPENSEARCH_DATA_AND_INGEST",
    "KAFKA_BROKER",
    "KAFKA_DEDICATED_ZOOKEEPER",
    "REDIS",
    "CASSANDRA",
    "CASSANDRA_SHOTOVER_PROXY",
    "CADENCE",
    "POSTGRESQL",
    "MONGODB",
    "COUCHBASE",
)

#: Purposes a bundle's nodes can have, as Terraform sends them (``domains.go``). A
#: bundle whose nodes have several purposes (OpenSearch) must name one in a resize.
NODE_PURPOSES_BY_BUNDLE: dict[str, tuple[str, ...]] = {
    "APACHE_CASSANDRA": ("CASSANDRA",),
    "KAFKA": ("KAFKA_BROKER", "KAFKA_DEDICATED_ZOOKEEPER"),
    "OPENSEARCH": (
        "OPENSEARCH_DATA_AND_INGEST",
        "OPENSEARCH_MASTER",
        "OPENSEARCH_DASHBOARDS",
        "OPENSEARCH_COORDINATOR",
        "OPENSEARCH_INGEST",
        "OPENSEARCH_DATA",
    ),
    "REDIS": ("REDIS",),
    "POSTGRESQL": ("POSTGRESQL",),
}

#: Sizes a data centre may be resized between: one family per tuple, by bundle and
#: provider. A size in no family cannot be resized. The pairs come from real resizes
#: (Terraform's acceptance test ``CAS-DEV-t4g.small-5`` → ``CAS-DEV-t4g.medium-30``, the
#: demo's ``resizeable-small(r5-l)`` → ``(r5-xl)``; old Terraform allowed resizing only
#: inside one ``resizeable-(small|large)`` class); the rest follow the same naming.
RESIZE_FAMILIES: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    ("APACHE_CASSANDRA", "AWS_VPC"): (
        ("t3.small-v2", "t3.medium-v2"),
        ("m5l-250-v2", "m5l-400-v2", "m5xl-400-v2", "m5xl-800-v2", "m5xl-1600-v2"),
        ("resizeable-small(r5-l)-v2", "resizeable-small(r5-xl)-v2"),
        ("resizeable-small(r5-l)", "resizeable-small(r5-xl)", "resizeable-small(r4-xl)"),
        ("CAS-DEV-t4g.small-5", "CAS-DEV-t4g.medium-30"),
    ),
    ("APACHE_CASSANDRA", "GCP"): (("n1-standard-2", "n1-standard-4"),),
    ("APACHE_CASSANDRA", "AZURE_AZ"): (("Standard_DS2_v2-256", "Standard_DS12_v2-512"),),
    ("KAFKA", "AWS_VPC"): (("KFK-DEV-t4g.small-5", "KFK-DEV-t4g.medium-80"),),
    ("OPENSEARCH", "AWS_VPC"): (
        ("SRH-DEV-t4g.small-5", "SRH-DEV-t4g.small-30"),
        ("SRH-PRD-m6g.large-120", "SRH-PRD-m6g.large-400"),
    ),
    ("REDIS", "AWS_VPC"): (("r5.large-100-r", "r6g.large-100-r"),),
    ("POSTGRESQL", "AWS_VPC"): (("PGS-DEV-t4g.small-5", "PGS-DEV-t4g.medium-30"),),
}

#: ``peerRegion`` of an AWS peering (OPSPEC's AWS region enum).
AWS_PEER_REGIONS: tuple[str, ...] = (
    "US_EAST_1",
    "US_EAST_2",
    "US_WEST_1",
    "US_WEST_2",
    "GovCloud",
    "US_GOV_EAST_1",
    "EU_WEST_1",
    "EU_WEST_2",
    "EU_WEST_3",
    "EU_CENTRAL_1",
    "EU_CENTRAL_2",
    "EU_NORTH_1",
    "EU_SOUTH_1",
    "EU_SOUTH_2",
    "AP_EAST_1",
    "AP_SOUTH_1",
    "AP_SOUTH_2",
    "AP_SOUTHEAST_1",
    "AP_SOUTHEAST_2",
    "AP_SOUTHEAST_3",
    "AP_SOUTHEAST_4",
    "AP_NORTHEAST_1",
    "AP_NORTHEAST_2",
    "AP_NORTHEAST_3",
    "SA_EAST_1",
    "CN_NORTH_1",
    "CN_NORTHWEST_1",
    "CA_CENTRAL_1",
    "ME_CENTRAL_1",
    "ME_SOUTH_1",
    "AF_SOUTH_1",
    "US_ISO_EAST_1",
    "US_ISOB_EAST_1",
    "US_ISO_WEST_1",
)
