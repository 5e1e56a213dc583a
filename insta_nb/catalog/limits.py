"""The rules of a create request that are not about a bundle: SLA tiers, the cluster name,
the cluster network and the rack layout.
"""

from __future__ import annotations

import re

__all__ = [
    "CLUSTER_NAME_MAX",
    "CLUSTER_NAME_PATTERN",
    "DEFAULT_CLUSTER_NETWORK",
    "NETWORK_PREFIX_MAX",
    "NETWORK_PREFIX_MIN",
    "NODES_PER_RACK_MAX",
    "NODES_PER_RACK_MIN",
    "RACKS_MAX",
    "RACKS_MIN",
    "SLA_TIERS",
]

SLA_TIERS: tuple[str, ...] = ("NON_PRODUCTION", "PRODUCTION")

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
