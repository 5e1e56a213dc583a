"""The service layer: one session's view of one account, over the backend seam.

Module map: ``inventory`` (rows by id), ``operations`` (user actions and outcomes),
``events`` (what views are told), ``context`` (shared state, the inventory's reads),
``creates`` (never duplicated), ``deletes``, ``resources`` (firewall rules, keys),
``watching`` (per-view watches, the poller) and ``cluster_service`` (the composition).
No ipywidgets, no pandas, no wire formats here.
"""

from __future__ import annotations

from insta_nb.service.cluster_service import ClusterService
from insta_nb.service.events import ServiceEvent
from insta_nb.service.inventory import ClusterRow, Inventory
from insta_nb.service.operations import Operation, OperationState
from insta_nb.service.watching import Watch

__all__ = [
    "ClusterRow",
    "ClusterService",
    "Inventory",
    "Operation",
    "OperationState",
    "ServiceEvent",
    "Watch",
]
