"""The Cluster Management API v2 as coroutines: one per endpoint, one HTTP attempt per call.

Paths and bodies live in :mod:`.wire`, response parsing in :mod:`.parse`, the attempt
itself and its errors in :mod:`insta_nb.backends.http`. Every call here needs what its
path needs (a cluster's product, a rule's id); finding those is the backend's job.
"""

from __future__ import annotations

from typing import Any

from insta_nb.backends.http.api_client import ChannelClient
from insta_nb.backends.v2 import parse, peering, wire
from insta_nb.models import ClusterDetails, FirewallRule
from insta_nb.peering import VpcPeering
from insta_nb.products import ProductClusterSpec

__all__ = ["V2Client"]


class V2Client(ChannelClient):
    """Async client of the Cluster Management API v2 (constructed as
    :class:`~insta_nb.backends.http.api_client.ChannelClient`; a read-only key refuses
    every non-GET locally)."""

    # --- clusters -------------------------------------------------------------------------

    async def list_clusters(self, name: str | None = None) -> list[parse.ListedCluster]:
        """Ids and products of the account's active clusters (``name``: only those so named)."""
        path = wire.LIST_CLUSTERS_PATH if name is None else wire.search_path(name)
        reply = await self._http.call("GET", path)
        return reply.parse(parse.parse_cluster_list)

    async def get_cluster(self, app_path: str, cluster_id: str) -> ClusterDetails:
        """One cluster; ``UnexpectedResponseError`` when the body describes another."""
        reply = await self._http.call("GET", wire.cluster_path(app_path, cluster_id))
        details = reply.parse(lambda b: parse.parse_cluster(b, app_path, cluster_id=cluster_id))
        if details.id.lower() != cluster_id.lower():
            raise reply.unexpected(f"asked for cluster {cluster_id}, got {details.id}")
        return details

    async def create_cluster(self, spec: ProductClusterSpec) -> ClusterDetails:
        """POST the product's create body; the 202 answer is the whole new cluster."""
        reply = await self._http.call(
            "POST", wire.clusters_path(spec.product), body=wire.spec_to_json(spec)
        )
        return reply.parse(lambda b: parse.parse_cluster(b, spec.product.value))

    async def update_cluster(
        self, app_path: str, cluster_id: str, body: dict[str, Any]
    ) -> ClusterDetails:
        """PUT a cluster update (resize); 409 while the cluster cannot take it."""
        reply = await self._http.call("PUT", wire.cluster_path(app_path, cluster_id), body=body)
        return reply.parse(lambda b: parse.parse_cluster(b, app_path, cluster_id=cluster_id))

    async def delete_cluster(self, app_path: str, cluster_id: str) -> None:
        """DELETE a cluster (204; 202 is accepted too)."""
        await self._http.call("DELETE", wire.cluster_path(app_path, cluster_id))

    # --- firewall rules ---------------------------------------------------------------------

    async def list_firewall_rules(self, cluster_id: str) -> list[FirewallRule]:
        """The cluster's rules, one per type and network, each with its id in ``raw``."""
        reply = await self._http.call("GET", wire.firewall_rules_of_cluster_path(cluster_id))
        return reply.parse(parse.parse_firewall_rules)

    async def add_firewall_rule(
        self, cluster_id: str, network: str, rule_type: str
    ) -> FirewallRule:
        """POST one rule; 409 when that type already exists for that network."""
        reply = await self._http.call(
            "POST",
            f"{wire.FIREWALL_RULES_PATH}/",
            body=wire.firewall_rule_to_json(cluster_id, network, rule_type),
        )
        return reply.parse(parse.parse_firewall_rule)

    async def delete_firewall_rule(self, rule_id: str) -> None:
        """DELETE one rule by its id (204)."""
        await self._http.call("DELETE", wire.firewall_rule_path(rule_id))

    # --- AWS VPC peers ----------------------------------------------------------------------

    async def list_vpc_peers(self, data_centre_id: str) -> list[VpcPeering]:
        """The account's AWS VPC peers of one data centre (the data source lists all)."""
        reply = await self._http.call("GET", peering.VPC_PEERS_LIST_PATH)
        return reply.parse(lambda b: peering.parse_peers(b, data_centre_id))

    async def get_vpc_peer(self, peering_id: str) -> VpcPeering:
        """One peer with its ``statusCode``."""
        reply = await self._http.call("GET", peering.peer_path(peering_id))
        return reply.parse(peering.parse_peer)

    async def create_vpc_peer(self, body: dict[str, Any]) -> VpcPeering:
        """POST a peer (202, with its id)."""
        reply = await self._http.call("POST", peering.VPC_PEERS_PATH, body=body)
        return reply.parse(peering.parse_peer)

    async def delete_vpc_peer(self, peering_id: str) -> None:
        """DELETE a peer (204)."""
        await self._http.call("DELETE", peering.peer_path(peering_id))
