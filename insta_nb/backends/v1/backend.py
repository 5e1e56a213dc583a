"""The Provisioning API v1 behind the :class:`~insta_nb.backend.Backend` seam.

Joins the three v1 modules: :mod:`.client` (one attempt per endpoint), :mod:`.wire`
(paths and JSON) and :mod:`.validation` (what the API would refuse, by field), and holds
the v1 rules the service needs without knowing HTTP: which failed create proves the API
refused the work (a 503, per the reference), and how an account with no encryption keys
answers (404, treated as an empty list).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import httpx

from insta_nb import errors
from insta_nb.backend import CreateSpec
from insta_nb.backends.client_backend import ClientBackend
from insta_nb.backends.v1 import peering_validation, peerings, resizing, validation, wire
from insta_nb.backends.v1.client import ApiClient
from insta_nb.config import DEFAULT_REQUEST_TIMEOUT
from insta_nb.credentials import Credentials
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

__all__ = ["V1Backend"]

#: Longest alias or ARN we send; real ones are far shorter (an ARN is at most 2048).
_MAX_KEY_TEXT = 2048
#: A v2 product spec sent to v1: refused by validation, before anything is queued.
_PRODUCT_SPEC = (
    "The Provisioning API v1 takes a ClusterSpec (bundles, provider, rack allocation); "
    "product specs such as KafkaClusterSpec are for connect(api='v2')."
)


def _v1_spec(spec: CreateSpec) -> ClusterSpec:
    if not isinstance(spec, ClusterSpec):
        raise errors.ValidationError({"spec": _PRODUCT_SPEC})
    return spec


def _text_problem(value: object, what: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"Give the key's {what} (a non-empty string)."
    if len(value) > _MAX_KEY_TEXT:
        return f"The {what} is too long (at most {_MAX_KEY_TEXT} characters)."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"The {what} contains characters that cannot be sent (lone surrogates)."
    return None


class V1Backend(ClientBackend):
    """An account on the Provisioning API v1."""

    api = "v1"
    #: v1's list names every cluster: the name check of a create reads it.
    lists_names = True

    client: ApiClient

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    @classmethod
    def open(
        cls,
        credentials: Credentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> V1Backend:
        """A backend with its own connection pool for ``credentials``."""
        return cls(ApiClient(credentials, transport=transport, timeout=timeout))

    # --- rules ----------------------------------------------------------------------------

    def check_id(self, value: object, field: str = "clusterId") -> str:
        return wire.check_path_id(value, field)

    def validate_spec(
        self, spec: CreateSpec, *, encryption_key_ids: Collection[str] | None = None
    ) -> dict[str, str]:
        if not isinstance(spec, ClusterSpec):
            return {"spec": _PRODUCT_SPEC}
        return validation.validate_spec(spec, encryption_key_ids=encryption_key_ids)

    def validate_legacy_spec(self, spec: LegacyClusterSpec) -> dict[str, str]:
        return validation.validate_legacy_spec(spec)

    def validate_firewall_rule(self, rule: FirewallRuleSpec) -> dict[str, str]:
        return validation.validate_firewall_rule(rule)

    def validate_encryption_key(self, alias: str, arn: str) -> dict[str, str]:
        problems = {"alias": _text_problem(alias, "alias"), "arn": _text_problem(arn, "ARN")}
        return {k: v for k, v in problems.items() if v is not None}

    def validate_vpc_peering(
        self, spec: VpcPeeringSpec, *, data_centre_network: str | None = None
    ) -> dict[str, str]:
        return peering_validation.validate_peering(spec, data_centre_network=data_centre_network)

    def validate_resize(
        self, details: ClusterDetails, data_centre_id: str, spec: ResizeSpec
    ) -> dict[str, str]:
        return resizing.validate_resize(details, data_centre_id, spec)

    def resize_sizes(self, details: ClusterDetails, data_centre_id: str) -> list[str]:
        return resizing.resize_sizes(details, data_centre_id)

    def preview_vpc_peering(self, spec: VpcPeeringSpec) -> Mapping[str, Any]:
        return peerings.peering_to_json(spec)

    def preview_create(self, spec: CreateSpec) -> Mapping[str, Any]:
        return wire.spec_to_json(_v1_spec(spec))

    def create_refused(self, error: errors.InstaError) -> bool:
        # The reference: 503 "the request was not processed"; anything else is ambiguous.
        return isinstance(error, errors.ServerError) and error.status == 503

    # --- one attempt each ------------------------------------------------------------------

    async def list_clusters(self) -> list[ClusterSummary]:
        return await self.client.list_clusters()

    async def get_cluster(self, cluster_id: str) -> ClusterDetails:
        return await self.client.get_cluster(cluster_id)

    async def find_clusters(self, name: str) -> list[ClusterSummary]:
        return [s for s in await self.list_clusters() if s.name == name]

    async def create_cluster(self, spec: CreateSpec) -> str:
        return await self.client.create_cluster(_v1_spec(spec))

    async def create_cluster_legacy(self, spec: LegacyClusterSpec) -> str:
        return await self.client.create_cluster_legacy(spec)

    async def delete_cluster(self, cluster_id: str) -> None:
        await self.client.delete_cluster(cluster_id)

    async def list_firewall_rules(self, cluster_id: str) -> list[FirewallRule]:
        return await self.client.list_firewall_rules(cluster_id)

    async def add_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        await self.client.add_firewall_rule(cluster_id, rule)

    async def delete_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None:
        await self.client.delete_firewall_rule(cluster_id, rule)

    async def list_encryption_keys(self) -> list[EncryptionKey]:
        try:
            return await self.client.list_encryption_keys()
        except errors.NotFoundError:
            return []  # the reference does not say how an account with no keys answers

    async def add_encryption_key(self, alias: str, arn: str) -> str:
        return await self.client.add_encryption_key(alias, arn)

    async def delete_encryption_key(self, key_id: str) -> None:
        await self.client.delete_encryption_key(key_id)

    async def list_vpc_peerings(self, data_centre_id: str) -> list[VpcPeering]:
        return await self.client.list_vpc_peerings(data_centre_id)

    async def get_vpc_peering(self, data_centre_id: str, peering_id: str) -> VpcPeering:
        return await self.client.get_vpc_peering(data_centre_id, peering_id)

    async def create_vpc_peering(self, data_centre_id: str, spec: VpcPeeringSpec) -> str:
        return await self.client.create_vpc_peering(data_centre_id, spec)

    async def delete_vpc_peering(self, data_centre_id: str, peering_id: str) -> None:
        await self.client.delete_vpc_peering(data_centre_id, peering_id)

    async def resize_data_centre(
        self, cluster_id: str, data_centre_id: str, spec: ResizeSpec
    ) -> None:
        await self.client.resize_data_centre(cluster_id, data_centre_id, spec)

    async def aclose(self) -> None:
        await self.client.aclose()
