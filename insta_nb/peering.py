"""VPC peering: the requests we build and the peerings the API reports.

A peering connects one cluster data centre (CDC) to a network of the user's own, on
the data centre's cloud: an AWS VPC, a GCP VPC network or an Azure VNet. The spec type
says which; a data centre only accepts the spec of its own provider. Frozen
dataclasses, stdlib only, like :mod:`insta_nb.models`: the JSON mapping lives below
the backend seam.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

__all__ = [
    "AwsVpcPeeringSpec",
    "AzureVpcPeeringSpec",
    "GcpVpcPeeringSpec",
    "PeeringStatus",
    "VpcPeering",
    "VpcPeeringSpec",
    "peering_provider",
]


class PeeringStatus(enum.StrEnum):
    """A peering's ``statusCode``, one vocabulary for the three clouds.

    AWS reports lower-case words (``pending-acceptance``), GCP upper-case ones
    (``ACTIVE``); both map here. The raw text stays in :attr:`VpcPeering.status_code`.
    """

    INITIATING_REQUEST = "initiating-request"
    #: AWS: waiting for the peer account to accept the request.
    PENDING_ACCEPTANCE = "pending-acceptance"
    GENESIS = "genesis"
    PROVISIONING = "provisioning"
    ACTIVE = "active"
    #: GCP: this side is set up, the peer network's half is not (a waiting state).
    INACTIVE = "inactive"
    FAILED = "failed"
    REJECTED = "rejected"
    EXPIRED = "expired"
    DELETING = "deleting"
    DELETED = "deleted"
    #: A value this toolkit does not know (or the API's own ``UNKNOWN``).
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: object) -> PeeringStatus:
        """Map any API value (any case, ``_`` or ``-``) to a member; ``UNKNOWN`` otherwise."""
        if not isinstance(value, str):
            return cls.UNKNOWN
        try:
            return cls(value.strip().lower().replace("_", "-"))
        except ValueError:
            return cls.UNKNOWN

    @property
    def is_final(self) -> bool:
        """No change is expected any more without a user action (accept, recreate)."""
        return self in _FINAL

    @property
    def is_failure(self) -> bool:
        """The peering will never carry traffic: it has to be deleted and made again."""
        return self in _FAILURES


_FAILURES = frozenset(
    {
        PeeringStatus.FAILED,
        PeeringStatus.REJECTED,
        PeeringStatus.EXPIRED,
        PeeringStatus.DELETED,
    }
)
_FINAL = _FAILURES | {PeeringStatus.ACTIVE}


@dataclass(frozen=True)
class AwsVpcPeeringSpec:
    """Peer an AWS data centre with a VPC of the user's AWS account.

    Attributes:
        peer_vpc_id: The VPC to peer with, ``vpc-`` and 8 or 17 hex digits.
        peer_account_id: The 12-digit AWS account that owns it.
        peer_subnets: The VPC's CIDRs that should reach the cluster (``10.1.0.0/16``).
        peer_region: The VPC's region in the API's spelling (``US_WEST_2``);
            ``None`` means the data centre's own region.
        add_network_to_firewall_rules: Also open the cluster's firewall to the subnets.
    """

    peer_vpc_id: str
    peer_account_id: str
    peer_subnets: tuple[str, ...] = ()
    peer_region: str | None = None
    add_network_to_firewall_rules: bool = False


@dataclass(frozen=True)
class GcpVpcPeeringSpec:
    """Peer a GCP data centre with a VPC network of the user's GCP project."""

    peer_project_id: str
    peer_vpc_network_name: str
    peer_subnets: tuple[str, ...] = ()
    add_network_to_firewall_rules: bool = False


@dataclass(frozen=True)
class AzureVpcPeeringSpec:
    """Peer an Azure data centre with a VNet of the user's subscription.

    ``peer_ad_object_id`` is needed only when the VNet is in another subscription.
    """

    peer_subscription_id: str
    peer_resource_group: str
    peer_vnet_network_name: str
    peer_subnets: tuple[str, ...] = ()
    peer_ad_object_id: str | None = None
    add_network_to_firewall_rules: bool = False


#: Any of the three peering requests.
VpcPeeringSpec: TypeAlias = AwsVpcPeeringSpec | GcpVpcPeeringSpec | AzureVpcPeeringSpec

#: Status responses name the providers ``AWS_VPC``, ``GCP`` and ``AZURE``.
_PROVIDER_OF: dict[type, str] = {
    AwsVpcPeeringSpec: "AWS_VPC",
    GcpVpcPeeringSpec: "GCP",
    AzureVpcPeeringSpec: "AZURE",
}


def peering_provider(spec: VpcPeeringSpec) -> str:
    """The data centre provider (as status responses name it) that accepts ``spec``."""
    return _PROVIDER_OF[type(spec)]


@dataclass(frozen=True)
class VpcPeering:
    """A peering as the API reports it.

    Only the fields of its own cloud are set; the others stay ``None`` or empty.
    """

    id: str
    data_centre_id: str
    status: PeeringStatus
    #: ``AWS_VPC``, ``GCP`` or ``AZURE``, from the fields the response carries.
    provider: str | None = None
    #: The ``statusCode`` exactly as sent.
    status_code: str | None = None
    #: Why it failed (GCP and Azure send ``failureReason``).
    failure_reason: str | None = None
    peer_subnets: tuple[str, ...] = ()
    # AWS
    peer_vpc_id: str | None = None
    peer_account_id: str | None = None
    peer_region: str | None = None
    #: The cluster side's VPC, and the connection id (``pcx-…``) once AWS made one.
    vpc_id: str | None = None
    connection_id: str | None = None
    # GCP
    peer_project_id: str | None = None
    peer_vpc_network_name: str | None = None
    # Azure
    peer_subscription_id: str | None = None
    peer_resource_group: str | None = None
    peer_vnet_network_name: str | None = None
    peer_ad_object_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def peer(self) -> str:
        """The peer network in one phrase, e.g. ``vpc-0a1b2c3d (123456789012)``."""
        if self.peer_vpc_id:
            return f"{self.peer_vpc_id} ({self.peer_account_id or '?'})"
        if self.peer_vpc_network_name:
            return f"{self.peer_vpc_network_name} ({self.peer_project_id or '?'})"
        if self.peer_vnet_network_name:
            return f"{self.peer_vnet_network_name} ({self.peer_resource_group or '?'})"
        return ""
