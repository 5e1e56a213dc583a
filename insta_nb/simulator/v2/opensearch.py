"""OpenSearch create bodies (``OpenSearchClusterV2``) [C SPEC].

SPEC requires ``opensearchVersion``, ``pciComplianceMode``, ``clusterManagerNodes``
(exactly 1 ``{nodeSize, dedicatedManager}``) and ``dataCentres`` (exactly 1, with
``numberOfRacks`` 2–5 and no ``nodeSize``). ``name`` is required here too, as every
example and client sends one; ``slaTier`` and ``privateNetworkCluster`` default to
NON_PRODUCTION and false [I]. Optional node groups: ``dataNodes``, ``ingestNodes``
(``{nodeSize, nodeCount}``) and ``opensearchDashboards`` (``{nodeSize, version}``).
Three manager nodes are built; when they are not dedicated they also hold data [I].
"""

from __future__ import annotations

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

__all__ = ["VERSIONS", "validate"]

VERSIONS = ("2.7.0", "1.3.11")
_MANAGERS = 3


def _groups(f: Fields) -> tuple[NodeGroup, ...] | None:
    groups: list[NodeGroup] = []
    ok = True
    for m in f.objects("clusterManagerNodes", 1, 1):
        size = node_size(m)
        dedicated = m.flag("dedicatedManager")
        roles = ("OPENSEARCH_MASTER",) if dedicated else ("OPENSEARCH_MASTER", "OPENSEARCH_DATA")
        if size is not None:
            groups.append(NodeGroup(_MANAGERS, size, roles))
    if not groups:
        ok = False
    for key, role in (("dataNodes", "OPENSEARCH_DATA"), ("ingestNodes", "OPENSEARCH_INGEST")):
        for g in f.objects(key, 1, 10, required=False):
            size, count = node_size(g), g.integer("nodeCount", 1, MAX_NODES)
            if size is None or count is None:
                ok = False
            else:
                groups.append(NodeGroup(count, size, (role,)))
    for g in f.objects("opensearchDashboards", 1, 10, required=False):
        size = node_size(g)
        g.text("version", required=False)
        if size is None:
            ok = False
        else:
            groups.append(NodeGroup(1, size, ("OPENSEARCH_DASHBOARDS",)))
    return tuple(groups) if ok else None


def validate(body: object) -> V2Plan | Problems:
    """An OpenSearch create body."""
    problems = Problems()
    f = Fields(body, "", problems)
    name, version, sla, private = cluster_basics(f, "opensearchVersion", VERSIONS, lenient=True)
    pci = f.flag("pciComplianceMode")
    groups = _groups(f)
    valid: list[V2DataCentre] = []
    for d in f.objects("dataCentres", 1, 1):
        where = location(d)
        racks = d.integer("numberOfRacks", 2, 5)
        if racks is not None and groups:
            dc = where.data_centre(
                racks, groups, d.echo, client_encryption=True, password_auth=True
            )
            valid += [dc] if dc else []
    whole_cluster_rules(f, sla, valid, problems)
    if problems or name is None or version is None or not valid:
        return problems
    return V2Plan("opensearch", name, version, sla, pci, private, tuple(valid), f.echo)
