"""Network firewall rules as resources [C SPEC, OP; facts §7].

``POST`` answers 202 with ``{id, clusterId, network, type, status, deferredReason}``;
a rule of that type for that network already open on the cluster is 409 in the single
error shape; ``GET`` 200/404; ``DELETE`` 204/404; no PUT. A rule is GENESIS until it
opens (``firewall_rule_seconds``), then RUNNING, the values TF2 polls on.

One store: a v2 rule opens the type in the cluster's v1 firewall, so v1's
``GET /{id}/firewallRules`` shows it and a rule opened through v1 answers 409 here
(and is listed here, with an id given when v2 first sees it). After a DELETE the rule
reads ``DELETED`` for ``firewall_rule_seconds``, then 404 [C OP: it skips the DELETE
when it sees DELETED and reads 404 as gone; when the real rule turns 404 is not
established]. A second DELETE is 404.
"""

from __future__ import annotations

from typing import Final

from starlette.requests import Request
from starlette.responses import Response

from insta_nb.simulator.lifecycle import ClusterRec
from insta_nb.simulator.networks import firewall_network_error
from insta_nb.simulator.plan import FirewallPlan
from insta_nb.simulator.problems import Problems
from insta_nb.simulator.responses import json_response
from insta_nb.simulator.v2 import render
from insta_nb.simulator.v2.context import V2Context
from insta_nb.simulator.v2.errors import conflict, invalid, not_found, read_body
from insta_nb.simulator.v2.reader import Fields
from insta_nb.simulator.v2.registry import RuleRec

__all__ = ["RULE_TYPES", "FirewallRoutes"]

#: ``FirewallRuleTypesV2`` [C SPEC].
RULE_TYPES = (
    "KAFKA", "KAFKA_CONNECT", "KAFKA_ENCRYPTION", "KAFKA_MTLS", "KAFKA_NO_ENCRYPTION",
    "KAFKA_PRIVATE_SASL_PLAINTEXT_LISTENER", "KAFKA_PRIVATE_PLAINTEXT_LISTENER",
    "KAFKA_PRIVATE_SSL_LISTENER", "KAFKA_PUBLIC_SASL_PLAINTEXT_LISTENER",
    "KAFKA_PUBLIC_PLAINTEXT_LISTENER", "KAFKA_PUBLIC_SSL_LISTENER", "KAFKA_REST_PROXY",
    "KAFKA_SCHEMA_REGISTRY", "KARAPACE_REST_PROXY", "KARAPACE_SCHEMA_REGISTRY",
    "CASSANDRA", "CASSANDRA_CQL", "SPARK", "SPARK_JOBSERVER", "SHOTOVER_PROXY",
    "DEBEZIUM_CONNECTOR_CASSANDRA_KAFKA", "DEBEZIUM_CONNECTOR_CASSANDRA_SCHEMA",
    "ELASTICSEARCH", "OPENSEARCH", "OPENSEARCH_DASHBOARDS", "SEARCH_DASHBOARDS",
    "APACHE_ZOOKEEPER", "SECURE_APACHE_ZOOKEEPER", "CADENCE", "CADENCE_GRPC", "CADENCE_WEB",
    "COUCHBASE", "COUCHBASE_MEMCACHED_SSL", "MONGODB", "PGBOUNCER", "POSTGRESQL", "REDIS",
)  # fmt: skip
_RULE_TYPES = frozenset(RULE_TYPES)
_NETWORK: Final = "network"


