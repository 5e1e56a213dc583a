"""The endpoints: one method per route, each a few lines over the store and renderers.

Requests reach these methods only after the gate admitted them (faults, rate limit,
auth, body size) and with the trailing slash removed from the path.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from insta_nb.models import ClusterStatus
from insta_nb.simulator import render
from insta_nb.simulator.core import SimulatorCore
from insta_nb.simulator.legacy import validate_legacy
from insta_nb.simulator.lifecycle import ClusterRec
from insta_nb.simulator.plan import ClusterPlan, FirewallPlan
from insta_nb.simulator.problems import Problems
from insta_nb.simulator.responses import error, invalid, json_response, read_json
from insta_nb.simulator.rules import check_firewall_rule, check_key
from insta_nb.simulator.validation import (
    cluster_defaults,
    validate_add_data_centre,
    validate_create,
)

__all__ = ["Api"]

S = ClusterStatus
_NOT_FOUND = "Cluster not found."
Validator = Callable[[object, Container[str]], ClusterPlan | Problems]
View = Callable[[ClusterRec, float], dict[str, Any]]


class Api:
    """Route handlers over one :class:`SimulatorCore`."""

    def __init__(self, core: SimulatorCore) -> None:
        self.core = core
        self.store = core.store

    # --- helpers ---------------------------------------------------------------------

    def _cluster(self, request: Request, now: float) -> ClusterRec | None:
        return self.store.get(str(request.path_params["cluster_id"]), now)

    def _live_cluster(self, request: Request, now: float) -> ClusterRec | Response:
        """A cluster that can still change: 404 when gone, 409 while it is being deleted."""
        cluster = self._cluster(request, now)
        if cluster is None or cluster.status(now) is S.DELETED:
            return error(404, _NOT_FOUND)
        if cluster.deleted_at is not None:
            return error(409, "The cluster is being deleted.")
        return cluster

    # --- clusters --------------------------------------------------------------------

    async def list_clusters(self, request: Request) -> Response:
        now = self.core.now()
        items = [render.cluster_summary(c, status, now) for c, status in self.store.listed(now)]
        if not items:
            # The real API answers 404, not [], when the account has no clusters.
            return error(404, "No clusters found.")
        return json_response(200, items)

    async def _create(self, request: Request, validate: Validator) -> Response:
        body = await read_json(request)
        if isinstance(body, Response):
            return body
        result = validate(body, self.store.keys)
        if isinstance(result, Problems):
            return invalid(result)
        cluster = self.store.create(result, self.core.now())
        return json_response(202, {"id": cluster.id})

    async def create_extended(self, request: Request) -> Response:
        return await self._create(request, validate_create)

    async def create_legacy(self, request: Request) -> Response:
        return await self._create(request, validate_legacy)

    async def _view(self, request: Request, view: View) -> Response:
        now = self.core.now()
        cluster = self._cluster(request, now)
        if cluster is None:
            return error(404, _NOT_FOUND)
        return json_response(202, view(cluster, now))

    async def get_cluster(self, request: Request) -> Response:
        return await self._view(request, render.cluster_details)

    async def terraform_description(self, request: Request) -> Response:
        return await self._view(request, render.terraform_description)

    async def delete_cluster(self, request: Request) -> Response:
        now = self.core.now()
        cluster = self._live_cluster(request, now)
        if isinstance(cluster, Response):
            return cluster
        self.store.delete(cluster, now)
        return json_response(202, {"message": "Cluster has been marked for deletion."})

    async def update_cluster(self, request: Request) -> Response:
        now = self.core.now()
        cluster = self._live_cluster(request, now)
        if isinstance(cluster, Response):
            return cluster
        body = await read_json(request)
        if isinstance(body, Response):
            return body
        problems = Problems()
        if not isinstance(body, dict):
            problems.add("body", "must be a JSON object")
            return invalid(problems)
        if body.get("description") is not None and not isinstance(body["description"], str):
            problems.add("description", "must be a string")
        two_factor = body.get("twoFactorDelete")
        if two_factor is not None and not isinstance(two_factor, dict):
            problems.add("twoFactorDelete", "must be an object")
        if problems:
            return invalid(problems)
        if "description" in body:
            cluster.description = body["description"]
        if "twoFactorDelete" in body:
            cluster.two_factor_delete = bool(body["twoFactorDelete"])
        return json_response(200, {"message": "The cluster has been successfully updated."})

    async def add_data_centre(self, request: Request) -> Response:
        now = self.core.now()
        cluster = self._live_cluster(request, now)
        if isinstance(cluster, Response):
            return cluster
        if cluster.status(now) is not S.RUNNING:
            return error(409, "The cluster is not currently in a state to add a data centre.")
        body = await read_json(request)
        if isinstance(body, Response):
            return body
        result = validate_add_data_centre(
            body,
            cluster_defaults(cluster.data_centres[0].plan, cluster.plan.bundles),
            [dc.plan.network for dc in cluster.data_centres],
            [dc.name for dc in cluster.data_centres],
            self.store.keys,
        )
        if isinstance(result, Problems):
            return invalid(result)
        dc = self.store.add_data_centre(cluster, result, now)
        return json_response(202, {"id": dc.id})

    # --- firewall rules --------------------------------------------------------------

    async def list_rules(self, request: Request) -> Response:
        now = self.core.now()
        cluster = self._cluster(request, now)
        if cluster is None or cluster.status(now) is S.DELETED:
            return error(404, _NOT_FOUND)
        return json_response(200, render.firewall_rules(cluster, now))

    async def _rule_request(
        self, request: Request, *, rules_required: bool = True
    ) -> tuple[ClusterRec, FirewallPlan, float] | Response:
        now = self.core.now()
        cluster = self._live_cluster(request, now)
        if isinstance(cluster, Response):
            return cluster
        body = await read_json(request)
        if isinstance(body, Response):
            return body
        rule = check_firewall_rule(body, rules_required=rules_required)
        if isinstance(rule, Problems):
            return invalid(rule)
        return cluster, rule, now

    async def add_rule(self, request: Request) -> Response:
        parsed = await self._rule_request(request)
        if isinstance(parsed, Response):
            return parsed
        cluster, rule, now = parsed
        if not self.store.add_rule(cluster, rule, now):
            return error(409, "Firewall rule already exists.")
        return json_response(202, {"message": "Firewall rule request accepted."})

    async def put_rule(self, request: Request) -> Response:
        parsed = await self._rule_request(request)
        if isinstance(parsed, Response):
            return parsed
        cluster, rule, now = parsed
        self.store.put_rule(cluster, rule, now)
        return json_response(202, {"message": "update firewall rule request accepted"})

    async def delete_rule(self, request: Request) -> Response:
        parsed = await self._rule_request(request, rules_required=False)
        if isinstance(parsed, Response):
            return parsed
        cluster, rule, _ = parsed
        if not self.store.delete_rule(cluster, rule):
            return error(404, "Firewall rule not found.")
        return json_response(202, {"message": "Firewall rule has been marked for deletion."})

    # --- encryption keys -------------------------------------------------------------

    async def list_keys(self, request: Request) -> Response:
        return json_response(200, [render.encryption_key(k) for k in self.store.keys.values()])

    async def add_key(self, request: Request) -> Response:
        body = await read_json(request)
        if isinstance(body, Response):
            return body
        plan = check_key(body)
        if isinstance(plan, Problems):
            return invalid(plan)
        key = self.store.add_key(plan.alias, plan.arn, plan.provider_account)
        return json_response(202, {"id": key.id})

    async def delete_key(self, request: Request) -> Response:
        outcome = self.store.delete_key(str(request.path_params["key_id"]), self.core.now())
        if outcome == "missing":
            return error(404, "Encryption key not found.")
        if outcome == "in_use":
            return error(409, "The encryption key is used by a cluster.")
        return json_response(202, {"message": "Encryption key has been deleted."})
