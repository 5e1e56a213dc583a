"""VPC peerings of the account's clusters, as user actions and reads.

A peering belongs to one cluster data centre. Creating one is refused before anything
is queued when the spec is invalid, the key is read-only, or the data centre is
ambiguous or of another cloud than the spec. A create is never sent twice: when its
outcome is unknown (a timeout, a 5xx), the data centre's peerings are listed and one
to the same peer network is taken as the result. Every change is recorded as an
operation and lands in the owning cluster's row, so views redraw.
"""

from __future__ import annotations

from collections.abc import Collection

from insta_nb import errors
from insta_nb.backend import Op
from insta_nb.engine import JobKind
from insta_nb.models import ClusterDetails
from insta_nb.peering import PeeringStatus, VpcPeering, VpcPeeringSpec, peering_provider
from insta_nb.service.context import ServiceContext
from insta_nb.service.data_centres import pick_data_centre
from insta_nb.service.operations import OperationState

__all__ = ["Peerings"]

#: The status responses' provider names, as a peering spec names them.
_PROVIDER = {"AZURE_AZ": "AZURE"}


#: Fields that together name the peer network, whatever the cloud.
_IDENTITY = (
    "peer_vpc_id",
    "peer_account_id",
    "peer_project_id",
    "peer_vpc_network_name",
    "peer_subscription_id",
    "peer_resource_group",
    "peer_vnet_network_name",
)


def _same_peer(peering: VpcPeering, spec: VpcPeeringSpec) -> bool:
    wanted = [getattr(spec, name, None) for name in _IDENTITY]
    have = [getattr(peering, name, None) for name in _IDENTITY]
    return any(wanted) and all(w is None or w == h for w, h in zip(wanted, have, strict=True))