class FirewallRoutes:
    """``/resources/network-firewall-rules/v2`` and the per-cluster rule list."""

    def __init__(self, ctx: V2Context) -> None:
        self.ctx = ctx
        self.registry = ctx.registry

    def _sync(self, cluster: ClusterRec, now: float) -> None:
        """Make the open rules of ``cluster`` match its (shared) firewall: a rule opened
        through v1 gets an id, one closed through v1 reads DELETED."""
        cid = cluster.id
        open_now: dict[tuple[str, str, str], float] = {
            (cid, entry.target, kind): ready
            for entry in cluster.firewall.values()
            if entry.kind == _NETWORK
            for kind, ready in entry.rules.items()
        }
        for key, rule_id in list(self.registry.open_rules.items()):
            if key[0] == cid and open_now.get(key) != self.registry.rules[rule_id].ready_at:
                self.registry.rules[rule_id].deleted_at = now
                del self.registry.open_rules[key]
        for key, ready in open_now.items():
            if key not in self.registry.open_rules:
                rule = RuleRec(self.ctx.store.new_id(), cid, key[1], key[2], ready)
                self.registry.rules[rule.id] = rule
                self.registry.open_rules[key] = rule.id

    def _rule(self, request: Request, now: float) -> RuleRec | Response:
        """The rule named by the path, as of ``now`` (404 once gone)."""
        rule = self.registry.rules.get(str(request.path_params["rule_id"]))
        if rule is not None:
            cluster = self.ctx.store.get(rule.cluster_id, now)
            if self.ctx.active(rule.cluster_id, now) is not None and cluster is not None:
                self._sync(cluster, now)
            elif rule.deleted_at is None:  # its cluster is DELETED: the rule went with it
                gone = cluster.deleting_until if cluster is not None else None
                rule.deleted_at = gone if gone is not None else now
                self.registry.open_rules.pop((rule.cluster_id, rule.network, rule.type), None)
        retention = self.ctx.scaled(self.ctx.core.settings.firewall_rule_seconds)
        if rule is None or (rule.deleted_at is not None and now >= rule.deleted_at + retention):
            return not_found("Firewall rule", "firewallRuleId")
        return rule

    async def create(self, request: Request) -> Response:
        """``POST``: 202 with the rule; 404 for an unknown cluster; 409 for a duplicate."""
        body = await read_body(request)
        if isinstance(body, Response):
            return body
        problems = Problems()
        f = Fields(body, "", problems)
        if problems:  # not an object: nothing else to name
            return invalid(problems)
        cluster_id = f.text("clusterId")
        network = f.check(_NETWORK, firewall_network_error)
        kind = f.choice("type", _RULE_TYPES, "a FirewallRuleTypesV2 value, e.g. CASSANDRA_CQL")
        if problems or cluster_id is None or not isinstance(network, str) or kind is None:
            return invalid(problems)
        now = self.ctx.now()
        cluster = self.ctx.active(cluster_id, now)
        if cluster is None:
            return not_found("Cluster", "clusterId")
        if cluster.deleted_at is not None:
            return conflict("The cluster is being deleted.")
        self._sync(cluster, now)
        if not self.ctx.store.add_rule(cluster, FirewallPlan(_NETWORK, network, (kind,)), now):
            return conflict(f"A {kind} rule for {network} already exists on this cluster.")
        self._sync(cluster, now)
        rule = self.registry.rules[self.registry.open_rules[(cluster.id, network, kind)]]
        return json_response(202, render.firewall_rule(rule, now))

    async def get(self, request: Request) -> Response:
        """``GET …/{firewallRuleId}``."""
        now = self.ctx.now()
        rule = self._rule(request, now)
        if isinstance(rule, Response):
            return rule
        return json_response(200, render.firewall_rule(rule, now))

    async def delete(self, request: Request) -> Response:
        """``DELETE …/{firewallRuleId}``: 204; 404 when unknown or already deleted."""
        now = self.ctx.now()
        rule = self._rule(request, now)
        if isinstance(rule, Response):
            return rule
        if rule.deleted_at is not None:
            return not_found("Firewall rule", "firewallRuleId")
        cluster = self.ctx.store.get(rule.cluster_id, now)
        if cluster is not None:
            self.ctx.store.delete_rule(cluster, FirewallPlan(_NETWORK, rule.network, (rule.type,)))
            self._sync(cluster, now)
        rule.deleted_at = now
        return Response(status_code=204)

    async def list_rules(self, request: Request) -> Response:
        """``GET /data-sources/cluster/{clusterId}/network-firewall-rules/v2``."""
        now = self.ctx.now()
        cluster = self.ctx.active(str(request.path_params["cluster_id"]), now)
        if cluster is None:
            return not_found("Cluster", "clusterId")
        self._sync(cluster, now)
        rules = [
            render.firewall_rule(self.registry.rules[rule_id], now)
            for key, rule_id in self.registry.open_rules.items()
            if key[0] == cluster.id
        ]
        return json_response(200, [{"clusterId": cluster.id, "firewallRules": rules}])
