"""PostgreSQL create bodies (``PostgresqlClusterV2``) [C SPEC].

``dataCentres`` holds 1–2 entries, ``numberOfNodes`` 1–5, and
``intraDataCentreReplication`` exactly one ``{replicationMode}``. ``pciComplianceMode``
is read-only in SPEC but TF2's example sends it: it is accepted and echoed as false.
"""

from __future__ import annotations

from insta_nb.simulator.problems import Problems
from insta_nb.simulator.v2.common import cluster_basics, location, node_size, whole_cluster_rules
from insta_nb.simulator.v2.plan import NodeGroup, V2DataCentre, V2Plan
from insta_nb.simulator.v2.reader import Fields

__all__ = ["VERSIONS", "validate"]

VERSIONS = (
    "15.4.0",
    "15.3.0",
    "15.2.0",
    "14.9.0",
    "14.8.0",
    "14.7.0",
    "13.12.0",
    "13.11.0",
    "13.10.0",
)
_MODES = ("SYNCHRONOUS", "ASYNCHRONOUS")
_RACKS = 3


def validate(body: object) -> V2Plan | Problems:
    """A PostgreSQL create body."""
    problems = Problems()
    f = Fields(body, "", problems)
    name, version, sla, private = cluster_basics(f, "postgresqlVersion", VERSIONS)
    f.flag("pciComplianceMode", required=False)
    f.echo["pciComplianceMode"] = False  # read-only in SPEC: never set by a request
    f.flag("synchronousModeStrict")
    valid: list[V2DataCentre] = []
    for d in f.objects("dataCentres", 1, 2):
        where = location(d)
        size = node_size(d)
        count = d.integer("numberOfNodes", 1, 5)
        encryption = d.flag("clientToClusterEncryption")
        for mode in d.objects("intraDataCentreReplication", 1, 1):
            mode.choice("replicationMode", _MODES, " or ".join(_MODES))
        if size is not None and count is not None:
            groups = (NodeGroup(count, size, ("POSTGRESQL",)),)
            dc = where.data_centre(
                min(count, _RACKS), groups, d.echo, client_encryption=encryption, password_auth=True
            )
            valid += [dc] if dc else []
    whole_cluster_rules(f, sla, valid, problems)
    if problems or name is None or version is None or not valid:
        return problems
    return V2Plan("postgresql", name, version, sla, False, private, tuple(valid), f.echo)
