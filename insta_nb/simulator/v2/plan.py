"""What a valid v2 create (or resize) asks for: the output of the product validators."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["NodeGroup", "V2DataCentre", "V2Plan"]


@dataclass(frozen=True)
class NodeGroup:
    """Nodes of one size and role set (brokers, dedicated ZooKeeper, replicas...)."""

    count: int
    size: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class V2DataCentre:
    """One data centre, checked."""

    name: str
    #: As the request spelt it (``AZURE`` and ``AZURE_AZ`` both exist in v2).
    provider: str
    region: str
    network: str
    #: Racks the nodes are spread over.
    racks: int
    #: The first group is the data centre's main ``nodeSize``.
    groups: tuple[NodeGroup, ...]
    #: The request's fields for this data centre, normalised (the echo).
    echo: dict[str, Any] = field(default_factory=dict)
    client_encryption: bool = False
    password_auth: bool = False

    @property
    def node_size(self) -> str:
        """The main node size."""
        return self.groups[0].size if self.groups else ""


@dataclass(frozen=True)
class V2Plan:
    """A cluster to create through v2."""

    #: The path segment: ``cassandra``, ``kafka``, ``redis``, ``postgresql``, ``opensearch``.
    app: str
    name: str
    version: str
    sla_tier: str
    pci: bool
    private_network: bool
    data_centres: tuple[V2DataCentre, ...]
    #: The request's top-level fields, normalised, ``dataCentres`` included (the echo).
    echo: dict[str, Any] = field(default_factory=dict)
