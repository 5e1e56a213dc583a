"""The Provisioning API v1 as coroutines: one per endpoint, one HTTP attempt per call.

Paths and JSON live in :mod:`.wire`; the attempt itself, and the translation of every
transport error and status into :mod:`insta_nb.errors`, in :mod:`insta_nb.backends.http`.
Ids that go into paths are checked first by the backend, so a call acts on the id it
was given and nothing else.
"""

from __future__ import annotations

from insta_nb.backends.http.api_client import ChannelClient
from insta_nb.backends.v1 import peerings, resizing, wire
from insta_nb.models import (
    ClusterDetails,
    ClusterSpec,
    ClusterSummary,
    EncryptionKey,
    FirewallRule,
    FirewallRuleSpec,
    LegacyClusterSpec,
    ResizeSpec,
)
from insta_nb.peering import VpcPeering, VpcPeeringSpec

__all__ = ["ApiClient"]


class ApiClient(ChannelClient):
    """Async client of the Provisioning API v1: one coroutine and one attempt per endpoint.

    Constructed as :class:`~insta_nb.backends.http.api_client.ChannelClient` (credentials,
    transport, timeout, user agent); use it as an async context manager, or call
    :meth:`aclose` when done.
    """

    # --- clusters -----------------------------------------------------------------------------

    async def list_clusters(self) -> list[ClusterSummary]:
        """Every active cluster of the account (the API answers 404 when there are none)."""
        reply = await self._http.call("GET", wire.LIST_CLUSTERS_PATH, ok_statuses=frozenset({404}))
        if reply.status == 404:
            return []
        return reply.parse(wire.parse_cluster_list)

    async def get_cluster(self, cluster_id: str) -> ClusterDetails:
        """Status of one cluster (the API answers 202, sometimes 200).

        Raises:
            UnexpectedResponseError: The body describes a different cluster.
        """
        reply = await self._http.call("GET", wire.cluster_path(cluster_id))
        details = reply.parse(lambda b: wire.parse_cluster_details(b, cluster_id=cluster_id))
        if details.id.lower() != cluster_id.lower():
            raise reply.unexpected(f"asked for cluster {cluster_id}, got {details.id}")
        return details

    async def create_cluster(self, spec: ClusterSpec) -> str:
        """Create a cluster (extended format); returns the new id. Never retried here."""
        reply = await self._http.call(
            "POST", wire.CREATE_EXTENDED_PATH, body=wire.spec_to_json(spec)
        )
        return reply.parse(wire.parse_created_id)

    async def create_cluster_legacy(self, spec: LegacyClusterSpec) -> str:
        """Create a cluster with the legacy body (``POST /provisioning/v1/``); returns the id."""
        reply = await self._http.call(
            "POST", wire.CREATE_LEGACY_PATH, body=wire.legacy_spec_to_json(spec)
        )
        return reply.parse(wire.parse_created_id)

    async def delete_cluster(self, cluster_id: str) -> str:
        """Mark a cluster for deletion; returns the API's message (may be empty)."""
        reply = await self._http.call("DELETE", wire.cluster_path(cluster_id))
        if reply.data is None:
            return ""
        return reply.parse(wire.parse_message)

    # --- firewall rules ------------------------------------------------------------------------

    async def list_firewall_rules(self, cluster_id: str) -> list[FirewallRule]:
        """The cluster's firewall rules, each with a status per rule type."""
        reply = await self._http.call("GET", wire.firewall_rules_path(cluster_id))
        return reply.parse(wire.parse_firewall_rules)

    async def add_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        """Add a rule. A rule that already exists raises ``ConflictError`` (409)."""
        await self._http.call(
            "POST",
            wire.firewall_rules_path(cluster_id),
            body=wire.firewall_rule_to_json(rule),
        )

    async def delete_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        """Remove a rule: a DELETE whose JSON body names the rule."""
        await self._http.call(
            "DELETE",
            wire.firewall_rules_path(cluster_id),
            body=wire.firewall_rule_to_json(rule),
        )

    # --- encryption keys ------------------------------------------------------------------------

    async def list_encryption_keys(self) -> list[EncryptionKey]:
        """The AWS KMS keys registered with the account."""
        reply = await self._http.call("GET", wire.ENCRYPTION_KEYS_PATH)
        return reply.parse(wire.parse_encryption_keys)

    async def add_encryption_key(
        self, alias: str, arn: str, provider_account: str | None = None
    ) -> str:
        """Register an AWS KMS key; returns its id (usable as ``diskEncryptionKey``)."""
        reply = await self._http.call(
            "POST",
            wire.ENCRYPTION_KEYS_PATH,
            body=wire.encryption_key_to_json(alias, arn, provider_account),
        )
        return reply.parse(wire.parse_created_id)

    async def delete_encryption_key(self, key_id: str) -> None:
        """Remove a registered key."""
        await self._http.call("DELETE", wire.encryption_key_path(key_id))

    # --- VPC peering (keyed by cluster data centre) ------------------------------------------

    async def list_vpc_peerings(self, data_centre_id: str) -> list[VpcPeering]:
        """The data centre's peerings (the API answers 202, some servers 200)."""
        reply = await self._http.call("GET", peerings.peerings_path(data_centre_id))
        return reply.parse(lambda b: peerings.parse_peerings(b, data_centre_id=data_centre_id))

    async def get_vpc_peering(self, data_centre_id: str, peering_id: str) -> VpcPeering:
        """One peering (202).

        Raises:
            UnexpectedResponseError: The body describes a different peering.
        """
        reply = await self._http.call("GET", peerings.peering_path(data_centre_id, peering_id))
        peering = reply.parse(lambda b: peerings.parse_peering(b, data_centre_id=data_centre_id))
        if peering.id.lower() != peering_id.lower():
            raise reply.unexpected(f"asked for VPC peering {peering_id}, got {peering.id}")
        return peering

    async def create_vpc_peering(self, data_centre_id: str, spec: VpcPeeringSpec) -> str:
        """Ask for a peering; returns its id (``{"id": ...}``). Never retried here."""
        reply = await self._http.call(
            "POST", peerings.peerings_path(data_centre_id), body=peerings.peering_to_json(spec)
        )
        return reply.parse(wire.parse_created_id)

    async def delete_vpc_peering(self, data_centre_id: str, peering_id: str) -> None:
        """Remove a peering (202)."""
        await self._http.call("DELETE", peerings.peering_path(data_centre_id, peering_id))

    # --- resize -----------------------------------------------------------------------------

    async def resize_data_centre(
        self, cluster_id: str, data_centre_id: str, spec: ResizeSpec
    ) -> None:
        """Start a rolling resize (202). Not ready: 412 (or 409); a bad size: 400."""
        await self._http.call(
            "POST",
            resizing.resize_path(cluster_id, data_centre_id),
            body=resizing.resize_to_json(spec),
        )
