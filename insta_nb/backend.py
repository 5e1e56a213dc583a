"""The seam between the toolkit and an Instaclustr API: the :class:`Backend` protocol.

Everything above this line (service, session, widgets) speaks the toolkit's own models
and errors; everything below it (one package per API under :mod:`insta_nb.backends`)
knows paths, JSON bodies and status codes. A backend makes exactly one attempt per call
and neither paces nor retries: the engine does both, for every backend alike.

A backend also holds the API-specific *rules* the service needs without knowing the
wire: how to check an id before it goes anywhere, how to validate a spec field by field
(keyed by the API's own field names, so a form can show the API's messages in the same
place), which failed create proves the API refused the work, and a short human label
for each request (what the queue view shows).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from typing import Any, Protocol, TypeAlias, runtime_checkable

from insta_nb.errors import InstaError
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
from insta_nb.products import ProductClusterSpec

__all__ = ["Backend", "CreateSpec", "Op", "describe"]

#: What a create takes: v1's one shape for every bundle, or a v2 product spec
#: (:mod:`insta_nb.products`). Each backend refuses the kind it cannot send, by validation.
CreateSpec: TypeAlias = ClusterSpec | ProductClusterSpec


class Op(enum.Enum):
    """Every operation a backend performs, with the words the queue view uses for it."""

    LIST_CLUSTERS = "list clusters"
    GET_CLUSTER = "status of"
    CREATE_CLUSTER = "create"
    CREATE_CLUSTER_LEGACY = "create (legacy format)"
    DELETE_CLUSTER = "delete"
    LIST_FIREWALL_RULES = "firewall rules of"
    ADD_FIREWALL_RULE = "add firewall rule on"
    DELETE_FIREWALL_RULE = "remove firewall rule on"
    LIST_ENCRYPTION_KEYS = "list encryption keys"
    ADD_ENCRYPTION_KEY = "add encryption key"
    DELETE_ENCRYPTION_KEY = "delete encryption key"
    LIST_VPC_PEERINGS = "VPC peerings of"
    GET_VPC_PEERING = "VPC peering"
    CREATE_VPC_PEERING = "add VPC peering to"
    DELETE_VPC_PEERING = "delete VPC peering"
    RESIZE_DATA_CENTRE = "resize"


def describe(op: Op, subject: str = "") -> str:
    """``"create demo"``, ``"status of demo"``: an operation as a person says it."""
    return f"{op.value} {subject}".strip() if subject else op.value


@runtime_checkable
class Backend(Protocol):
    """One account on one Instaclustr API, in the toolkit's models."""

    #: Which API this is, e.g. ``"v1"``; shown to users, never parsed.
    api: str

    #: Whether :meth:`list_clusters` names every cluster. When it does not (v2's list has
    #: ids only), a create's name check and reconciliation use :meth:`find_clusters`.
    lists_names: bool

    @property
    def username(self) -> str:
        """The account the backend acts as."""
        ...

    @property
    def api_url(self) -> str:
        """Base URL of the API (identifies the host whose rate limit applies)."""
        ...

    @property
    def read_only(self) -> bool:
        """Whether the key can only read; mutations are then refused before any request."""
        ...

    # --- rules the service applies before and after a request ---------------------------

    def label(self, op: Op, subject: str = "") -> str:
        """A short human label for a request, as the queue view shows it."""
        ...

    def check_id(self, value: object, field: str = "clusterId") -> str:
        """``value`` if it can name a resource; else :class:`~insta_nb.errors.ValidationError`."""
        ...

    def validate_spec(
        self, spec: CreateSpec, *, encryption_key_ids: Collection[str] | None = None
    ) -> dict[str, str]:
        """``{api field name: message}`` for what the API would refuse; empty when valid."""
        ...

    def validate_legacy_spec(self, spec: LegacyClusterSpec) -> dict[str, str]:
        """As :meth:`validate_spec`, for the legacy create format."""
        ...

    def validate_firewall_rule(self, rule: FirewallRuleSpec) -> dict[str, str]:
        """As :meth:`validate_spec`, for one firewall rule."""
        ...

    def validate_encryption_key(self, alias: str, arn: str) -> dict[str, str]:
        """As :meth:`validate_spec`, for an encryption key to register."""
        ...

    def validate_vpc_peering(
        self, spec: VpcPeeringSpec, *, data_centre_network: str | None = None
    ) -> dict[str, str]:
        """As :meth:`validate_spec`, for a peering request.

        ``data_centre_network`` (the CDC's CIDR), when known, lets subnets that overlap
        it be refused too.
        """
        ...

    def validate_resize(
        self, details: ClusterDetails, data_centre_id: str, spec: ResizeSpec
    ) -> dict[str, str]:
        """As :meth:`validate_spec`, for resizing ``data_centre_id`` of ``details``."""
        ...

    def resize_sizes(self, details: ClusterDetails, data_centre_id: str) -> list[str]:
        """Sizes ``data_centre_id`` may be resized to (its bundle, provider and family)."""
        ...

    def preview_vpc_peering(self, spec: VpcPeeringSpec) -> Mapping[str, Any]:
        """The request body a peering create of ``spec`` would send."""
        ...

    def preview_create(self, spec: CreateSpec) -> Mapping[str, Any]:
        """The request a create of ``spec`` would send, for people to read before sending."""
        ...

    def create_refused(self, error: InstaError) -> bool:
        """True when ``error`` after a create means the API refused the work.

        The service then lists by name: if no such cluster exists, sending again is
        informed, not blind. Any other ambiguous failure is only reconciled.
        """
        ...

    # --- one attempt each ---------------------------------------------------------------

    async def list_clusters(self) -> list[ClusterSummary]: ...

    async def find_clusters(self, name: str) -> list[ClusterSummary]:
        """The clusters named ``name`` (one request; :attr:`lists_names` says who uses it)."""
        ...

    async def get_cluster(self, cluster_id: str) -> ClusterDetails: ...

    async def create_cluster(self, spec: CreateSpec) -> str: ...

    async def create_cluster_legacy(self, spec: LegacyClusterSpec) -> str: ...

    async def delete_cluster(self, cluster_id: str) -> None: ...

    async def list_firewall_rules(self, cluster_id: str) -> list[FirewallRule]: ...

    async def add_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None: ...

    async def delete_firewall_rule(self, cluster_id: str, rule: FirewallRuleSpec) -> None: ...

    async def list_encryption_keys(self) -> list[EncryptionKey]: ...

    async def add_encryption_key(self, alias: str, arn: str) -> str: ...

    async def delete_encryption_key(self, key_id: str) -> None: ...

    async def list_vpc_peerings(self, data_centre_id: str) -> list[VpcPeering]: ...

    async def get_vpc_peering(self, data_centre_id: str, peering_id: str) -> VpcPeering: ...

    async def create_vpc_peering(self, data_centre_id: str, spec: VpcPeeringSpec) -> str: ...

    async def delete_vpc_peering(self, data_centre_id: str, peering_id: str) -> None: ...

    async def resize_data_centre(
        self, cluster_id: str, data_centre_id: str, spec: ResizeSpec
    ) -> None: ...

    async def aclose(self) -> None:
        """Release connections. Idempotent."""
        ...
