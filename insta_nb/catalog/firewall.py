"""Firewall rule types: the ones a form offers and every one the API accepts."""

from __future__ import annotations

__all__ = ["FIREWALL_RULE_KINDS", "RULE_TYPES"]

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
