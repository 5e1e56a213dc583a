"""The resize-operations data source [C SPEC, OP; facts §6].

``GET /data-sources/cluster-data-centres/v2/{cdcId}/resize/operations/v2[?activeOnly=true]``
answers 200 ``{"operations": [...]}`` with each resize of the data centre, whichever
API asked for it (one resize model, :mod:`insta_nb.simulator.resizing`), and a replace
operation per node: GENESIS until its batch starts, IN_PROGRESS while it is out of
service, COMPLETED once it is back. The operator reads it while a cluster is RUNNING
with OPERATION_IN_PROGRESS.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from insta_nb.models import ClusterStatus
from insta_nb.simulator.responses import json_response
from insta_nb.simulator.v2.context import V2Context
from insta_nb.simulator.v2.errors import error_list
from insta_nb.simulator.v2.render import iso

__all__ = ["ResizeOperations"]

S = ClusterStatus


class ResizeOperations:
    """The data source over the shared store."""

    def __init__(self, ctx: V2Context) -> None:
        self.ctx = ctx

    async def operations(self, request: Request) -> Response:
        """``GET /data-sources/cluster-data-centres/v2/{cdcId}/resize/operations/v2``."""
        now = self.ctx.now()
        found = self.ctx.store.data_centre(str(request.path_params["cdc_id"]), now)
        if found is None or found[0].status(now) is S.DELETED:
            return error_list(404, [("cdcId", "Cluster data centre not found.")])
        dc = found[1]
        active_only = request.query_params.get("activeOnly", "").lower() == "true"
        wall = self.ctx.wall()
        operations = []
        for op in dc.resize_ops:
            if active_only and not op.active(now):
                continue
            replaced = [
                {
                    "id": f"{op.id[:24]}{i:012d}",
                    "nodeId": node.id,
                    "newNodeId": node.id,
                    "created": _iso(wall, now, r.leaves_at),
                    "status": "COMPLETED"
                    if now >= r.back_at
                    else "IN_PROGRESS"
                    if now >= r.leaves_at
                    else "GENESIS",
                }
                for i, node in enumerate(dc.nodes)
                for r in node.resizes
                if op.started_at <= r.leaves_at < op.done_at and r.size == op.target
            ]
            operations.append(
                {
                    "id": op.id,
                    "created": _iso(wall, now, op.started_at),
                    "completed": None if op.active(now) else _iso(wall, now, op.done_at),
                    "newNodeSize": op.target,
                    "concurrentResizes": op.concurrent,
                    "nodePurpose": op.node_purpose,
                    "instaclustrSupportAlerted": op.notify_support_contacts,
                    "status": "IN_PROGRESS" if op.active(now) else "COMPLETED",
                    "replaceOperations": replaced,
                }
            )
        return json_response(200, {"operations": operations})


def _iso(wall: float, now: float, at: float) -> str:
    """The wall-clock ISO time of clock time ``at``."""
    return iso(wall - (now - at))
