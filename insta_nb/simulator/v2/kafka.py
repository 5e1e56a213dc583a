"""Kafka create bodies (``KafkaClusterV2``) [C SPEC].

Every field of the documented minimal body is required; ``dataCentres`` holds exactly
one entry; ``defaultReplicationFactor`` is the rack count and ``numberOfNodes`` a
multiple of it. Optional ``dedicatedZookeeper: [{zookeeperNodeSize,
zookeeperNodeCount}]`` with a count of 3 or 5.
"""

from __future__ import annotations

from insta_nb.simulator.problems import Problems, show
from insta_nb.simulator.v2.common import (
    MAX_NODES,
    cluster_basics,
    location,
    node_size,
    whole_cluster_rules,
)
from insta_nb.simulator.v2.plan import NodeGroup, V2DataCentre, V2Plan
from insta_nb.simulator.v2.reader import Fields

__all__ = ["VERSIONS", "validate"]

VERSIONS = ("3.5.1", "3.4.1", "3.3.1", "3.1.2")


def _zookeeper(f: Fields) -> NodeGroup | None:
    entries = f.objects("dedicatedZookeeper", 1, 1, required=False)
    if not entries:
        return None
    z = entries[0]
    size = node_size(z, "zookeeperNodeSize")
    count = z.integer("zookeeperNodeCount", 3, 5)
    if count == 4:
        z.problem("zookeeperNodeCount", f"must be 3 or 5, not {show(count)}")
        return None
    if size is None or count is None:
        return None
    return NodeGroup(count, size, ("KAFKA_DEDICATED_ZOOKEEPER",))


def validate(body: object) -> V2Plan | Problems:
    """A Kafka create body."""
    problems = Problems()
    f = Fields(body, "", problems)
    name, version, sla, private = cluster_basics(f, "kafkaVersion", VERSIONS)
    pci = f.flag("pciComplianceMode")
    for key in ("allowDeleteTopics", "autoCreateTopics"):
        f.flag(key)
    encryption = f.flag("clientToClusterEncryption")
    f.integer("defaultNumberOfPartitions", 1, 10_000)
    racks = f.integer("defaultReplicationFactor", 1, 5)
    zookeeper = _zookeeper(f)
    valid: list[V2DataCentre] = []
    for d in f.objects("dataCentres", 1, 1):
        where = location(d)
        size = node_size(d)
        count = d.integer("numberOfNodes", 1, MAX_NODES)
        if count is not None and racks is not None and count % racks:
            d.problem("numberOfNodes", f"must be a multiple of defaultReplicationFactor ({racks})")
        elif size is not None and count is not None and racks is not None:
            groups: tuple[NodeGroup, ...] = (NodeGroup(count, size, ("KAFKA_BROKER",)),)
            groups += (zookeeper,) if zookeeper else ()
            dc = where.data_centre(racks, groups, d.echo, client_encryption=encryption)
            valid += [dc] if dc else []
    whole_cluster_rules(f, sla, valid, problems)
    if problems or name is None or version is None or not valid:
        return problems
    return V2Plan("kafka", name, version, sla, pci, private, tuple(valid), f.echo)
