"""A session's network and capacity calls: VPC peerings of a cluster's data centres, resizes.

Also the checks a peering can make before sending anything.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from insta_nb.models import ResizeSpec
from insta_nb.peering import PeeringStatus, VpcPeering, VpcPeeringSpec
from insta_nb.session.core import SessionCore

__all__ = ["NetworkCalls"]


class NetworkCalls(SessionCore):
    """VPC peerings and rolling resizes of a cluster's data centres."""

    async def create_vpc_peering(
        self, cluster_id: str, spec: VpcPeeringSpec, *, data_centre_id: str | None = None
    ) -> str:
        """Ask for a VPC peering from one of the cluster's data centres; returns its id.

        ``data_centre_id`` may be left out when the cluster has one data centre. The spec
        must be of that data centre's cloud (:class:`~insta_nb.peering.AwsVpcPeeringSpec`
        for AWS). An AWS peering then waits in ``pending-acceptance`` until the peer
        account accepts it: see :meth:`wait_for_vpc_peering`.
        """
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.peerings.create(
                cluster_id, spec, data_centre_id=data_centre_id, owner=owner
            )
        )

    async def list_vpc_peerings(self, cluster_id: str) -> list[VpcPeering]:
        """The peerings of every data centre of the cluster."""
        owner = self.owner()
        return await self._on_engine(lambda: self.service.peerings.list(cluster_id, owner=owner))

    async def get_vpc_peering(self, data_centre_id: str, peering_id: str) -> VpcPeering:
        """One peering, with its status."""
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.peerings.get(data_centre_id, peering_id, owner=owner)
        )

    async def delete_vpc_peering(self, data_centre_id: str, peering_id: str) -> None:
        """Delete exactly this peering. Widgets ask for confirmation; code is explicit."""
        owner = self.owner()
        await self._on_engine(
            lambda: self.service.peerings.delete(data_centre_id, peering_id, owner=owner)
        )

    async def wait_for_vpc_peering(
        self,
        data_centre_id: str,
        peering_id: str,
        *,
        until: Collection[PeeringStatus] = (PeeringStatus.ACTIVE,),
        timeout: float = 900.0,
    ) -> VpcPeering:
        """Wait until the peering's status is one of ``until`` (default: active).

        Pass ``until=(PeeringStatus.PENDING_ACCEPTANCE, PeeringStatus.ACTIVE)`` to stop
        once AWS waits for the peer side. A rejected, expired or failed peering raises
        :class:`~insta_nb.errors.InstaError`; ``timeout`` (15 minutes, as a community
        Terraform provider allows) raises ``DeadlineExceededError``.
        """
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.peerings.wait(
                data_centre_id, peering_id, until=until, timeout=timeout, owner=owner
            )
        )

    async def resize_data_centre(
        self,
        cluster_id: str,
        node_size: str,
        *,
        data_centre_id: str | None = None,
        concurrent_resizes: int = 1,
        notify_support_contacts: bool = False,
        node_purpose: str | None = None,
    ) -> None:
        """Start a rolling resize of a data centre's nodes to ``node_size``.

        Only sizes from :meth:`resize_sizes` are accepted; ``concurrent_resizes`` nodes
        are replaced at a time. Returns once the API accepted the resize; the cluster's
        row shows the progress (nodes at the new size) until it is done.
        """
        owner = self.owner()
        spec = ResizeSpec(node_size, concurrent_resizes, notify_support_contacts, node_purpose)
        await self._on_engine(
            lambda: self.service.resizes.resize(
                cluster_id, spec, data_centre_id=data_centre_id, owner=owner
            )
        )

    async def resize_sizes(self, cluster_id: str, data_centre_id: str | None = None) -> list[str]:
        """Node sizes the data centre may be resized to (empty: it cannot be resized)."""
        owner = self.owner()
        return await self._on_engine(
            lambda: self.service.resizes.sizes(cluster_id, data_centre_id, owner=owner)
        )

    # --- checks before sending (no request) ------------------------------------------------

    def validate_vpc_peering(
        self, spec: VpcPeeringSpec, *, data_centre_network: str | None = None
    ) -> dict[str, str]:
        """What the API would refuse in a peering ``spec``, by its field names."""
        return self.backend.validate_vpc_peering(spec, data_centre_network=data_centre_network)

    def preview_vpc_peering(self, spec: VpcPeeringSpec) -> Mapping[str, Any]:
        """The request body a peering create of ``spec`` would send."""
        return self.backend.preview_vpc_peering(spec)
