"""What a resize may ask for: node purposes, and the families of sizes a data centre may be
resized between (reference §2.5, §12).
"""

from __future__ import annotations

__all__ = ["NODE_PURPOSES", "NODE_PURPOSES_BY_BUNDLE", "RESIZE_FAMILIES"]

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
