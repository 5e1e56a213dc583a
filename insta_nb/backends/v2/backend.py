"""The Cluster Management API v2 behind the :class:`~insta_nb.backend.Backend` seam.

Joins :mod:`.client` (one attempt per endpoint), :mod:`.wire`, :mod:`.parse`,
:mod:`.validation` and :mod:`.directory`, and holds the v2 rules the service needs:

- Creates take a product spec (:mod:`insta_nb.products`); a v1
  :class:`~insta_nb.models.ClusterSpec` or legacy spec is refused before anything is sent.
- The cluster list carries no names, so a create's name check and reconciliation ask
  :meth:`V2Backend.find_clusters` (the list's ``search=name:`` filter, as Instaclustr's
  operator does) instead of reading names from the list (``lists_names = False``).
- No v2 failure is documented as "not processed" (v1's 503): every ambiguous failure of
  a create is reconciled by name, never sent again blind.
- A call normally is one request. The exception: a cluster id this backend has never
  seen (not listed, not created, not read) costs one list request first to learn its
  product, and a firewall rule never listed costs one rule list to learn its id.
- Firewall rules are v2 resources of one type and one network each; a DELETED rule is
  gone (the operator treats it so) and is left out of lists.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import httpx

from insta_nb import errors
from insta_nb.backends.client_backend import ClientBackend
from insta_nb.backends.v2 import peering, resizing, validation, wire
from insta_nb.backends.v2.client import V2Client
from insta_nb.backends.v2.directory import Directory
from insta_nb.config import DEFAULT_REQUEST_TIMEOUT
from insta_nb.credentials import Credentials
from insta_nb.models import (
    ClusterDetails,
    ClusterSpec,
    ClusterStatus,
    ClusterSummary,
    EncryptionKey,
    FirewallRule,
    FirewallRuleSpec,
    LegacyClusterSpec,
    ResizeSpec,
)
from insta_nb.peering import AwsVpcPeeringSpec, VpcPeering, VpcPeeringSpec
from insta_nb.products import ProductClusterSpec

__all__ = ["V2Backend"]

_NO_KEYS = (
    "encryption keys are not part of the Cluster Management API v2 calls this toolkit "
    "speaks: use connect(api='v1') to manage them"
)
_NO_LEGACY = "the legacy create format exists on v1 only: use a product spec on v2"


def _aws(spec: VpcPeeringSpec) -> AwsVpcPeeringSpec:
    if not isinstance(spec, AwsVpcPeeringSpec):
        raise errors.ValidationError(peering.validate_peer(spec))
    return spec


class V2Backend(ClientBackend):
    """An account on the Cluster Management API v2."""

    api = "v2"
    #: The v2 list has no names: name checks use :meth:`find_clusters`.
    lists_names = False

    client: V2Client

    def __init__(self, client: V2Client) -> None:
        self.client = client
        self.directory = Directory()

    @classmethod
    def open(
        cls,
        credentials: Credentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> V2Backend:
        """A backend with its own connection pool for ``credentials``."""
        return cls(V2Client(credentials, transport=transport, timeout=timeout))

    # --- rules ----------------------------------------------------------------------------

    def check_id(self, value: object, field: str = "clusterId") -> str:
        return wire.check_path_id(value, field)

    def validate_spec(
        self,
        spec: ClusterSpec | ProductClusterSpec,
        *,
        encryption_key_ids: Collection[str] | None = None,
    ) -> dict[str, str]:
        return validation.validate_spec(spec)

    def validate_legacy_spec(self, spec: LegacyClusterSpec) -> dict[str, str]:
        return {"spec": _NO_LEGACY}

    def validate_firewall_rule(self, rule: FirewallRuleSpec) -> dict[str, str]:
        return validation.validate_firewall_rule(rule)

    def validate_encryption_key(self, alias: str, arn: str) -> dict[str, str]:
        return {"arn": _NO_KEYS}

    def preview_create(self, spec: ClusterSpec | ProductClusterSpec) -> Mapping[str, Any]:
        if not isinstance(spec, ProductClusterSpec):
            raise errors.ValidationError(validation.validate_spec(spec))
        if problems := validation.shape_problems(spec):
            raise errors.ValidationError(problems)  # no body can be built from these parts
        return wire.spec_to_json(spec)

    def validate_vpc_peering(
        self, spec: VpcPeeringSpec, *, data_centre_network: str | None = None
    ) -> dict[str, str]:
        return peering.validate_peer(spec, data_centre_network=data_centre_network)

    def validate_resize(
        self, details: ClusterDetails, data_centre_id: str, spec: ResizeSpec
    ) -> dict[str, str]:
        return resizing.validate_resize(details, data_centre_id, spec)

    def resize_sizes(self, details: ClusterDetails, data_centre_id: str) -> list[str]:
        return resizing.resize_sizes(details, data_centre_id)

    def preview_vpc_peering(self, spec: VpcPeeringSpec) -> Mapping[str, Any]:
        return peering.peer_to_json(_aws(spec), None)

    def create_refused(self, error: errors.InstaError) -> bool:
        return False  # v2 documents no "request not processed" status

    # --- clusters -------------------------------------------------------------------------

    async def list_clusters(self) -> list[ClusterSummary]:
        listed = await self.client.list_clusters()
        self.directory.learn_listed(listed, complete=True)
        return [self.directory.summary(c) for c in listed]

    async def find_clusters(self, name: str) -> list[ClusterSummary]:
        """Clusters named ``name``: one list request filtered by the API."""
        listed = await self.client.list_clusters(name)
        self.directory.learn_listed(listed, complete=False)
        found = (self.directory.named(c, name) for c in listed)
        return [s for s in found if s is not None]

    async def _app_of(self, cluster_id: str) -> str:
        wire.check_path_id(cluster_id)
        app = self.directory.app_of(cluster_id)
        if app is None:
            # Never seen: one list request tells its product (see the module docstring).
            self.directory.learn_listed(await self.client.list_clusters(), complete=True)
            app = self.directory.app_of(cluster_id)
        if app is None:
            raise errors.NotFoundError(
                f"cluster {cluster_id} is not among the account's v2 clusters "
                "(or is of a product v2 cannot read)",
                status=404,
                method="GET",
                path=wire.LIST_CLUSTERS_PATH,
            )
        return app

    async def get_cluster(self, cluster_id: str) -> ClusterDetails:
        app = await self._app_of(cluster_id)
        details = await self.client.get_cluster(app, cluster_id)
        self.directory.learn_details(app, details)
        return details

    async def create_cluster(self, spec: ClusterSpec | ProductClusterSpec) -> str:
        if not isinstance(spec, ProductClusterSpec):
            raise errors.ValidationError(validation.validate_spec(spec))
        details = await self.client.create_cluster(spec)
        self.directory.learn_details(spec.product.value, details)
        return details.id

    async def create_cluster_legacy(self, spec: LegacyClusterSpec) -> str:
        raise errors.UsageError(_NO_LEGACY)

    async def delete_cluster(self, cluster_id: str) -> None:
        app = await self._app_of(cluster_id)
        await self.client.delete_cluster(app, cluster_id)

    # --- firewall rules -------------------------------------------------------------------

    async def list_firewall_rules(self, cluster_id: str) -> list[FirewallRule]:
        rules = await self.client.list_firewall_rules(cluster_id)
        self.directory.learn_rules(cluster_id, rules)
        return [r for r in rules if r.rules and r.rules[0].status is not ClusterStatus.DELETED]

    async def add_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        network, rule_type = wire.firewall_rule_parts(rule)
        added = await self.client.add_firewall_rule(cluster_id, network, rule_type)
        self.directory.learn_rule(cluster_id, added)

    async def delete_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        network, rule_type = wire.firewall_rule_parts(rule)
        rule_id = self.directory.rule_id(cluster_id, network, rule_type)
        if rule_id is None:
            # Never listed: one rule list tells its id (see the module docstring).
            self.directory.learn_rules(
                cluster_id, await self.client.list_firewall_rules(cluster_id)
            )
            rule_id = self.directory.rule_id(cluster_id, network, rule_type)
        if rule_id is None:
            raise errors.NotFoundError(
                f"no {rule_type} rule for {network} on cluster {cluster_id}",
                status=404,
                method="GET",
                path=wire.firewall_rules_of_cluster_path(cluster_id),
            )
        if self.directory.rule_deleted(rule_id):
            return
        await self.client.delete_firewall_rule(rule_id)

    # --- AWS VPC peers and resize ----------------------------------------------------------

    async def list_vpc_peerings(self, data_centre_id: str) -> list[VpcPeering]:
        wire.check_path_id(data_centre_id, "cdcId")
        return await self.client.list_vpc_peers(data_centre_id)

    async def get_vpc_peering(self, data_centre_id: str, peering_id: str) -> VpcPeering:
        return await self.client.get_vpc_peer(peering_id)

    async def create_vpc_peering(self, data_centre_id: str, spec: VpcPeeringSpec) -> str:
        body = peering.peer_to_json(_aws(spec), wire.check_path_id(data_centre_id, "cdcId"))
        return (await self.client.create_vpc_peer(body)).id

    async def delete_vpc_peering(self, data_centre_id: str, peering_id: str) -> None:
        await self.client.delete_vpc_peer(peering_id)

    async def resize_data_centre(
        self, cluster_id: str, data_centre_id: str, spec: ResizeSpec
    ) -> None:
        details = self.directory.details_of(cluster_id)
        if details is None:
            # Never read: one GET gives the data centres the update must carry.
            details = await self.get_cluster(cluster_id)
        problems = resizing.validate_resize(details, data_centre_id, spec)
        if problems:
            raise errors.ValidationError(problems)
        app = await self._app_of(cluster_id)
        body = resizing.resize_to_json(details, data_centre_id, spec)
        self.directory.learn_details(app, await self.client.update_cluster(app, cluster_id, body))

    # --- encryption keys: not in v2 as this toolkit speaks it ------------------------------

    async def list_encryption_keys(self) -> list[EncryptionKey]:
        raise errors.UsageError(_NO_KEYS)

    async def add_encryption_key(self, alias: str, arn: str) -> str:
        raise errors.UsageError(_NO_KEYS)

    async def delete_encryption_key(self, key_id: str) -> None:
        raise errors.UsageError(_NO_KEYS)

    async def aclose(self) -> None:
        await self.client.aclose()
