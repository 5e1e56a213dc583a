"""Cassandra create bodies (``CassandraClusterV2``) [C SPEC; versions also TF2 2026].

Every field of the documented minimal body is required; ``dataCentres`` holds at least
one entry; ``replicationFactor`` is the rack count and ``numberOfNodes`` a multiple of
it. The DC ``network`` may be /12–/26 (see :mod:`.common`).
"""

from __future__ import annotations

from dataclasses import replace

from insta_nb.simulator.problems import Problems
from insta_nb.simulator.v2.common import (
    MAX_NODES,
    cluster_basics,
    location,
    node_size,
    whole_cluster_rules,
)
from insta_nb.simulator.v2.plan import NodeGroup, V2DataCentre, V2Plan
from insta_nb.simulator.v2.reader import Fields

__all__ = ["VERSIONS", "validate", "validate_data_centre"]

#: SPEC's list, then TF2's (2026).
VERSIONS = (
    "4.1.3",
    "4.0.11",
    "4.0.10",
    "3.11.16",
    "3.11.15",
    "5.0.6",
    "4.1.10",
    "4.1.9",
    "4.0.19",
    "4.0.17",
)
MAX_DATA_CENTRES = 5


def validate_data_centre(d: Fields) -> V2DataCentre | None:
    """One ``CassandraDataCentreV2``."""
    where = location(d, prefix_max=26)
    size = node_size(d)
    count = d.integer("numberOfNodes", 1, MAX_NODES)
    racks = d.integer("replicationFactor", 1, 5)
    encryption = d.flag("clientToClusterEncryption")
    d.flag("continuousBackup")
    d.flag("privateIpBroadcastForDiscovery")
    if count is not None and racks is not None and count % racks:
        d.problem("numberOfNodes", f"must be a multiple of replicationFactor ({racks})")
        return None
    if size is None or count is None or racks is None:
        return None
    groups = (NodeGroup(count, size, ("CASSANDRA",)),)
    return where.data_centre(racks, groups, d.echo, client_encryption=encryption)


def validate(body: object) -> V2Plan | Problems:
    """A Cassandra create body."""
    problems = Problems()
    f = Fields(body, "", problems)
    name, version, sla, private = cluster_basics(f, "cassandraVersion", VERSIONS)
    pci = f.flag("pciComplianceMode")
    auth = f.flag("passwordAndUserAuth")
    f.flag("luceneEnabled")
    dcs = [validate_data_centre(d) for d in f.objects("dataCentres", 1, MAX_DATA_CENTRES)]
    valid = [dc for dc in dcs if dc is not None]
    whole_cluster_rules(f, sla, valid, problems)
    if problems or name is None or version is None or not valid:
        return problems
    valid = [replace(dc, password_auth=auth) for dc in valid]
    return V2Plan("cassandra", name, version, sla, pci, private, tuple(valid), f.echo)