class Peerings:
    """VPC peering actions of one service."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        ctx.on_poll.append(self._poll)

    async def _poll(self, owner: str) -> None:
        """Re-read the peerings still on their way (neither active nor failed).

        Only their data centres cost a request: once every peering settled, a refresh
        sends nothing more for them. A peering is known to a row once it was created,
        listed or read through this service.
        """
        for row in self._ctx.inventory:
            moving = {p.data_centre_id for p in row.vpc_peerings or () if not p.status.is_final}
            for data_centre_id in sorted(moving):
                try:
                    await self.list_for_data_centre(data_centre_id, kind=JobKind.POLL, owner=owner)
                except errors.NotFoundError:
                    self._store(row.id, data_centre_id, [])  # the data centre is gone

    # --- where a data centre lives -----------------------------------------------------------

    def cluster_of(self, data_centre_id: str) -> str | None:
        """The inventory's cluster holding ``data_centre_id`` (``None``: not known yet)."""
        for row in self._ctx.inventory:
            if row.details and any(dc.id == data_centre_id for dc in row.details.data_centres):
                return row.id
        return None

    async def details(self, cluster_id: str, owner: str | None) -> ClusterDetails:
        """The cluster's details: the inventory's when it has them (ids never change)."""
        row = self._ctx.inventory.get(cluster_id)
        if row is not None and row.details is not None:
            return row.details
        return await self._ctx.get_cluster(cluster_id, owner=owner)

    def _store(self, cluster_id: str | None, data_centre_id: str, found: list[VpcPeering]) -> None:
        """Put the data centre's peerings into its cluster's row."""
        ctx = self._ctx
        row = ctx.inventory.get(cluster_id) if cluster_id else None
        if row is None:
            return
        kept = tuple(p for p in row.vpc_peerings or () if p.data_centre_id != data_centre_id)
        if ctx.inventory.update(row.id, vpc_peerings=kept + tuple(found)):
            ctx.bus.rows_changed({row.id})

    # --- reads -----------------------------------------------------------------------------------

    async def list_for_data_centre(
        self, data_centre_id: str, *, kind: JobKind = JobKind.READ, owner: str | None = None
    ) -> list[VpcPeering]:
        ctx = self._ctx
        ctx.backend.check_id(data_centre_id, "clusterDataCentreId")
        cluster_id = self.cluster_of(data_centre_id)
        found = await ctx.run(
            lambda: ctx.backend.list_vpc_peerings(data_centre_id),
            kind,
            Op.LIST_VPC_PEERINGS,
            ctx.name_of(cluster_id) if cluster_id else data_centre_id,
            owner=owner,
            key=("peerings", data_centre_id),
        )
        self._store(cluster_id, data_centre_id, found)
        return found

    async def list(self, cluster_id: str, *, owner: str | None = None) -> list[VpcPeering]:
        """Every peering of every data centre of the cluster."""
        self._ctx.backend.check_id(cluster_id)
        details = await self.details(cluster_id, owner)
        out: list[VpcPeering] = []
        for dc in details.data_centres:
            out.extend(await self.list_for_data_centre(dc.id, owner=owner))
        return out

    async def get(
        self, data_centre_id: str, peering_id: str, *, owner: str | None = None
    ) -> VpcPeering:
        ctx = self._ctx
        ctx.backend.check_id(data_centre_id, "clusterDataCentreId")
        ctx.backend.check_id(peering_id, "vpcPeeringId")
        peering = await ctx.run(
            lambda: ctx.backend.get_vpc_peering(data_centre_id, peering_id),
            JobKind.READ,
            Op.GET_VPC_PEERING,
            peering_id,
            owner=owner,
            key=("peering", data_centre_id, peering_id),
        )
        cluster_id = self.cluster_of(data_centre_id)
        row = ctx.inventory.get(cluster_id) if cluster_id else None
        if row is not None:
            here = [p for p in row.vpc_peerings or () if p.data_centre_id == data_centre_id]
            known = any(p.id == peering.id for p in here)
            updated = [peering if p.id == peering.id else p for p in here]
            self._store(cluster_id, data_centre_id, updated if known else [*updated, peering])
        return peering

    async def wait(
        self,
        data_centre_id: str,
        peering_id: str,
        *,
        until: Collection[PeeringStatus],
        timeout: float,
        owner: str | None = None,
    ) -> VpcPeering:
        """Poll one peering until its status is one of ``until``.

        Raises:
            InstaError: It ended in a failure (rejected, expired, failed…) not in ``until``.
            DeadlineExceededError: ``timeout`` seconds passed.
        """
        ctx = self._ctx
        ctx.backend.check_id(data_centre_id, "clusterDataCentreId")
        ctx.backend.check_id(peering_id, "vpcPeeringId")
        # NaN would never compare as passed: the wait would never end.
        if not isinstance(timeout, int | float) or not timeout >= 0:
            raise errors.ValidationError({"timeout": "Give seconds to wait: a number, 0 or more."})
        try:
            wanted = frozenset(PeeringStatus(s) for s in until)
        except (TypeError, ValueError):
            raise errors.ValidationError(
                {"until": f"Give peering statuses, e.g. {PeeringStatus.ACTIVE!r}."}
            ) from None
        if not wanted:
            raise errors.ValidationError({"until": "Give at least one status to wait for."})
        end = ctx.clock.monotonic() + timeout
        while True:
            peering = await self.get(data_centre_id, peering_id, owner=owner)
            if peering.status in wanted:
                return peering
            if peering.status.is_failure:
                why = f": {peering.failure_reason}" if peering.failure_reason else ""
                raise errors.InstaError(
                    f"VPC peering {peering_id} is {peering.status.value}{why}; it will not "
                    f"become {' or '.join(sorted(s.value for s in wanted))}"
                )
            if ctx.clock.monotonic() >= end:
                raise errors.DeadlineExceededError(
                    f"VPC peering {peering_id} is still {peering.status.value} "
                    f"after {timeout:.0f} s"
                )
            await ctx.clock.sleep(ctx.settings.fast_poll)

    # --- mutations ---------------------------------------------------------------------------

    async def create(
        self,
        cluster_id: str,
        spec: VpcPeeringSpec,
        *,
        data_centre_id: str | None = None,
        owner: str | None = None,
    ) -> str:
        ctx = self._ctx
        ctx.backend.check_id(cluster_id)
        if data_centre_id is not None:
            ctx.backend.check_id(data_centre_id, "data_centre_id")
        ctx.refuse_if_read_only("add a VPC peering")
        ctx.refuse_invalid(ctx.backend.validate_vpc_peering(spec))
        details = await self.details(cluster_id, owner)
        dc = pick_data_centre(details, data_centre_id)
        provider = _PROVIDER.get(dc.provider or "", dc.provider)
        if provider is not None and provider != peering_provider(spec):
            raise errors.ValidationError(
                {"provider": f"Data centre {dc.id} is on {dc.provider}: give a {provider} peering."}
            )
        ctx.refuse_invalid(ctx.backend.validate_vpc_peering(spec, data_centre_network=dc.network))
        op = ctx.start("add VPC peering", _describe(spec), owner)
        op.cluster_id = cluster_id
        try:
            op.state = OperationState.SENT
            peering_id = await self._send(cluster_id, dc.id, spec, owner)
        except errors.InstaError as exc:
            ctx.finish(op, OperationState.FAILED, exc.message, exc)
            raise
        self._remember(cluster_id, dc.id, peering_id, spec)
        ctx.finish(op, OperationState.DONE, f"peering {peering_id} requested")
        ctx.mutated()
        return peering_id

    def _remember(
        self, cluster_id: str, data_centre_id: str, peering_id: str, spec: VpcPeeringSpec
    ) -> None:
        """Show the new peering in its row at once; its status comes with the next poll."""
        row = self._ctx.inventory.get(cluster_id)
        if row is None:
            return
        here = [p for p in row.vpc_peerings or () if p.data_centre_id == data_centre_id]
        if any(p.id == peering_id for p in here):
            return
        fields = {name: getattr(spec, name) for name in _IDENTITY if hasattr(spec, name)}
        placeholder = VpcPeering(
            id=peering_id,
            data_centre_id=data_centre_id,
            status=PeeringStatus.UNKNOWN,
            provider=peering_provider(spec),
            peer_subnets=tuple(spec.peer_subnets),
            **fields,
        )
        self._store(cluster_id, data_centre_id, [*here, placeholder])

    async def _send(
        self, cluster_id: str, data_centre_id: str, spec: VpcPeeringSpec, owner: str | None
    ) -> str:
        ctx = self._ctx
        try:
            return await ctx.run(
                lambda: ctx.backend.create_vpc_peering(data_centre_id, spec),
                JobKind.MUTATION,
                Op.CREATE_VPC_PEERING,
                ctx.name_of(cluster_id),
                owner=owner,
                idempotent=False,
            )
        except errors.InstaError as exc:
            if not getattr(exc, "ambiguous", False):
                raise
            # It may have gone through: look before anyone sends it again.
            found = await self.list_for_data_centre(data_centre_id, owner=owner)
            match = [p for p in found if _same_peer(p, spec) and not p.status.is_failure]
            if not match:
                raise
            return match[-1].id

    async def delete(
        self, data_centre_id: str, peering_id: str, *, owner: str | None = None
    ) -> None:
        ctx = self._ctx
        ctx.backend.check_id(data_centre_id, "clusterDataCentreId")
        ctx.backend.check_id(peering_id, "vpcPeeringId")
        ctx.refuse_if_read_only("delete a VPC peering")
        cluster_id = self.cluster_of(data_centre_id)
        op = ctx.start("delete VPC peering", peering_id, owner)
        op.cluster_id = cluster_id
        try:
            op.state = OperationState.SENT
            await ctx.run(
                lambda: ctx.backend.delete_vpc_peering(data_centre_id, peering_id),
                JobKind.MUTATION,
                Op.DELETE_VPC_PEERING,
                peering_id,
                owner=owner,
                idempotent=True,
                not_found_after_retry_ok=True,
            )
        except errors.InstaError as exc:
            ctx.finish(op, OperationState.FAILED, exc.message, exc)
            raise
        row = ctx.inventory.get(cluster_id) if cluster_id else None
        if row is not None:
            left = [p for p in row.vpc_peerings or () if p.data_centre_id == data_centre_id]
            self._store(cluster_id, data_centre_id, [p for p in left if p.id != peering_id])
        ctx.finish(op, OperationState.DONE, "peering deleted")
        ctx.mutated()


def _describe(spec: VpcPeeringSpec) -> str:
    for name in ("peer_vpc_id", "peer_vpc_network_name", "peer_vnet_network_name"):
        value = getattr(spec, name, None)
        if isinstance(value, str) and value:
            return value
    return "VPC peering"
