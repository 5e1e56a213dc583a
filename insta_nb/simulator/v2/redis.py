"""Redis create bodies (``RedisClusterV2``) [C SPEC].

The encryption flag is ``clientToNodeEncryption``; ``dataCentres`` holds 1–2 entries,
each needing ``masterNodes`` (3–100), with optional ``replicaNodes`` (0–100) and
``replicationFactor`` (0–5). ``pciComplianceMode`` is optional here (false): SPEC marks
every field required only for Cassandra and Kafka. Nodes spread over three racks [I].
"""

from __future__ import annotations

from insta_nb.simulator.problems import Problems
from insta_nb.simulator.v2.common import cluster_basics, location, node_size, whole_cluster_rules
from insta_nb.simulator.v2.plan import NodeGroup, V2DataCentre, V2Plan
from insta_nb.simulator.v2.reader import Fields

__all__ = ["VERSIONS", "validate"]

VERSIONS = ("7.0.12", "6.2.13")
_RACKS = 3


def validate(body: object) -> V2Plan | Problems:
    """A Redis create body."""
    problems = Problems()
    f = Fields(body, "", problems)
    name, version, sla, private = cluster_basics(f, "redisVersion", VERSIONS)
    pci = f.flag("pciComplianceMode", required=False)
    encryption = f.flag("clientToNodeEncryption")
    auth = f.flag("passwordAndUserAuth")
    valid: list[V2DataCentre] = []
    for d in f.objects("dataCentres", 1, 2):
        where = location(d)
        size = node_size(d)
        masters = d.integer("masterNodes", 3, 100)
        replicas = d.integer("replicaNodes", 0, 100, required=False) or 0
        d.integer("replicationFactor", 0, 5, required=False)
        if size is not None and masters is not None:
            groups: tuple[NodeGroup, ...] = (NodeGroup(masters, size, ("REDIS_MASTER",)),)
            if replicas:
                groups += (NodeGroup(replicas, size, ("REDIS_REPLICA",)),)
            dc = where.data_centre(
                _RACKS, groups, d.echo, client_encryption=encryption, password_auth=auth
            )
            valid += [dc] if dc else []
    whole_cluster_rules(f, sla, valid, problems)
    if problems or name is None or version is None or not valid:
        return problems
    return V2Plan("redis", name, version, sla, pci, private, tuple(valid), f.echo)
