"""The resize endpoints: ``POST /provisioning/v1/{clusterId}/{cdcId}/resize`` and the
active-resize list ``GET …/resize?activeOnly=true`` (reference §2.5, §13).

The body is typed loosely as real clients send it: ``concurrentResizes`` as an int or
a numeric string (the demo sends ``"2"``), ``notifySupportContacts`` as a boolean or
``"true"``/``"false"`` (Terraform sends ``"false"``), ``nodePurpose`` null or absent.
A size must be one of the bundle's sizes on the data centre's provider, in the same
resize family as today's (:data:`insta_nb.catalog.RESIZE_FAMILIES`), and must not
shrink the disk. A cluster that is not RUNNING, or that resizes already, answers 412
with the API's ``ResizePreconditionFailureMessage`` and the message real clients
expect ("…not currently in a state to support a resize operation").
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from insta_nb import catalog
from insta_nb.models import ClusterStatus
from insta_nb.simulator.coerce import as_bool, as_int
from insta_nb.simulator.core import SimulatorCore
from insta_nb.simulator.lifecycle import ClusterRec, DataCentreRec
from insta_nb.simulator.problems import Problems, show
from insta_nb.simulator.resizing import NodeResize, ResizeOp, plan_batches
from insta_nb.simulator.responses import error, invalid, json_response, read_json

__all__ = ["ResizeApi", "check_resize"]

S = ClusterStatus
NOT_READY = "The cluster is not currently in a state to support a resize operation"
_DISK = re.compile(r"-([0-9]{1,6})(?:-[A-Za-z][A-Za-z0-9]*)?\Z")


def _disk(size: str) -> int | None:
    match = _DISK.search(size)
    return int(match.group(1)) if match else None


def _largest_rack(dc: DataCentreRec) -> int:
    counts: dict[str, int] = {}
    for node in dc.nodes:
        counts[node.rack] = counts.get(node.rack, 0) + 1
    return max(counts.values(), default=1)


def _check_size(value: object, bundle: str, dc: DataCentreRec, now: float) -> str | None:
    """Why ``newNodeSize`` is refused, or ``None``."""
    provider = dc.plan.provider
    current = dc.nodes[0].size_at(now) if dc.nodes else dc.plan.node_size
    if not isinstance(value, str) or not value:
        return "is required"
    if value not in catalog.node_sizes(bundle, provider):
        return f"{show(value)} is not a {bundle} node size on {provider}"
    if value == current:
        return f"the data centre is already {current}"
    families = catalog.RESIZE_FAMILIES.get((bundle, provider), ())
    if not any(current in f and value in f for f in families):
        return f"cannot resize {current} nodes to {value}"
    old, new = _disk(current), _disk(value)
    if old is not None and (new is None or new < old):
        return "Resize operations do not support downgrading disk sizes"
    return None


def check_resize(
    body: object, bundle: str, dc: DataCentreRec, now: float
) -> tuple[str, int, bool, str | None] | Problems:
    """``(size, concurrent, notify, purpose)`` of a valid body, or every problem by field."""
    problems = Problems()
    if not isinstance(body, dict):
        problems.add("body", "must be a JSON object")
        return problems
    size = body.get("newNodeSize")
    size_problem = _check_size(size, bundle, dc, now)
    if size_problem:
        problems.add("newNodeSize", size_problem)
    most = _largest_rack(dc)
    concurrent = as_int(body.get("concurrentResizes"))
    if concurrent is None or not 1 <= concurrent <= most:
        problems.add("concurrentResizes", f"must be a whole number from 1 to {most}")
    notify = as_bool(body.get("notifySupportContacts"))
    if notify is None:
        problems.add("notifySupportContacts", "is required: true or false")
    purpose = body.get("nodePurpose")
    allowed = catalog.NODE_PURPOSES_BY_BUNDLE.get(bundle, ())
    if purpose is None:
        if bundle == "OPENSEARCH":
            problems.add("nodePurpose", "is required for OPENSEARCH: which nodes to resize")
    elif not isinstance(purpose, str) or purpose not in catalog.NODE_PURPOSES:
        problems.add("nodePurpose", f"{show(purpose)} is not a node purpose")
    elif allowed and purpose not in allowed:
        problems.add("nodePurpose", f"{purpose} nodes are not part of a {bundle} cluster")
    if problems:
        return problems
    if not isinstance(size, str) or concurrent is None or notify is None:
        raise AssertionError("checked above")  # pragma: no cover - narrows the types
    return size, concurrent, notify, purpose if isinstance(purpose, str) else None


def _operation(op: ResizeOp, now: float) -> dict[str, Any]:
    """``ResizeClusterDataCentreOperation`` (times in epoch-style milliseconds)."""
    done = not op.active(now)
    return {
        "id": op.id,
        "cdc": op.cdc_id,
        "created": int(op.started_at * 1000),
        "completed": int(op.done_at * 1000) if done else None,
        "completedStatus": S.RUNNING.value if done else None,
        "params": {
            "concurrentResizes": op.concurrent,
            "notifySupportContacts": op.notify_support_contacts,
            "nodePurpose": op.node_purpose,
            "replaceParams": [],
        },
        "replaceOps": [],
        "notifyContacts": op.notify_support_contacts,
        "newNodeSize": op.target,
    }


class ResizeApi:
    """Resize routes over one :class:`SimulatorCore`."""

    def __init__(self, core: SimulatorCore) -> None:
        self.core = core

    def _target(self, request: Request, now: float) -> tuple[ClusterRec, DataCentreRec] | Response:
        cluster = self.core.store.get(str(request.path_params["cluster_id"]), now)
        if cluster is None or cluster.status(now) is S.DELETED:
            return error(404, "Cluster not found.")
        cdc_id = str(request.path_params["cdc_id"])
        dc = next((d for d in cluster.data_centres if d.id == cdc_id), None)
        if dc is None:
            return error(404, "Cluster data centre not found.")
        return cluster, dc

    async def resize(self, request: Request) -> Response:
        now = self.core.now()
        found = self._target(request, now)
        if isinstance(found, Response):
            return found
        cluster, dc = found
        if cluster.deleted_at is not None:
            return error(409, "The cluster is being deleted.")
        body = await read_json(request)
        if isinstance(body, Response):
            return body
        checked = check_resize(body, cluster.plan.main_bundle.name, dc, now)
        if isinstance(checked, Problems):
            return invalid(checked)
        busy = any(d.resize_target(now) for d in cluster.data_centres)
        if busy or cluster.status(now) is not S.RUNNING or dc.status(now) is not S.RUNNING:
            return json_response(
                412,
                {
                    "cdc": dc.id,
                    "status": "Pre-condition failed.",
                    "reason": NOT_READY,
                    "message": NOT_READY,
                },
            )
        size, concurrent, notify, purpose = checked
        settings = self.core.settings
        step = settings.scaled(settings.resize_node_seconds)
        times = plan_batches(len(dc.nodes), concurrent, now, step)
        for node, (leaves, back) in zip(dc.nodes, times, strict=True):
            node.resizes.append(NodeResize(leaves, back, size))
        done = max((back for _, back in times), default=now)
        op = ResizeOp(self.core.store.new_id(), dc.id, size, concurrent, notify, purpose, now, done)
        dc.resize_ops.append(op)
        return json_response(202, {"message": "Resize request accepted."})

    async def operations(self, request: Request) -> Response:
        now = self.core.now()
        found = self._target(request, now)
        if isinstance(found, Response):
            return found
        active_only = request.query_params.get("activeOnly", "").lower() == "true"
        ops = [op for op in found[1].resize_ops if op.active(now) or not active_only]
        return json_response(200, [_operation(op, now) for op in ops])
