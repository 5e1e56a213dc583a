"""Resize through the cluster update: ``PUT …/clusters/v2/{clusterId}`` [C SPEC, OP; §6].

The body carries whole data centres in the create schema (OpenSearch: its node groups
instead), ``resizeSettings: [{concurrency, notifySupportContacts}]`` and optionally
``description``. What may change [C SPEC ``x-insta-unchangeable``]: ``nodeSize``
everywhere (Kafka's ``zookeeperNodeSize`` too); Cassandra and Kafka also mark
``numberOfNodes`` and Redis ``masterNodes``/``replicaNodes`` changeable, but adding or
removing nodes is not simulated: such a change is refused with a 400 that says so. A
change of any unchangeable field is a 400 naming it (the real answer is not
established; refusing is what the operator's own immutability checks expect).

A size change is the same rolling resize v1's resize endpoint runs (one model for both
APIs, :mod:`insta_nb.simulator.resizing`): ``concurrency`` nodes at a time (default 1),
each batch out of service (PROVISIONING) for ``resize_node_seconds``; the cluster stays
RUNNING with ``currentClusterOperationStatus`` OPERATION_IN_PROGRESS until the last
node is back [C SPEC poll marks, OP]. The answer is 202 with the cluster. A cluster
that is not RUNNING, is being deleted or is already resizing answers 409, which the
operator retries later [C OP ``UpdateCluster``]; a body problem is a 400 first.
A cluster created through v1 resizes here too (its data centres' ``nodeSize``), except
OpenSearch, whose v1 node groups live in bundle options (400 naming ``clusterId``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from insta_nb.models import ClusterStatus
from insta_nb.simulator.lifecycle import ClusterRec, NodeRec
from insta_nb.simulator.problems import Problems
from insta_nb.simulator.resize import NOT_READY
from insta_nb.simulator.resizing import NodeResize, ResizeOp, plan_batches
from insta_nb.simulator.responses import json_response
from insta_nb.simulator.v2.clusters import ClusterRoutes
from insta_nb.simulator.v2.common import MAX_NODES, node_size
from insta_nb.simulator.v2.errors import conflict, error_list, invalid, read_body
from insta_nb.simulator.v2.plan import NodeGroup, V2DataCentre, V2Plan
from insta_nb.simulator.v2.products import PRODUCTS, product_of_bundle
from insta_nb.simulator.v2.reader import Fields
from insta_nb.simulator.v2.registry import V2Cluster

__all__ = ["ResizeRoutes"]

Endpoint = Callable[[Request], Awaitable[Response]]
S = ClusterStatus
#: Data centre fields a PUT may change, per product [C SPEC].
_CHANGEABLE = {
    "cassandra": {"nodeSize", "numberOfNodes"},
    "kafka": {"nodeSize", "numberOfNodes"},
    "redis": {"nodeSize", "masterNodes", "replicaNodes"},
    "postgresql": {"nodeSize"},
    "opensearch": set(),
}
_COUNTS = {"numberOfNodes", "masterNodes", "replicaNodes", "nodeCount", "zookeeperNodeCount"}
#: Top-level node groups a PUT may carry, per product.
_GROUPS = {"kafka": ("dedicatedZookeeper",), "opensearch": (
    "clusterManagerNodes", "dataNodes", "ingestNodes", "opensearchDashboards",
)}  # fmt: skip
_NOT_SIMULATED = "changing the number of nodes is not simulated (only nodeSize)"


class _Change:
    """Nodes of one data centre going to one new size (one resize operation)."""

    def __init__(self, dc_index: int, size: str, purpose: str | None) -> None:
        self.dc_index = dc_index
        self.size = size
        #: The node purpose, when the nodes share one (Redis masters and replicas do not).
        self.purpose = purpose
        self.nodes: list[NodeRec] = []


def _merge(stored: object, sent: object) -> object:
    """A sent list of objects laid over the stored one, entry by entry (else ``sent``)."""
    if not isinstance(stored, list) or not isinstance(sent, list) or len(stored) != len(sent):
        return sent
    return [
        {**old, **new} if isinstance(old, dict) and isinstance(new, dict) else new
        for old, new in zip(stored, sent, strict=True)
    ]


def _compare(
    path: str, stored: object, sent: object, changeable: set[str], problems: Problems
) -> None:
    """Name every field of ``sent`` that differs from ``stored`` and may not change."""
    if isinstance(stored, list) and isinstance(sent, list):
        if len(stored) != len(sent):
            problems.add(
                path, f"must keep its {len(stored)} entries: adding or removing is not supported"
            )
            return
        for i, (old, new) in enumerate(zip(stored, sent, strict=True)):
            _compare(f"{path}[{i}]", old, new, changeable, problems)
        return
    if isinstance(stored, dict) and isinstance(sent, dict):
        for key, new in sent.items():
            if key in stored and stored[key] != new:
                name = f"{path}.{key}"
                if key in _COUNTS and (key in changeable or not path.startswith("dataCentres")):
                    problems.add(name, _NOT_SIMULATED)
                elif key not in changeable and key not in ("nodeSize", "zookeeperNodeSize"):
                    problems.add(name, "cannot be changed")
                elif isinstance(new, (dict, list)):
                    _compare(name, stored[key], new, changeable, problems)


class ResizeRoutes:
    """``PUT`` of each product's cluster, and the resize-operations data source."""

    def __init__(self, clusters: ClusterRoutes) -> None:
        self.clusters = clusters
        self.ctx = clusters.ctx

    def update(self, app: str) -> Endpoint:
        """``PUT …/applications/{app}/clusters/v2/{clusterId}``."""

        async def update(request: Request) -> Response:
            now = self.ctx.now()
            found = self.clusters.found(request, app, now)
            if isinstance(found, Response):
                return found
            cluster, facts = found
            body = await read_body(request)
            if isinstance(body, Response):
                return body
            created_here = self.ctx.registry.clusters.get(cluster.id) is facts
            if not created_here and app == "opensearch":
                message = "an OpenSearch cluster created through v1 is resized through v1"
                return error_list(400, [("clusterId", message)])
            checked = self._check(app, facts, body, None if created_here else cluster)
            if isinstance(checked, Problems):
                return invalid(checked)
            plan, concurrency, notify, description = checked
            busy = any(dc.resize_target(now) for dc in cluster.data_centres)
            if cluster.deleted_at is not None or busy or cluster.status(now) is not S.RUNNING:
                return conflict(NOT_READY)
            if description is not None:
                cluster.description = description
            self._apply(cluster, self._changes(cluster, plan, now), concurrency, notify, now)
            if created_here:
                facts = self.ctx.registry.clusters[cluster.id] = V2Cluster(
                    app, plan.echo, facts.roles
                )
            else:  # v1's record is the truth: read its new target afresh
                facts = self.ctx.facts(cluster, now) or facts
            return json_response(202, self.clusters.body(cluster, facts, now))

        return update

    def _check(
        self, app: str, facts: V2Cluster, body: object, v1_cluster: ClusterRec | None
    ) -> tuple[V2Plan, int, bool, str | None] | Problems:
        """The cluster as the PUT wants it, the resize settings and the description.

        A cluster created through v1 (``v1_cluster``) has no v2 create body to check the
        whole against: only its data centres' sizes are read, one group per data centre.
        """
        problems = Problems()
        f = Fields(body, "", problems)
        if not isinstance(body, dict):
            return problems
        keys = (
            _GROUPS.get(app, ()) if app == "opensearch" else ("dataCentres", *_GROUPS.get(app, ()))
        )
        if "dataCentres" in keys and body.get("dataCentres") is None:
            f.problem("dataCentres", "is required: the cluster's data centres, as created")
        concurrency, notify = 1, False
        for setting in f.objects("resizeSettings", 1, 1, required=False):
            concurrency = setting.integer("concurrency", 1, MAX_NODES, required=False) or 1
            notify = setting.flag("notifySupportContacts", required=False)
        description = f.text("description", required=False)
        merged: dict[str, Any] = dict(facts.echo)
        for key in keys:
            if body.get(key) and facts.echo.get(key) is None:
                problems.add(key, f"the cluster has no {key}: {_NOT_SIMULATED}")
            elif body.get(key) is not None:
                merged[key] = _merge(facts.echo.get(key), body[key])
                _compare(key, facts.echo.get(key), merged[key], _CHANGEABLE[app], problems)
        if problems:
            return problems
        plan = (
            PRODUCTS[app].check(merged)
            if v1_cluster is None
            else _v1_plan(v1_cluster, merged, problems)
        )
        if isinstance(plan, Problems):
            return plan
        return plan, concurrency, notify, description

    @staticmethod
    def _changes(cluster: ClusterRec, plan: V2Plan, now: float) -> list[_Change]:
        """Each data centre's nodes whose size the plan changes, by new size."""
        changes: dict[tuple[int, str], _Change] = {}
        for index, (dc, wanted) in enumerate(
            # strict=False: data centres added through v1 are not in the v2 body.
            zip(cluster.data_centres, plan.data_centres, strict=False)
        ):
            offset = 0
            for group in wanted.groups:
                nodes = dc.nodes[offset : offset + group.count]
                offset += group.count
                if not nodes or nodes[0].size_at(now) == group.size:
                    continue
                purpose = group.roles[0] if group.roles else None
                change = changes.setdefault(
                    (index, group.size), _Change(index, group.size, purpose)
                )
                if change.purpose != purpose:
                    change.purpose = None
                change.nodes.extend(nodes)
        return list(changes.values())

    def _apply(
        self,
        cluster: ClusterRec,
        changes: list[_Change],
        concurrency: int,
        notify: bool,
        now: float,
    ) -> None:
        """Roll each change through its nodes, one group after another."""
        settings = self.ctx.core.settings
        step = settings.scaled(settings.resize_node_seconds)
        start = now
        for change in changes:
            times = plan_batches(len(change.nodes), concurrency, start, step)
            for node, (leaves, back) in zip(change.nodes, times, strict=True):
                node.resizes.append(NodeResize(leaves, back, change.size))
            done = max(back for _, back in times)
            dc = cluster.data_centres[change.dc_index]
            dc.resize_ops.append(
                ResizeOp(
                    self.ctx.store.new_id(),
                    dc.id,
                    change.size,
                    concurrency,
                    notify,
                    change.purpose,
                    start,
                    done,
                )
            )
            start = done


def _v1_plan(cluster: ClusterRec, merged: dict[str, Any], problems: Problems) -> V2Plan | Problems:
    """A v1-created cluster's data centres at the sizes a PUT asks for."""
    product = product_of_bundle(cluster.plan.main_bundle.name)
    roles = product.roles if product else ()
    dcs = []
    entries = merged.get("dataCentres")
    for index, (dc, entry) in enumerate(zip(cluster.data_centres, entries or [], strict=False)):
        size = node_size(Fields(entry, f"dataCentres[{index}]", problems))
        group = NodeGroup(len(dc.nodes), size or "", roles)
        dcs.append(
            V2DataCentre(dc.name, dc.plan.provider, dc.plan.region, dc.plan.network, 1, (group,))
        )
    if problems:
        return problems
    plan = cluster.plan
    version = plan.main_bundle.version
    return V2Plan("", plan.name, version, plan.sla_tier, plan.pci, plan.private_network, tuple(dcs))
