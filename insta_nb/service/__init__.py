"""The service layer: cluster inventory, watching, create reconciliation, user actions.

Module map: ``inventory`` (rows by id), ``operations`` (user actions and outcomes),
``cluster_service`` (the service itself). No ipywidgets and no pandas here.
"""

from __future__ import annotations

from insta_nb.service.cluster_service import ClusterService, ServiceEvent
from insta_nb.service.inventory import ClusterRow, Inventory
from insta_nb.service.operations import Operation, OperationState

__all__ = [
    "ClusterRow",
    "ClusterService",
    "Inventory",
    "Operation",
    "OperationState",
    "ServiceEvent",
]
