"""Cluster routes: create per product, get, update (resize), delete, and the list.

``POST`` answers 202 with the whole cluster [C SPEC, OP]; ``DELETE`` 204 [C SPEC];
``GET`` 200 or 404 [C SPEC]. A DELETING cluster still answers GET (status DELETING);
once DELETED it is 404, which both real clients read as "gone" [C OP]. A second
DELETE while the cluster is DELETING answers 204 again, so that a client retrying a
delete whose answer it lost never sees an error for a teardown that is happening [I].
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from insta_nb.models import ClusterStatus
from insta_nb.simulator.lifecycle import ClusterRec
from insta_nb.simulator.problems import Problems
from insta_nb.simulator.responses import json_response
from insta_nb.simulator.v2 import render
from insta_nb.simulator.v2.build import node_roles, store_plan
from insta_nb.simulator.v2.context import V2Context
from insta_nb.simulator.v2.errors import error_list, invalid, not_found, read_body
from insta_nb.simulator.v2.products import PRODUCTS
from insta_nb.simulator.v2.registry import V2Cluster

__all__ = ["ClusterRoutes"]

Endpoint = Callable[[Request], Awaitable[Response]]
_SEARCH_PREFIX = "name:"


class ClusterRoutes:
    """The cluster endpoints of one product, plus the account's cluster list."""

    def __init__(self, ctx: V2Context) -> None:
        self.ctx = ctx

    def found(
        self, request: Request, app: str, now: float
    ) -> tuple[ClusterRec, V2Cluster] | Response:
        """The product's cluster named by the path, or a 404 naming the id."""
        cluster = self.ctx.active(str(request.path_params["cluster_id"]), now)
        facts = self.ctx.facts(cluster, now) if cluster is not None else None
        if cluster is None or facts is None or facts.app != app:
            return not_found("Cluster", "clusterId")
        return cluster, facts

    def body(self, cluster: ClusterRec, facts: V2Cluster, now: float) -> dict[str, object]:
        """The cluster as v2 shows it at ``now``."""
        return render.cluster(cluster, facts, now, self.ctx.wall())

    def create(self, app: str) -> Endpoint:
        """``POST …/applications/{app}/clusters/v2``."""
        product = PRODUCTS[app]

        async def create(request: Request) -> Response:
            body = await read_body(request)
            if isinstance(body, Response):
                return body
            plan = product.check(body)
            if isinstance(plan, Problems):
                return invalid(plan)
            now = self.ctx.now()
            cluster = self.ctx.store.create(store_plan(plan), now)
            cluster.description = plan.echo.get("description")  # v1's PUT may change it
            facts = V2Cluster(app, plan.echo, node_roles(plan, cluster))
            self.ctx.registry.clusters[cluster.id] = facts
            return json_response(202, self.body(cluster, facts, now))

        return create

    def get(self, app: str) -> Endpoint:
        """``GET …/clusters/v2/{clusterId}``."""

        async def get(request: Request) -> Response:
            now = self.ctx.now()
            found = self.found(request, app, now)
            if isinstance(found, Response):
                return found
            return json_response(200, self.body(*found, now))

        return get

    def delete(self, app: str) -> Endpoint:
        """``DELETE …/clusters/v2/{clusterId}``: 204."""

        async def delete(request: Request) -> Response:
            now = self.ctx.now()
            found = self.found(request, app, now)
            if isinstance(found, Response):
                return found
            cluster, _ = found
            if cluster.deleted_at is None:
                self.ctx.store.delete(cluster, now)
            return Response(status_code=204)

        return delete

    async def list_clusters(self, request: Request) -> Response:
        """``GET /data-sources/clusters/v2[?search=name:<name>]``: active clusters only."""
        search = request.query_params.get("search")
        name: str | None = None
        if search is not None:
            if not search.startswith(_SEARCH_PREFIX):
                return error_list(400, [("search", "must be name:<cluster name>")])
            name = search[len(_SEARCH_PREFIX) :]
        now = self.ctx.now()
        active = [
            cluster
            for cluster, status in self.ctx.store.listed(now)
            if status is not ClusterStatus.DELETING and (name is None or cluster.name == name)
        ]
        return json_response(200, render.account_clusters(self.ctx.registry.account_id, active))
