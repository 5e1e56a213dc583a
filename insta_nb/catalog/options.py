"""Bundle options with a known type: true/false, whole numbers in a range, or one of a few
values.
"""

from __future__ import annotations

__all__ = ["BOOLEAN_OPTIONS", "CHOICE_OPTIONS", "INTEGER_OPTIONS"]

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
